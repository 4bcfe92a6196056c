/**
 * What goes upstream for one target: the translated body (or the untouched Anthropic body for
 * Anthropic-compatible upstreams), URL, headers; and the list of targets (routed one, then the
 * scenario's fallbacks).
 */
import type {Config, ProviderConfig} from '../config/schema.js';
import {resolveTarget} from './router.js';
import {toOpenAIRequest, type AnthropicRequest, type Profile} from './translate/index.js';
import {clientError, PrepareError, type CallTarget, type PreparedRequest} from './upstream-call.js';
import {chatCompletionsUrl, messagesUrl} from './upstream-url.js';

export type Prepared = PreparedRequest & {
	readonly profile: Profile;
	readonly toolNames: ReturnType<typeof toOpenAIRequest>['toolNames'] | undefined;
	readonly upstreamStream: boolean;
	readonly passthrough: boolean;
};

const USER_AGENT = 'ccr-tui';

export function prepareFor(target: CallTarget, request: AnthropicRequest, profile: Profile, stream: boolean): Prepared {
	const {provider, model} = target;
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'user-agent': USER_AGENT,
		...profile.extraHeaders,
		...provider.headers,
	};
	if (profile.passthrough) {
		headers['anthropic-version'] ??= '2023-06-01';
		headers['accept'] = stream ? 'text/event-stream' : 'application/json';
		return {
			url: messagesUrl(provider.api_base_url),
			body: JSON.stringify({...request, model}),
			headers,
			profileName: profile.name,
			auth: 'x-api-key',
			profile,
			toolNames: undefined,
			upstreamStream: stream,
			passthrough: true,
		};
	}

	// Providers that cannot stream tool calls get a non-stream call; the answer is re-streamed.
	const upstreamStream = stream && (profile.supportsStreamingToolCalls || !(request.tools && request.tools.length > 0));
	let translated;
	try {
		translated = toOpenAIRequest(request, {model, profile, stream: upstreamStream});
	} catch (error) {
		throw new PrepareError(
			clientError(400, 'invalid_request_error', `cannot translate the request for ${provider.name}: ${error instanceof Error ? error.message : String(error)}`),
		);
	}

	headers['accept'] = upstreamStream ? 'text/event-stream' : 'application/json';
	return {
		url: chatCompletionsUrl(provider.api_base_url),
		body: JSON.stringify(translated.body),
		headers,
		profileName: profile.name,
		auth: 'bearer',
		...(profile.contextWindow ? {contextWindow: profile.contextWindow} : {}),
		profile,
		toolNames: translated.toolNames,
		upstreamStream,
		passthrough: false,
	};
}

/** The routed target, then the scenario's fallback list (unknown or repeated entries skipped). */
export function buildTargets(config: Config, primary: CallTarget, scenario: string): {list: CallTarget[]; skipped: Array<{provider: string; model: string; reason: string}>} {
	const list: CallTarget[] = [primary];
	const skipped: Array<{provider: string; model: string; reason: string}> = [];
	const seen = new Set([targetKey(primary.provider, primary.model)]);
	const chain = (config.fallback as Record<string, readonly string[] | undefined> | undefined)?.[scenario] ?? [];
	for (const entry of chain) {
		const resolved = resolveTarget(config, entry);
		if ('error' in resolved) {
			const [provider = entry, model = ''] = entry.split(',');
			skipped.push({provider, model, reason: `fallback ${resolved.error}`});
			continue;
		}

		const key = targetKey(resolved.provider, resolved.model);
		if (seen.has(key)) continue;
		seen.add(key);
		list.push(resolved);
	}

	return {list, skipped};
}

function targetKey(provider: ProviderConfig, model: string): string {
	return `${provider.name.toLowerCase()},${model.toLowerCase()}`;
}
