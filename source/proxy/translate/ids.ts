import {randomBytes} from 'node:crypto';

/** Id sources, injectable so fixtures can pin them (`msg_TEST`, `toolu_GEN1`, `sig_TEST`). */
export type TranslateIds = {
	message(): string;
	toolUse(): string;
	/** Opaque, non-empty; meaningless to Anthropic (spec §2.8). */
	signature(thinking: string): string;
	request?(): string;
};

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

/** 24 random base62 characters (Anthropic's id shape); bytes are drawn from a pool to avoid a syscall per id. */
export function randomBase62(length = 24): string {
	if (poolOffset + length > POOL_SIZE) {
		pool = randomBytes(POOL_SIZE);
		poolOffset = 0;
	}

	let out = '';
	for (let index = 0; index < length; index++) out += ALPHABET[pool[poolOffset++]! % 62];
	return out;
}

/** Random per call, so concurrent requests never collide (unlike `msg_${Date.now()}`). */
export const defaultIds: TranslateIds = {
	message: () => `msg_${randomBase62()}`,
	toolUse: () => `toolu_${randomBase62()}`,
	signature: () => `sig_${randomBase62(32)}`,
	request: () => `req_${randomBase62()}`,
};
