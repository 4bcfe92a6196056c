/**
 * A deterministic refusal is not sent upstream twice. On an unexplained 400, Claude Code resends the
 * same turn with fewer betas or another tool set (measured with 2.1.3xx: six requests per turn);
 * behind Gemini Balance each costs up to MAX_RETRIES Google calls, each counted against a key, and
 * one turn marked every key of a default pool invalid. So the refusal of a conversation is
 * remembered for a short while, per target: the same messages to the same provider and model get
 * the same error at once, without an upstream call. A new turn (one more message) is a new request.
 * Tools are not part of the fingerprint: the resends change them.
 */
import {createHash} from 'node:crypto';
import {isGeminiBalanceProfile, type Profile} from './translate/profiles.js';
import type {ClientError} from './translate/errors.js';

/** Long enough for Claude Code's resends (immediate), short enough for a user's own retry after a fix. */
const REFUSAL_TTL_MS = 30_000;

/**
 * Only in front of Gemini Balance, where every resend costs up to MAX_RETRIES key failures; a
 * single-key provider answers the resends itself at no such cost.
 */
export function remembersRefusals(profile: Profile): boolean {
	return isGeminiBalanceProfile(profile.name);
}

type Entry = {readonly error: ClientError; readonly at: number; readonly fingerprint: string};

/** Deterministic: the request itself was refused, or Gemini Balance's opaque 500 that hides such a refusal. */
export function isDeterministicRefusal(error: ClientError): boolean {
	return error.headers['x-should-retry'] === 'false' && [400, 404, 413, 422, 500].includes(error.status);
}

type Block = {type?: unknown; text?: unknown};

/**
 * The conversation: what every resend of one turn has in common. Claude Code's resends also drop
 * reminders (the deferred-tools list), so `<system-reminder>` text and system messages are left
 * out. Hashed only when needed.
 */
export function conversationFingerprint(messages: ReadonlyArray<{role: string; content: unknown}> | undefined): string {
	const hash = createHash('sha256');
	for (const message of messages ?? []) {
		if (message.role === 'system') continue;
		const blocks: Block[] = typeof message.content === 'string' ? [{type: 'text', text: message.content}] : Array.isArray(message.content) ? message.content : [];
		const kept = blocks.filter(block => !(block?.type === 'text' && typeof block.text === 'string' && block.text.trimStart().startsWith('<system-reminder>')));
		hash.update(`${message.role}\n${JSON.stringify(kept)}\n`);
	}

	return hash.digest('base64url');
}

/** One per proxy: the last refusal per target (provider, model). */
export class RefusalMemo {
	readonly #entries = new Map<string, Entry>();

	/** The remembered refusal for this conversation and target, if any (the fingerprint is computed lazily). */
	lookup(provider: string, model: string, fingerprint: () => string, now: number): ClientError | undefined {
		const target = `${provider}\n${model}`;
		const entry = this.#entries.get(target);
		if (!entry) return undefined;
		if (now - entry.at > REFUSAL_TTL_MS) {
			this.#entries.delete(target);
			return undefined;
		}

		if (entry.fingerprint !== fingerprint()) return undefined;
		const seconds = Math.max(1, Math.round((now - entry.at) / 1000));
		const message = `${entry.error.body.error.message} (ccr-tui: the same conversation was refused ${seconds} s ago; not sent upstream again)`;
		return {...entry.error, body: {...entry.error.body, error: {...entry.error.body.error, message}}};
	}

	remember(provider: string, model: string, fingerprint: string, error: ClientError, now: number): void {
		this.#entries.set(`${provider}\n${model}`, {error, at: now, fingerprint});
	}
}
