import {convertUserBlock, toolResultText} from './content.js';
import type {Profile} from '../../translate/profiles.js';
import {argumentsToUpstream} from '../../translate/property-names.js';
import {SKIP_THOUGHT_SIGNATURE, type ThoughtSignatureCache} from '../../translate/thought-signatures.js';
import type {ToolNameMap} from '../../translate/tool-names.js';
import type {
	AnthropicContentBlock,
	AnthropicMessageParam,
	AnthropicTextBlock,
	AnthropicToolResultBlock,
	AnthropicToolUseBlock,
	OpenAIContentPart,
	OpenAIMessage,
	OpenAIToolCall,
} from '../../translate/types.js';

const BILLING_HEADER = 'x-anthropic-billing-header:';
const NO_RESULT = '[no result provided]';
const EMPTY_RESULT = '[the tool returned no output]';

type Context = {profile: Profile; names: ToolNameMap; signatures: ThoughtSignatureCache};
type AssistantMessage = Extract<OpenAIMessage, {role: 'assistant'}>;
type ToolMessage = Extract<OpenAIMessage, {role: 'tool'}>;

/** Top-level `system` → one system message (billing block dropped, cache_control stripped), or none. */
export function systemMessage(system: unknown, profile: Profile): OpenAIMessage | undefined {
	if (typeof system === 'string') return system ? {role: 'system', content: system} : undefined;
	if (!Array.isArray(system)) return undefined;
	// Claude Code's attribution block carries a per-request nonce that defeats upstream prefix caching.
	const blocks = (system as AnthropicTextBlock[]).filter(block => block?.type === 'text' && typeof block.text === 'string' && block.text && !block.text.startsWith(BILLING_HEADER));
	if (blocks.length === 0) return undefined;
	if (profile.keepCacheControl) {
		return {
			role: 'system',
			content: blocks.map(block => (block.cache_control ? {type: 'text', text: block.text, cache_control: block.cache_control} : {type: 'text', text: block.text})),
		};
	}

	return {role: 'system', content: blocks.map(block => block.text).join('\n\n')};
}

/** Spec §1.4: Anthropic turns → OpenAI messages, tool messages right after the calls they answer. */
export function convertMessages(messages: readonly AnthropicMessageParam[], context: Context): OpenAIMessage[] {
	const {profile} = context;
	const out: OpenAIMessage[] = [];
	let pending: string[] = [];
	let deferred: OpenAIMessage[] = [];
	const flushPending = (): void => {
		for (const id of pending) out.push({role: 'tool', tool_call_id: id, content: NO_RESULT});
		pending = [];
	};

	for (let index = 0; index < messages.length; index++) {
		const message = messages[index]!;
		if (message.role === 'assistant') {
			flushPending();
			pending = pushAssistant(message.content, context, out);
		} else if (message.role === 'system') {
			const converted = midSystem(message.content, profile);
			if (!converted) continue;
			// Never between an assistant `tool_calls` message and its tool messages (rule 5).
			if (pending.length > 0 && opensWithToolResult(messages[index + 1])) deferred.push(converted);
			else {
				flushPending();
				out.push(converted);
			}
		} else {
			pushUser(message.content, pending, deferred, context, out);
			pending = [];
			deferred = [];
		}
	}

	flushPending();
	out.push(...deferred);
	return profile.mergeSameRole ? mergeSameRole(out) : out;
}

function pushAssistant(content: AnthropicMessageParam['content'], {profile, names, signatures}: Context, out: OpenAIMessage[]): string[] {
	if (typeof content === 'string') {
		if (content) out.push({role: 'assistant', content});
		return [];
	}

	let text = '';
	let reasoning = '';
	const calls: OpenAIToolCall[] = [];
	for (const block of content) {
		if (block.type === 'text') text += (block as AnthropicTextBlock).text ?? '';
		else if (block.type === 'tool_use') {
			const use = block as AnthropicToolUseBlock;
			const call: OpenAIToolCall = {
				id: use.id,
				type: 'function',
				function: {name: names.upstreamName(use.name), arguments: JSON.stringify(argumentsToUpstream(use.input ?? {}, names.propertyRenamesOf(use.name)))},
			};
			if (profile.geminiThoughtSignatures) {
				const signature = signatures.get(use.id) ?? (calls.length === 0 ? SKIP_THOUGHT_SIGNATURE : undefined);
				if (signature) call.extra_content = {google: {thought_signature: signature}};
			}

			calls.push(call);
		} else if (block.type === 'thinking' && profile.replayReasoning) {
			const thinking = (block as {thinking?: string}).thinking;
			if (thinking) reasoning += (reasoning ? '\n\n' : '') + thinking;
		} else if (block.type === 'web_search_tool_result') {
			text += renderSearchResults(block);
		}
	}

	if (profile.replayReasoningScope === 'tool-turns' && calls.length === 0) reasoning = '';
	if (!text && calls.length === 0 && !reasoning) return [];
	const narration = calls.length > 0 && profile.dropAssistantToolText ? '' : text;
	// A text-only assistant message right before the calls is narration too: two model turns in a row are refused.
	if (calls.length > 0 && profile.dropAssistantToolText) dropTrailingAssistantText(out);
	const message: AssistantMessage = {role: 'assistant', content: narration || (calls.length > 0 ? profile.assistantToolContent : '')};

	if (calls.length > 0) message.tool_calls = calls;
	if (reasoning && profile.replayReasoning) message[profile.replayReasoning] = reasoning;
	out.push(message);
	return calls.map(call => call.id);
}

