/**
 * A Gemini stream's events as the one `generateContent` response Google would have sent: parts
 * concatenated in order, the last finishReason, usage and grounding, promptFeedback kept.
 */
import {SseReader} from '../../source/proxy/translate/sse-reader.js';

type Response = {candidates?: Array<Record<string, any>>; usageMetadata?: unknown; promptFeedback?: unknown};

export function mergedResponse(pieces: ReadonlyArray<string | Uint8Array>): Record<string, unknown> {
	const events: Response[] = [];
	const reader = new SseReader({onData: payload => events.push(payload as Response), onDone: () => undefined, onError: message => events.push({promptFeedback: {error: message}})});
	for (const piece of pieces) reader.push(piece);
	reader.end();
	const parts: unknown[] = [];
	const merged: Record<string, any> = {};
	for (const event of events) {
		const candidate = event.candidates?.[0];
		if (candidate) {
			parts.push(...(candidate['content']?.parts ?? []));
			merged['candidate'] = {...merged['candidate'], ...candidate};
		}

		if (event.usageMetadata) merged['usageMetadata'] = event.usageMetadata;
		if (event.promptFeedback) merged['promptFeedback'] = event.promptFeedback;
	}

	const candidates = merged['candidate'] ? [{...merged['candidate'], content: {role: 'model', parts}}] : undefined;
	return {
		...(candidates ? {candidates} : {}),
		...(merged['usageMetadata'] ? {usageMetadata: merged['usageMetadata']} : {}),
		...(merged['promptFeedback'] ? {promptFeedback: merged['promptFeedback']} : {}),
	};
}
