/**
 * The upstream dialect seam. A dialect owns everything that depends on what the upstream speaks:
 * the request translation, the URL and how the key is sent, the stream and whole-answer
 * translations back to Anthropic's format, and the mapping of its error bodies. The handler, the
 * upstream call, the retry loop, the key pool, the SSE relay and the activity see only these types.
 *
 * One folder per dialect (`openai-chat/`, `gemini/`, `anthropic/`), each with the same parts; the
 * Anthropic-side building blocks they share (wire types, SSE writer/reader, block writer, token
 * estimates, ids, error bodies) live in `../translate/`.
 */
import type {SseSource} from '../sse-relay.js';
import type {Profile} from '../translate/profiles.js';
import type {ThoughtSignatureCache} from '../translate/thought-signatures.js';
import type {AnthropicMessage, AnthropicRequest} from '../translate/types.js';
import type {ClientError} from '../translate/errors.js';
import type {UpstreamErrorOptions} from '../translate/upstream-errors.js';
import type {CallTarget, PreparedRequest} from '../upstream-call.js';

export type DialectName = 'openai-chat' | 'gemini' | 'anthropic';

/** What the answer translators need to know about the client's request. */
export type AnswerOptions = {readonly requestedModel: string; readonly inputTokens: number};
type StreamOptions = AnswerOptions & {readonly postFinishGraceMs: number};

/**
 * One request translated for one target, with the translators of its answer (they keep what the
 * request translation learned, such as shortened tool names).
 */
export type DialectRequest = PreparedRequest & {
	readonly dialect: DialectName;
	readonly profile: Profile;
	/** The client streams and the upstream's stream is relayed whatever its content-type says. */
	readonly relaysAnyBody: boolean;
	/** Translator for a 2xx streamed answer. */
	readonly stream: (options: StreamOptions) => SseSource;
	/** A 2xx answer read whole: JSON, or SSE text when the upstream streamed anyway. */
	readonly whole: (text: string, isSse: boolean, options: AnswerOptions) => AnthropicMessage;
	/** What the translation could not express for this upstream: reported once per provider, never fatal. */
	readonly notes?: readonly string[];
};

/** State that outlives one request, owned by the proxy and passed in (the translators hold none). */
export type DialectContext = {
	/** Gemini thought signatures by emitted `tool_use.id`, for the next request of the conversation. */
	readonly signatures: ThoughtSignatureCache;
};

export type Dialect = {
	readonly name: DialectName;
	/** Throws TranslationError when the request cannot be expressed in this dialect. */
	readonly prepare: (target: CallTarget, request: AnthropicRequest, profile: Profile, stream: boolean, context: DialectContext, client?: ClientBetas) => DialectRequest;
};

/** What the client asked for beyond the body: its `anthropic-beta` header and `?beta=true` (used by pass-through only). */
export type ClientBetas = {readonly header?: string; readonly query?: boolean};

/** How a key travels: a header name and an optional scheme (`Bearer`). */
export type KeyHeader = {readonly header: string; readonly scheme?: string};

/** Error mapping signature shared by every dialect. */
export type ErrorMapper = (status: number, bodyText: string, options: UpstreamErrorOptions) => ClientError;

const USER_AGENT = 'ccr-tui';

/** Headers every dialect starts from: JSON, our user agent, the profile's and the provider's own. */
export function baseHeaders(target: CallTarget, profile: Profile, stream: boolean): Record<string, string> {
	return {
		'content-type': 'application/json',
		'user-agent': USER_AGENT,
		...profile.extraHeaders,
		...target.provider.headers,
		accept: stream ? 'text/event-stream' : 'application/json',
	};
}