function dropTrailingAssistantText(out: OpenAIMessage[]): void {
	const previous = out.at(-1);
	if (previous?.role === 'assistant' && !previous.tool_calls) out.pop();
}

function pushUser(content: AnthropicMessageParam['content'], pending: readonly string[], deferred: readonly OpenAIMessage[], {profile}: Context, out: OpenAIMessage[]): void {
	const blocks: AnthropicContentBlock[] = typeof content === 'string' ? (content ? [{type: 'text', text: content}] : []) : content;
	const open = new Set(pending);
	const hoisted: OpenAIContentPart[] = [];
	const orphans: OpenAIContentPart[] = [];
	const rest: OpenAIContentPart[] = [];
	const results = new Map<string, ToolMessage>();
	for (const block of blocks) {
		if (block.type !== 'tool_result') {
			convertUserBlock(block, profile, rest);
			continue;
		}

		const result = block as AnthropicToolResultBlock;
		// An empty result has no parts upstream (Gemini Balance drops it and the model calls again).
		const text = toolResultText(result, profile, hoisted) || EMPTY_RESULT;
		if (open.delete(result.tool_use_id)) results.set(result.tool_use_id, {role: 'tool', tool_call_id: result.tool_use_id, content: text});
		else orphans.push({type: 'text', text: `[tool result ${result.tool_use_id}]\n${text}`});
	}

	// In the order of the calls, not of completion: Gemini matches results to calls by position.
	let lastTool: ToolMessage | undefined;
	for (const id of pending) out.push((lastTool = results.get(id) ?? {role: 'tool', tool_call_id: id, content: NO_RESULT}));
	out.push(...deferred);
	const parts = [...hoisted, ...orphans, ...rest];
	if (parts.length === 0) return;
	const allText = parts.every(part => part.type === 'text');
	if (profile.requiresAssistantAfterToolResult && lastTool && deferred.length === 0) {
		// Mistral-family templates reject `user` right after `tool`.
		if (allText) {
			lastTool.content += `\n\n${parts.map(part => (part as {text: string}).text).join('\n\n')}`;
			return;
		}

		out.push({role: 'assistant', content: '.'});
	}

	out.push({role: 'user', content: allText && profile.flattenText ? parts.map(part => (part as {text: string}).text).join('\n\n') : parts});
}

function midSystem(content: AnthropicMessageParam['content'], profile: Profile): OpenAIMessage | undefined {
	const text =
		typeof content === 'string'
			? content
			: content
					.filter(block => block.type === 'text' && (block as AnthropicTextBlock).text)
					.map(block => (block as AnthropicTextBlock).text)
					.join('\n\n');
	if (!text) return undefined;
	return profile.noMidSystem ? {role: 'user', content: `<system-reminder>\n${text}\n</system-reminder>`} : {role: 'system', content: text};
}

function opensWithToolResult(message: AnthropicMessageParam | undefined): boolean {
	return message?.role === 'user' && Array.isArray(message.content) && message.content[0]?.type === 'tool_result';
}

function renderSearchResults(block: AnthropicContentBlock): string {
	const results = (block as {content?: unknown}).content;
	if (!Array.isArray(results)) return '';
	const lines = results.map(result => `- ${String(result?.title ?? '')} ${String(result?.url ?? '')}`.trimEnd());
	return `[web search results]\n${lines.join('\n')}\n`;
}

function mergeSameRole(messages: OpenAIMessage[]): OpenAIMessage[] {
	const merged: OpenAIMessage[] = [];
	for (const message of messages) {
		const previous = merged.at(-1);
		if (previous?.role === 'user' && message.role === 'user') {
			const toParts = (content: string | OpenAIContentPart[]): OpenAIContentPart[] => (typeof content === 'string' ? [{type: 'text', text: content}] : content);
			const parts = [...toParts(previous.content), ...toParts(message.content)];
			previous.content = parts.every(part => part.type === 'text') ? parts.map(part => (part as {text: string}).text).join('\n\n') : parts;
		} else merged.push(message);
	}

	return merged;
}
