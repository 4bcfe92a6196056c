/** The dialect a provider speaks, from its resolved profile. */
import type {Profile} from '../translate/profiles.js';
import {anthropicDialect} from './anthropic/dialect.js';
import type {Dialect, DialectName} from './dialect.js';
import {geminiDialect} from './gemini/dialect.js';
import {openAIChatDialect} from './openai-chat/dialect.js';

const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
	'openai-chat': openAIChatDialect,
	anthropic: anthropicDialect,
	gemini: geminiDialect,
};

export function dialectFor(profile: Profile): Dialect {
	return DIALECTS[profile.dialect];
}
