/**
 * Gemini Balance with FAKE_STREAM_ENABLED and thoughts shown (its `.env.example`) loses the answer:
 * it calls Google without streaming, then forwards only the first part of the reply, the thought,
 * in one chunk with `finish_reason: "stop"` (its real streams never carry a finish_reason). The
 * stream then holds `content: ""` plus `reasoning_content`; the non-stream answer has both.
 *
 * So, for the gemini-balance profile, the relay first looks at the first chunk that has a choice.
 * A lost answer is thrown away and fetched again without streaming (then streamed on to Claude
 * Code); the (provider, model) is remembered, so later requests go non-streaming at once: a fake
 * stream streams nothing anyway, and the answer is never lost twice.
 */
import {Readable} from 'node:stream';
import {createParser} from 'eventsource-parser';

const lostAnswers = new Set<string>();
/** Keep-alive chunks of a fake stream are small; a first content chunk bigger than this is not looked at. */
const PEEK_LIMIT = 4 * 1024 * 1024;

function key(baseUrl: string, model: string): string {
	return `${baseUrl}\n${model}`;
}

/** Whether this (provider URL, model) is known to lose answers when streamed. */
export function losesStreamedAnswers(baseUrl: string, model: string): boolean {
	return lostAnswers.has(key(baseUrl, model));
}

export function rememberLostAnswers(baseUrl: string, model: string): void {
	lostAnswers.add(key(baseUrl, model));
}

export const FAKE_STREAM_NOTICE = (provider: string): string =>
	`${provider}: Gemini Balance's fake streaming lost the answer (FAKE_STREAM_ENABLED with thoughts shown); ` +
	'ccr-tui fetched it again without streaming and calls this model without streaming from now on. ' +
	'Server-side fix: FAKE_STREAM_ENABLED=false or SHOW_THINKING_PROCESS=false';

type Choice = {finish_reason?: unknown; delta?: {content?: unknown; reasoning_content?: unknown; tool_calls?: unknown}};

/** The fingerprint: one finished chunk with a thought, no answer text and no tool call. */
function isLostAnswerChunk(choice: Choice): boolean {
	const delta = choice.delta ?? {};
	const reasoning = typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '';
	const content = typeof delta.content === 'string' ? delta.content : '';
	const calls = Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0;
	return choice.finish_reason === 'stop' && reasoning && content === '' && !calls;
}

/**
 * Reads the upstream stream up to its first chunk with a choice (keep-alives before it are
 * skipped), then puts every byte read back, so the relay sees the stream untouched (a stream that
 * ended meanwhile is replaced by one replaying the bytes). `lost` when that chunk is the fingerprint.
 */
export function peekFirstChoice(body: Readable): Promise<{verdict: 'lost' | 'ok'; body: Readable}> {
	return new Promise(resolve => {
		const chunks: Buffer[] = [];
		let size = 0;
		let decided = false;
		const decide = (verdict: 'lost' | 'ok', ended = false) => {
			if (decided) return;
			decided = true;
			body.off('data', onData);
			body.off('end', onEnd);
			body.off('error', onEnd);
			if (ended) return resolve({verdict, body: Readable.from(chunks)});
			body.pause();
			if (chunks.length > 0) body.unshift(Buffer.concat(chunks));
			resolve({verdict, body});
		};

		const parser = createParser({
			onEvent(event) {
				if (decided) return;
				if (event.data.trim() === '[DONE]') return decide('ok');
				let chunk: {choices?: Choice[]};
				try {
					chunk = JSON.parse(event.data) as {choices?: Choice[]};
				} catch {
					return decide('ok');
				}

				const choice = chunk.choices?.[0];
				if (choice) decide(isLostAnswerChunk(choice) ? 'lost' : 'ok');
			},
		});
		const decoder = new TextDecoder();
		const onData = (data: Buffer) => {
			chunks.push(data);
			size += data.length;
			parser.feed(decoder.decode(data, {stream: true}));
			if (size > PEEK_LIMIT) decide('ok');
		};

		const onEnd = () => decide('ok', true);
		body.on('data', onData);
		body.once('end', onEnd);
		body.once('error', onEnd);
	});
}
