/**
 * `api_base_url` comes in two shapes: the full endpoint Claude Code Router users have
 * (`https://api.deepseek.com/chat/completions`) and a base (`http://localhost:11434/v1`).
 * Both end up as the chat-completions URL; a query string (`?key=…`) is kept.
 */
export function chatCompletionsUrl(apiBaseUrl: string): URL {
	return cached(chatUrls, apiBaseUrl, buildChatCompletionsUrl);
}

function buildChatCompletionsUrl(apiBaseUrl: string): URL {
	const url = new URL(apiBaseUrl.trim());
	const path = url.pathname.replace(/\/+$/, '');
	if (/\/chat\/completions$/.test(path)) {
		url.pathname = path;
	} else if (path === '') {
		// A bare host: OpenAI-compatible servers (Ollama, vLLM, LM Studio) serve under /v1.
		url.pathname = '/v1/chat/completions';
	} else {
		url.pathname = `${path}/chat/completions`;
	}

	return url;
}

/** Anthropic-compatible upstreams (the `anthropic` profile) take the Messages endpoint instead. */
export function messagesUrl(apiBaseUrl: string): URL {
	return cached(messagesUrls, apiBaseUrl, buildMessagesUrl);
}

function buildMessagesUrl(apiBaseUrl: string): URL {
	const url = new URL(apiBaseUrl.trim());
	const path = url.pathname.replace(/\/+$/, '');
	if (/\/messages$/.test(path)) url.pathname = path;
	else if (path === '') url.pathname = '/v1/messages';
	else url.pathname = `${path.replace(/\/v1$/, '')}/v1/messages`;
	return url;
}

/** Host (and port) only: the full URL may carry a `key=` query and never goes to the activity log. */
export function displayHost(url: URL): string {
	return url.host;
}

/*
 * URL parsing per request showed in profiles; a handful of base URLs is all a config has. The URL
 * objects are shared and read only (undici and the activity read them; nothing mutates them).
 */
const chatUrls = new Map<string, URL>();
const messagesUrls = new Map<string, URL>();
const MAX_CACHED_URLS = 256;

function cached(cache: Map<string, URL>, apiBaseUrl: string, build: (apiBaseUrl: string) => URL): URL {
	let url = cache.get(apiBaseUrl);
	if (url === undefined) {
		url = build(apiBaseUrl);
		if (cache.size >= MAX_CACHED_URLS) cache.clear();
		cache.set(apiBaseUrl, url);
	}

	return url;
}
