/**
 * Claude Code's session id from `metadata.user_id` — the one place that reads it. Never forwarded
 * upstream; the activity records it so rows show a session tag and the panel can filter by session.
 * Since Claude Code 2.1.78 the value is a JSON *string* `{"device_id":…,"account_uuid":…,"session_id":…}`;
 * before, `user_<hash>_account__session_<uuid>`. Anything else (absent, empty, not JSON, no
 * `session_id`) means "no session": a request is never refused over it.
 */
export function claudeSessionId(request: {readonly metadata?: {readonly user_id?: unknown} | null}): string | undefined {
	const userId = request.metadata?.user_id;
	if (typeof userId !== 'string' || !userId) return undefined;
	if (userId.startsWith('{')) {
		try {
			const parsed = JSON.parse(userId) as {session_id?: unknown} | null;
			const session = parsed?.session_id;
			return typeof session === 'string' && session ? session : undefined;
		} catch {
			return undefined;
		}
	}

	const at = userId.indexOf('_session_');
	return at === -1 ? undefined : userId.slice(at + '_session_'.length) || undefined;
}
