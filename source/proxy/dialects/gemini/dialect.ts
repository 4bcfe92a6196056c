/**
 * Native Gemini upstreams (Google AI Studio `/v1beta`, Gemini Balance's `/v1beta` and
 * `/gemini/v1beta`, Claude Code Router's `gemini` transformer).
 */
import {MessageRecord} from '../../translate/message-record.js';
import {clientError, TranslationError} from '../../translate/errors.js';
import {baseHeaders, type Dialect, type DialectRequest, type KeyHeader} from '../dialect.js';
import {geminiBalanceNativeError, geminiError} from './errors.js';
import {isGeminiBalanceProfile} from '../../translate/profiles.js';
import {toGeminiRequest} from './request.js';
import {GeminiStreamTranslator} from './stream.js';
import {geminiUrl} from '../../../config/gemini-native.js';

const GOOG_KEY: KeyHeader = {header: 'x-goog-api-key'};

export const geminiDialect: Dialect = {
	name: 'gemini',
	prepare(target, request, profile, stream, {signatures}): DialectRequest {
		const {provider, model} = target;
		let translated;
		try {
			translated = toGeminiRequest(request, {model, profile, signatures});
		} catch (error) {
			throw new TranslationError(
				clientError(400, 'invalid_request_error', `cannot translate the request for ${provider.name}: ${error instanceof Error ? error.message : String(error)}`),
			);
		}

		const {toolNames, notes} = translated;
		const translator = (options: {requestedModel: string; inputTokens: number}, record?: MessageRecord) =>
			new GeminiStreamTranslator({...options, toolNames, signatures, ...(record ? {record} : {})});
		return {
			dialect: 'gemini',
			url: geminiUrl(provider.api_base_url, model, stream),
			body: JSON.stringify(translated.body),
			headers: baseHeaders(target, profile, stream),
			profileName: profile.name,
			key: GOOG_KEY,
			mapError: isGeminiBalanceProfile(profile.name) ? geminiBalanceNativeError : geminiError,
			...(profile.contextWindow ? {contextWindow: profile.contextWindow} : {}),
			upstreamStream: stream,
			profile,
			relaysAnyBody: false,
			...(notes.length > 0 ? {notes} : {}),
			stream: options => translator(options),
			whole: (text, isSse, options) => {
				const record = new MessageRecord();
				const source = translator(options, record);
				if (isSse) source.push(text);
				else source.pushResponse(JSON.parse(text));
				source.end();
				return record.result();
			},
		};
	},
};
