/**
 * Anthropic-compatible upstreams (the `anthropic` profile, Claude Code Router's `Anthropic`
 * transformer alone): the body goes as it came, with the routed model; the answer's bytes are
 * relayed as they are.
 */
import {toAnthropicError} from '../../translate/upstream-errors.js';
import type {AnthropicMessage} from '../../translate/types.js';
import {messagesUrl} from '../../upstream-url.js';
import {baseHeaders, type Dialect, type DialectRequest, type KeyHeader} from '../dialect.js';
import {forwardedBetas, withBetaQuery, withoutFields} from './betas.js';
import {PassthroughSource} from './stream.js';

const X_API_KEY: KeyHeader = {header: 'x-api-key'};

export const anthropicDialect: Dialect = {
	name: 'anthropic',
	prepare(target, request, profile, stream, _context, client = {}): DialectRequest {
		const headers = baseHeaders(target, profile, stream);
		headers['anthropic-version'] ??= '2023-06-01';
		const betas = forwardedBetas(client, target.provider);
		if (betas.header && headers['anthropic-beta'] === undefined) headers['anthropic-beta'] = betas.header;
		return {
			dialect: 'anthropic',
			url: betas.query ? withBetaQuery(messagesUrl(target.provider.api_base_url)) : messagesUrl(target.provider.api_base_url),
			body: JSON.stringify(withoutFields({...request, model: target.model}, target.provider.strip_fields)),
			headers,
			profileName: profile.name,
			key: X_API_KEY,
			mapError: toAnthropicError,
			upstreamStream: stream,
			profile,
			relaysAnyBody: true,
			stream: () => new PassthroughSource(),
			whole: text => JSON.parse(text) as AnthropicMessage,
		};
	},
};
