/**
 * Keeps tokens out of everything the connection test reports. Upstream error bodies are echoed
 * in step details, and a misbehaving server could quote the token back.
 */

import {maskSecret} from '../config/redact.js';

export {maskSecret} from '../config/redact.js';

/** Replace every listed secret, Bearer token and `key=` query value in the text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret.length >= 4) out = out.split(secret).join(maskSecret(secret));
	}

	return out
		.replace(/(Bearer\s+)([^\s"',•]{4,})/gi, (_whole, prefix: string, token: string) => `${prefix}${maskSecret(token)}`)
		.replace(/([?&]key=)([^&\s"'•]+)/gi, (_whole, prefix: string, token: string) => `${prefix}${maskSecret(token)}`)
		.replace(/\bAIza[\w-]{20,}/g, match => maskSecret(match));
}
