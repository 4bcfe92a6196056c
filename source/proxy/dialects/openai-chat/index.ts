/**
 * Public surface of the translation engine (Anthropic Messages ⇄ OpenAI chat-completions).
 * Pure: no I/O, no timers, no clock reads. The proxy (I/O) owns timers (ping every 15 s of client
 * silence, post-finish grace, idle timeout) and calls in here.
 *
 * Flow for one request:
 *   const {profile, unsupportedTransformers} = resolveProfile(provider, model)
 *   const {body, toolNames} = toOpenAIRequest(request, {model, profile, stream})
 *   streaming 2xx:  const t = new StreamTranslator({requestedModel, inputTokens, profile, toolNames})
 *                   write(t.start()); for each read: write(t.push(bytes)); if (t.awaitingGrace) arm
 *                   timer → write(t.finalize()); at EOF write(t.end()); on read error write(t.fail(...));
 *                   after 15 s without writing write(t.ping())
 *   JSON 2xx:       toAnthropicMessage(json, …) (→ messageToSse(message, {inputTokens}) if the client streams)
 *   SSE 2xx to a non-stream request: collectSse(text, …)
 *   non-2xx:        toAnthropicError(status, text, {headers, requestId, redact})
 */
export type {TranslateIds} from '../../translate/ids.js';
export {PROFILES, defineProfile, type Profile} from '../../translate/profiles.js';
export {resolveProfile} from '../../translate/resolve-profile.js';
export {ToolNameMap} from '../../translate/tool-names.js';
export {toOpenAIRequest} from './request.js';
export {UnsupportedContentError} from './content.js';
export {StreamTranslator} from './stream.js';
export {toAnthropicMessage, collectSse, type ResponseOptions} from './response.js';
export {messageToSse} from '../../translate/message-sse.js';
export {TranslationError} from '../../translate/errors.js';
export {toAnthropicError} from '../../translate/upstream-errors.js';
export {estimateInputTokens, quickEstimateInputTokens} from '../../translate/tokens.js';
export {ThoughtSignatureCache} from '../../translate/thought-signatures.js';
export type {
	AnthropicRequest,
	AnthropicMessageParam,
	AnthropicTool,
} from '../../translate/types.js';
