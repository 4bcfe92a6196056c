/**
 * Public surface of the translation engine (Anthropic Messages ⇄ OpenAI chat-completions).
 * Pure: no I/O, no timers, no clock reads except through injected hooks. The proxy (I/O) owns
 * timers (ping every 15 s of client silence, post-finish grace, idle timeout) and calls in here.
 *
 * CONTRACT (other modules code against these names; implementations live in sibling files):
 *
 *   type TranslateIds = {message(): string; toolUse(): string; signature(thinking: string): string}
 *   const defaultIds: TranslateIds                                  // msg_ + 24 base62, toolu_…, sig
 *
 *   type Profile = {...flags of spec §1.13}                           // profiles.ts
 *   function resolveProfile(provider: ProviderConfig, model: string):
 *       {profile: Profile; unsupportedTransformers: string[]}         // explicit `profile`, transformer.use, URL/name guess
 *
 *   type ToolNameMap                                                  // shortened ⇄ original tool names
 *   function toOpenAIRequest(request: AnthropicRequest, options: {model: string; profile: Profile; stream: boolean}):
 *       {body: OpenAIChatRequest; toolNames: ToolNameMap}
 *
 *   class StreamTranslator                                            // stream.ts, spec §2.5–2.12
 *     constructor(options: {requestedModel: string; inputTokens: number; profile: Profile;
 *                           toolNames: ToolNameMap; ids?: TranslateIds; postFinishGraceMs?: number})
 *     start(): string                 // `event: message_start` + `event: ping` SSE text
 *     push(chunk: Uint8Array | string): string   // raw upstream bytes (any split); SSE text to write now ('' if none)
 *     end(): string                   // upstream EOF: finalize, or `event: error` if the answer was cut short
 *     finalize(): string              // post-finish grace elapsed (finish_reason seen, usage never came)
 *     fail(error: {type: string; message: string}): string   // `event: error` (once), nothing after
 *     ping(): string                  // `event: ping` (proxy calls after 15 s without writing)
 *     readonly ended: boolean
 *     readonly awaitingGrace: boolean // finish seen but not finalized: proxy arms a grace timer → finalize()
 *     readonly outputTokens: number   // running estimate, for progress events
 *     readonly stopReason: string | null
 *     readonly usage: AnthropicUsage  // last known (real when the upstream sent it)
 *
 *   function toAnthropicMessage(body: unknown, options: {requestedModel; inputTokens; profile; toolNames; ids?}):
 *       AnthropicMessage              // non-stream §2.13; throws TranslationError (502 api_error) on no choices
 *   function messageToSse(message: AnthropicMessage): string   // JSON upstream answer to a streaming request
 *   function collectSse(text: string, options): AnthropicMessage // SSE upstream answer to a non-stream request
 *
 *   function toAnthropicError(status: number, bodyText: string, options?: {provider?: string}):
 *       {status: number; body: AnthropicErrorBody}                // spec §3.3/§3.4, redacted, no stack traces
 *   function anthropicError(type: AnthropicErrorType, message: string): AnthropicErrorBody
 *   function statusForErrorType(type): number; function errorTypeForStatus(status): AnthropicErrorType
 *   function errorEventSse(body: AnthropicErrorBody): string   // `event: error` frame
 *
 *   function estimateInputTokens(request: AnthropicRequest): number   // gpt-tokenizer based, fast
 */
export {};
