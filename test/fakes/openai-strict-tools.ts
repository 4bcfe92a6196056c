/**
 * The tool-message rules a real OpenAI chat-completions server enforces (HTTP 400
 * `invalid_request_error`), as a wrapper around any fake handler:
 *   - a `tool` message must answer a `tool_calls` id of the assistant message right before its run;
 *   - every `tool_calls` id of an assistant message must be answered before the next non-tool message;
 *   - ids within one assistant message are distinct.
 * Ids reused across turns (`call_a1` every time) are accepted, as the real servers accept them.
 */
import type {FakeUpstreamHandler} from './openai-upstream.js';
import {sendError} from './openai-upstream.js';

type ChatMessage = {role?: string; tool_call_id?: string; tool_calls?: Array<{id?: string}>};

export function toolPairingError(messages: readonly ChatMessage[]): string | undefined {
	let open: Set<string> | undefined;
	for (const [index, message] of messages.entries()) {
		if (message.role === 'tool') {
			if (!open?.delete(message.tool_call_id ?? '')) {
				return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (messages[${index}], tool_call_id ${message.tool_call_id})`;
			}

			continue;
		}

		if (open && open.size > 0) {
			return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
		}

		open = undefined;
		if (message.role === 'assistant' && message.tool_calls?.length) {
			const ids = message.tool_calls.map(call => call.id ?? '');
			if (new Set(ids).size !== ids.length) return `messages[${index}]: duplicate tool_call ids in one message: ${ids.join(', ')}`;
			open = new Set(ids);
		}
	}

	return open && open.size > 0 ? `tool_call_ids without response messages: ${[...open].join(', ')}` : undefined;
}

/** Rejects a request breaking the rules above like OpenAI does; otherwise `handler` answers. */
export function strictToolPairs(handler: FakeUpstreamHandler): FakeUpstreamHandler {
	return (req, res) => {
		const problem = toolPairingError((req.body?.messages ?? []) as ChatMessage[]);
		if (problem) return sendError(res, 400, problem, {type: 'invalid_request_error', code: 'invalid_request_error'});
		return handler(req, res);
	};
}
