/**
 * Wire types of both sides. Deliberately loose where clients send open lists (new block types, new
 * body fields): the translator reads what it knows and drops the rest.
 */

type CacheControl = {type: string; ttl?: string};

export type AnthropicTextBlock = {type: 'text'; text: string; cache_control?: CacheControl | null; citations?: unknown};
type AnthropicImageSource = {type: 'base64'; media_type: string; data: string} | {type: 'url'; url: string} | {type: 'file'; file_id: string};
export type AnthropicImageBlock = {type: 'image'; source: AnthropicImageSource; cache_control?: CacheControl | null};
type AnthropicDocumentSource =
	| {type: 'text'; media_type?: string; data: string}
	| {type: 'base64'; media_type: string; data: string}
	| {type: 'url'; url: string}
	| {type: 'content'; content: string | AnthropicContentBlock[]}
	| {type: 'file'; file_id: string};
export type AnthropicDocumentBlock = {
	type: 'document';
	source: AnthropicDocumentSource;
	title?: string | null;
	context?: string | null;
	cache_control?: CacheControl | null;
};
export type AnthropicToolUseBlock = {type: 'tool_use'; id: string; name: string; input: unknown; cache_control?: CacheControl | null};
export type AnthropicToolResultBlock = {
	type: 'tool_result';
	tool_use_id: string;
	content?: string | AnthropicContentBlock[];
	is_error?: boolean;
	cache_control?: CacheControl | null;
};
type AnthropicThinkingBlock = {type: 'thinking'; thinking: string; signature: string};
type AnthropicRedactedThinkingBlock = {type: 'redacted_thinking'; data: string};
/** Any block type Claude Code may add later; handled as "unknown". */
type AnthropicOtherBlock = {type: string; [key: string]: unknown};

export type AnthropicContentBlock =
	| AnthropicTextBlock
	| AnthropicImageBlock
	| AnthropicDocumentBlock
	| AnthropicToolUseBlock
	| AnthropicToolResultBlock
	| AnthropicThinkingBlock
	| AnthropicRedactedThinkingBlock
	| AnthropicOtherBlock;

export type AnthropicMessageParam = {role: 'user' | 'assistant' | 'system'; content: string | AnthropicContentBlock[]};

export type AnthropicTool = {
	name: string;
	type?: string;
	description?: string;
	input_schema?: Record<string, unknown>;
	[key: string]: unknown;
};

type AnthropicToolChoice = {type: 'auto' | 'any' | 'none'; disable_parallel_tool_use?: boolean} | {type: 'tool'; name: string; disable_parallel_tool_use?: boolean};

type AnthropicThinking = {type: 'enabled'; budget_tokens: number} | {type: 'adaptive'; budget_tokens?: number | null; display?: string} | {type: 'disabled'};

/** `POST /v1/messages` body (what the proxy accepts; unknown fields are allowed and dropped). */
export type AnthropicRequest = {
	model: string;
	max_tokens: number;
	messages: AnthropicMessageParam[];
	system?: string | AnthropicTextBlock[];
	stream?: boolean;
	temperature?: number;
	top_p?: number;
	top_k?: number;
	stop_sequences?: string[];
	tools?: AnthropicTool[];
	tool_choice?: AnthropicToolChoice;
	thinking?: AnthropicThinking;
	output_config?: {effort?: string; format?: {type: string; schema?: unknown}};
	metadata?: {user_id?: string | null};
	[key: string]: unknown;
};

export type AnthropicUsage = {
	input_tokens: number;
	output_tokens: number;
	cache_creation_input_tokens: number;
	cache_read_input_tokens: number;
};

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';

export type AnthropicResponseBlock =
	| {type: 'text'; text: string}
	| {type: 'thinking'; thinking: string; signature: string}
	| {type: 'tool_use'; id: string; name: string; input: Record<string, unknown>};

/** A complete (non-streaming) Messages API response. */
export type AnthropicMessage = {
	id: string;
	type: 'message';
	role: 'assistant';
	model: string;
	content: AnthropicResponseBlock[];
	stop_reason: StopReason | null;
	stop_sequence: string | null;
	usage: AnthropicUsage;
};

export type AnthropicErrorType =
	| 'invalid_request_error'
	| 'authentication_error'
	| 'billing_error'
	| 'permission_error'
	| 'not_found_error'
	| 'request_too_large'
	| 'rate_limit_error'
	| 'api_error'
	| 'timeout_error'
	| 'overloaded_error';

export type AnthropicErrorBody = {
	type: 'error';
	error: {type: AnthropicErrorType; message: string};
	request_id?: string;
};

// ---------------------------------------------------------------------------------------------- OpenAI

export type OpenAIContentPart =
	| {type: 'text'; text: string; cache_control?: CacheControl}
	| {type: 'image_url'; image_url: {url: string}}
	| {type: 'file'; file: {filename: string; file_data: string}};

export type OpenAIToolCall = {
	id: string;
	type: 'function';
	function: {name: string; arguments: string};
	extra_content?: {google?: {thought_signature?: string}};
};

export type OpenAIMessage =
	| {role: 'system'; content: string | OpenAIContentPart[]}
	| {role: 'user'; content: string | OpenAIContentPart[]}
	| {
			role: 'assistant';
			content: string | null;
			tool_calls?: OpenAIToolCall[];
			reasoning_content?: string;
			reasoning?: string;
	  }
	| {role: 'tool'; tool_call_id: string; content: string};

export type OpenAITool = {type: 'function'; function: {name: string; description: string; parameters: Record<string, unknown>}};

export type OpenAIChatRequest = {
	model: string;
	messages: OpenAIMessage[];
	max_tokens?: number;
	max_completion_tokens?: number;
	stream?: boolean;
	stream_options?: {include_usage: boolean};
	temperature?: number;
	top_p?: number;
	top_k?: number;
	stop?: string[];
	tools?: OpenAITool[];
	tool_choice?: 'auto' | 'required' | 'none' | {type: 'function'; function: {name: string}};
	parallel_tool_calls?: boolean;
	reasoning_effort?: string;
	[key: string]: unknown;
};
