import {createHash} from 'node:crypto';
import {convertMessages, systemMessage} from './messages.js';
import type {Profile} from '../../translate/profiles.js';
import {applyThinking, thinkingActive} from '../../translate/thinking.js';
import {ThoughtSignatureCache} from '../../translate/thought-signatures.js';
import {ToolNameMap} from '../../translate/tool-names.js';
import {applyTools} from './tools.js';
import type {AnthropicRequest, OpenAIChatRequest} from '../../translate/types.js';

export type ToOpenAIOptions = {
	/** Routed upstream model id. */
	model: string;
	profile: Profile;
	/** Whether the upstream call streams (the proxy may force `false`, e.g. `supportsStreamingToolCalls`). */
	stream: boolean;
	signatures?: ThoughtSignatureCache;
};

export type ToOpenAIResult = {body: OpenAIChatRequest; toolNames: ToolNameMap};

/**
 * Anthropic Messages request → OpenAI chat-completions body (spec §1). Built from an allowlist;
 * unknown fields (`metadata`, `context_management`, `service_tier`, betas …) never leave the proxy.
 * The input is not mutated; large strings (base64 images, tool results) are shared, not copied.
 */
export function toOpenAIRequest(request: AnthropicRequest, options: ToOpenAIOptions): ToOpenAIResult {
	const {profile} = options;
	const stopSequences = Array.isArray(request.stop_sequences) ? request.stop_sequences.filter(stop => typeof stop === 'string' && stop.length > 0).slice(0, profile.maxStop) : [];
	const toolNames = new ToolNameMap({dialect: profile.schemaDialect, stopSequences});
	const body: OpenAIChatRequest = {model: options.model, messages: []};

	// Tools first: the history's tool_use arguments need the tools' property renames.
	applyTools(request, body, profile, toolNames);
	const system = systemMessage(request.system, profile);
	const converted = convertMessages(request.messages ?? [], {
		profile,
		names: toolNames,
		signatures: options.signatures ?? new ThoughtSignatureCache(),
	});
	body.messages = system ? [system, ...converted] : converted;
	if (typeof request.max_tokens === 'number') {
		const limit = profile.maxOutputTokens ? Math.min(request.max_tokens, profile.maxOutputTokens) : request.max_tokens;
		body[profile.maxTokensField] = limit;
	}

	if (options.stream || request.stream !== undefined) body.stream = options.stream;
	if (options.stream && profile.streamUsage) body.stream_options = {include_usage: true};

	// OpenAI reasoning models reject non-default sampling; DeepSeek ignores it while thinking.
	const dropSampling = profile.dropSampling || (profile.reasoning === 'deepseek' && thinkingActive(request));
	if (!dropSampling) {
		if (typeof request.temperature === 'number') body.temperature = request.temperature;
		if (typeof request.top_p === 'number') body.top_p = request.top_p;
	}

	if (typeof request.top_k === 'number' && profile.supportsTopK) body.top_k = request.top_k;
	if (stopSequences.length > 0) body.stop = [...stopSequences];
	applyThinking(request, body, profile);

	const format = request.output_config?.format;
	if (format?.type === 'json_schema' && profile.supportsJsonSchema) {
		body['response_format'] = {type: 'json_schema', json_schema: {name: 'structured_output', schema: format.schema}};
	}

	const user = request.metadata?.user_id;
	if (profile.forwardUser && typeof user === 'string' && user) {
		body['user'] = `u_${createHash('sha256').update(user).digest('hex').slice(0, 32)}`;
	}

	if (profile.samplingOverrides) Object.assign(body, profile.samplingOverrides);
	if (profile.extraBody) deepMerge(body, profile.extraBody);
	return {body, toolNames};
}

/** CCR `customparams` semantics: objects merge recursively, values already set win. */
function deepMerge(target: Record<string, unknown>, source: Readonly<Record<string, unknown>>): void {
	for (const [key, value] of Object.entries(source)) {
		const current = target[key];
		if (current === undefined) target[key] = value;
		else if (isPlainObject(current) && isPlainObject(value)) deepMerge(current, value);
	}
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
