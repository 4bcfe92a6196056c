import type {Profile} from '../../translate/profiles.js';
import type {AnthropicContentBlock, AnthropicDocumentBlock, AnthropicImageBlock, AnthropicToolResultBlock, OpenAIContentPart} from '../../translate/types.js';

/** Raised for content the proxy cannot forward at all (mapped to 400 invalid_request_error). */
export class UnsupportedContentError extends Error {}

const IMAGE_OMITTED = '[image omitted: model does not accept images]';
const PDF_OMITTED = '[PDF document omitted: provider does not accept files]';
const TOOL_IMAGE_NOTE = '[image returned by tool; attached in the next user message]';

/** User-side block → OpenAI parts (text, image, document); other block kinds are handled by the caller. */
export function convertUserBlock(block: AnthropicContentBlock, profile: Profile, out: OpenAIContentPart[]): void {
	switch (block.type) {
		case 'text': {
			const text = (block as {text?: unknown}).text;
			if (typeof text === 'string' && text.length > 0) out.push(textPart(text, block as {cache_control?: unknown}, profile));
			return;
		}

		case 'image':
			out.push(imagePart(block as AnthropicImageBlock, profile));
			return;
		case 'document':
			convertDocument(block as AnthropicDocumentBlock, profile, out);
			return;
		case 'search_result': {
			const text = searchResultText(block);
			if (text) out.push({type: 'text', text});
			return;
		}

		default:
			// thinking / redacted_thinking / tool_use in a user turn, server tool blocks, future types: nothing to send.
			if (block.type !== 'thinking' && block.type !== 'redacted_thinking' && block.type !== 'tool_use') {
				out.push({type: 'text', text: `[${block.type} omitted]`});
			}
	}
}

function textPart(text: string, block: {cache_control?: unknown}, profile: Profile): OpenAIContentPart {
	if (profile.keepCacheControl && block.cache_control) {
		return {type: 'text', text, cache_control: block.cache_control as {type: string}};
	}

	return {type: 'text', text};
}

function imagePart(block: AnthropicImageBlock, profile: Profile): OpenAIContentPart {
	if (!profile.supportsImages) return {type: 'text', text: IMAGE_OMITTED};
	const source = block.source;
	if (source?.type === 'url') return {type: 'image_url', image_url: {url: source.url}};
	if (source?.type === 'base64') return {type: 'image_url', image_url: {url: dataUrl(source.media_type, source.data)}};
	throw new UnsupportedContentError('file sources are not supported by this proxy');
}

/** `data:<type>;base64,<data>`; data that already carries a data-URL prefix is not prefixed twice. */
function dataUrl(mediaType: string, data: string): string {
	if (data.startsWith('data:')) return data;
	return `data:${mediaType};base64,${data}`;
}

function convertDocument(block: AnthropicDocumentBlock, profile: Profile, out: OpenAIContentPart[]): void {
	const source = block.source;
	const title = typeof block.title === 'string' && block.title ? block.title : undefined;
	switch (source?.type) {
		case 'text':
			out.push({type: 'text', text: title ? `${title}\n${source.data}` : source.data});
			return;
		case 'content': {
			const inner = typeof source.content === 'string' ? [{type: 'text', text: source.content}] : source.content;
			for (const part of inner) convertUserBlock(part, profile, out);
			return;
		}

		case 'base64':
		case 'url':
			if (!profile.supportsFileParts) {
				out.push({type: 'text', text: PDF_OMITTED});
				return;
			}

			out.push({
				type: 'file',
				file: {
					filename: title ?? 'document.pdf',
					file_data: source.type === 'url' ? source.url : dataUrl(source.media_type || 'application/pdf', source.data),
				},
			});
			return;
		default:
			throw new UnsupportedContentError('file sources are not supported by this proxy');
	}
}

function searchResultText(block: AnthropicContentBlock): string {
	const result = block as {title?: string; source?: string; content?: Array<{text?: string}>};
	const body = Array.isArray(result.content) ? result.content.map(part => part.text ?? '').join('\n') : '';
	return `${result.title ?? ''} ${result.source ?? ''}`.trim() + (body ? `\n${body}` : '');
}

/**
 * Tool result → tool message text (spec §1.5); images are pushed to `images` for hoisting into
 * the following user message instead of being stringified into the tool message.
 */
export function toolResultText(block: AnthropicToolResultBlock, profile: Profile, images: OpenAIContentPart[]): string {
	let text = '';
	const content = block.content;
	if (typeof content === 'string') text = content;
	else if (Array.isArray(content)) {
		const lines: string[] = [];
		let hoisted = false;
		for (const part of content) {
			switch (part.type) {
				case 'text':
					lines.push((part as {text: string}).text);
					break;
				case 'image':
					if (profile.supportsImages) {
						images.push(imagePart(part as AnthropicImageBlock, profile));
						hoisted = true;
					} else lines.push(IMAGE_OMITTED);
					break;
				case 'search_result':
					lines.push(searchResultText(part));
					break;
				case 'tool_reference':
					lines.push(`[tool_reference: ${String((part as {tool_name?: unknown}).tool_name ?? '')}]`);
					break;
				case 'document': {
					const source = (part as AnthropicDocumentBlock).source;
					lines.push(source?.type === 'text' ? source.data : '[document omitted]');
					break;
				}

				default:
					lines.push(`[${part.type} omitted]`);
			}
		}

		if (hoisted) lines.push(TOOL_IMAGE_NOTE);
		text = lines.join('\n');
	}

	return block.is_error === true ? `Error: ${text}` : text;
}
