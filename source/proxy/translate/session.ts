import type {AnthropicRequest} from './types.js';

/**
 * Claude Code's session id from `metadata.user_id` (never forwarded upstream; for logging and
 * per-session routing). Before v2.1.78 it was `user_<hash>_account__session_<uuid>`, since then a
 * JSON string `{"device_id":…,"account_uuid":…,"session_id":…}`.
 */
export function claudeSessionId(request: Pick<AnthropicRequest, 'metadata'>): string | undefined {
	const userId = request.metadata?.user_id;
	if (typeof userId !== 'string' || !userId) return undefined;
	if (userId.startsWith('{')) {
		try {
			const parsed = JSON.parse(userId) as {session_id?: unknown};
			return typeof parsed.session_id === 'string' && parsed.session_id ? parsed.session_id : undefined;
		} catch {
			return undefined;
		}
	}

	const at = userId.indexOf('_session_');
	return at === -1 ? undefined : userId.slice(at + '_session_'.length) || undefined;
}
