/**
 * The native endpoint for a model from the configured base: `…/v1beta/models/` (Claude Code Router
 * configs), `…/v1beta`, `…/gemini/v1beta` (Gemini Balance) or a bare host. The key never goes in the
 * URL (it travels in `x-goog-api-key`); a `key=` query in the config is dropped.
 */
export function geminiUrl(apiBaseUrl: string, model: string, stream: boolean): URL {
	const url = new URL(apiBaseUrl.trim());
	url.searchParams.delete('key');
	let path = url.pathname.replace(/\/+$/, '');
	path = path.replace(/\/models$/, '');
	if (!/\/v1(beta|alpha)?$/.test(path)) path = `${path}/v1beta`;
	const id = model.replace(/^models\//, '');
	url.pathname = `${path}/models/${encodeURIComponent(id)}:${stream ? 'streamGenerateContent' : 'generateContent'}`;
	if (stream) url.searchParams.set('alt', 'sse');
	return url;
}
