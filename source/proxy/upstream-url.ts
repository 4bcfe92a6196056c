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

/** Host (and port) only, '' when unparsable: the full URL may carry a `key=` query and never goes to the activity log. */
export function apiHost(apiBaseUrl: string): string {
	return cached(hosts, apiBaseUrl, url => {
		try {
			return new URL(url).host;
		} catch {
			return '';
		}
	});
}

/*
 * URL parsing per request showed in profiles; a handful of base URLs is all a config has. The URL
 * objects are shared and read only (undici reads them; nothing mutates them).
 */
const chatUrls = new Map<string, URL>();
const messagesUrls = new Map<string, URL>();
const hosts = new Map<string, string>();
const MAX_CACHED = 256;

function cached<T>(cache: Map<string, T>, apiBaseUrl: string, build: (apiBaseUrl: string) => T): T {
	let value = cache.get(apiBaseUrl);
	if (value === undefined) {
		value = build(apiBaseUrl);
		if (cache.size >= MAX_CACHED) cache.clear();
		cache.set(apiBaseUrl, value);
	}

	return value;
}
