/**
 * OpenAI chat-completions upstreams (DeepSeek, Ollama, OpenRouter, Gemini Balance `/v1` and
 * `/openai/v1`, …): the translator in this folder behind the dialect seam.
 */
import {toAnthropicError} from '../../translate/upstream-errors.js';
import {clientError, TranslationError} from '../../translate/errors.js';
import {chatCompletionsUrl} from '../../upstream-url.js';
import {baseHeaders, type Dialect, type DialectRequest, type ErrorMapper, type KeyHeader} from '../dialect.js';
import {toOpenAIRequest} from './request.js';
import {collectSse, toAnthropicMessage} from './response.js';
import {StreamTranslator} from './stream.js';

const BEARER: KeyHeader = {header: 'authorization', scheme: 'Bearer'};
const mapError: ErrorMapper = toAnthropicError;

export const openAIChatDialect: Dialect = {
	name: 'openai-chat',
	prepare(target, request, profile, stream, {signatures}): DialectRequest {
		const {provider, model} = target;
		// Providers that cannot stream tool calls get a non-stream call; the answer is re-streamed.
		const upstreamStream = stream && (profile.supportsStreamingToolCalls || !(request.tools && request.tools.length > 0));
		let translated;
		try {
			translated = toOpenAIRequest(request, {model, profile, stream: upstreamStream, signatures});
		} catch (error) {
			throw new TranslationError(
				clientError(400, 'invalid_request_error', `cannot translate the request for ${provider.name}: ${error instanceof Error ? error.message : String(error)}`),
			);
		}

		const {toolNames} = translated;
		return {
			dialect: 'openai-chat',
			url: chatCompletionsUrl(provider.api_base_url),
			body: JSON.stringify(translated.body),
			headers: baseHeaders(target, profile, upstreamStream),
			profileName: profile.name,
			key: BEARER,
			mapError,
			...(profile.contextWindow ? {contextWindow: profile.contextWindow} : {}),
			upstreamStream,
			profile,
			relaysAnyBody: false,
			stream: options => new StreamTranslator({...options, profile, toolNames, signatures}),
			whole: (text, isSse, options) =>
				isSse ? collectSse(text, {...options, profile, toolNames, signatures}) : toAnthropicMessage(JSON.parse(text), {...options, profile, toolNames, signatures}),
		};
	},
};
