/**
 * The provider editor's state and the pure pieces around it: its rows, the draft it saves (through
 * the wizards' `providerFromDraft()`), header masking. No keys and no I/O here.
 */
import {isEnvRef} from '../../../config/env-refs.js';
import {maskSecret, redactShapes} from '../../../config/redact.js';
import {PROFILE_NAMES, type ProfileName, type ProviderConfig, type RawConfig} from '../../../config/schema.js';
import type {TestStep} from '../../../providers/connection-test.js';
import {normalizeUrl} from '../../../providers/normalize-url.js';
import {isPresetId, type PresetId} from '../../../providers/presets.js';
import {keyList} from '../../../providers/provider-diff.js';
import type {ProviderDraft} from '../../../providers/provider-draft.js';
import {targetForProvider} from '../../../providers/provider-target.js';

export type Header = {readonly name: string; readonly value: string};

/** `auto`: no `profile` key, the proxy picks one from the URL and name. */
export type ProfileChoice = ProfileName | 'auto';
export const PROFILE_CHOICES: readonly ProfileChoice[] = ['auto', ...PROFILE_NAMES];

export type Row =
	| {readonly kind: 'url'}
	| {readonly kind: 'key'; readonly index: number}
	| {readonly kind: 'add-key'}
	| {readonly kind: 'profile'}
	| {readonly kind: 'header'; readonly index: number}
	| {readonly kind: 'add-header'}
	| {readonly kind: 'model'; readonly index: number}
	| {readonly kind: 'add-model'}
	/** A model the server lists that the provider does not (after `f`). */
	| {readonly kind: 'server-model'; readonly id: string};

/** A connection test or model-list fetch to run; `id` changes for every request (the effect's key). */
export type CheckRequest = {readonly kind: 'test' | 'fetch'; readonly id: number};

type EditorTest = {readonly status: 'running' | 'pass' | 'warn' | 'fail'; readonly steps: readonly TestStep[]};

export type EditorState = {
	readonly url: string;
	readonly keys: readonly string[];
	readonly models: readonly string[];
	readonly headers: readonly Header[];
	readonly profile: ProfileChoice;
	/** From the last fetch: server models not in `models`, in the server's order. */
	readonly serverModels: readonly string[];
	readonly cursor: number;
	/** The row being typed in, with its text. */
	readonly typing?: {readonly value: string; readonly cursor?: number};
	readonly phase: 'edit' | 'confirm' | 'saved';
	/** Index of the route question's answer. */
	readonly fix: number;
	/** The review has a route question (routes point at a removed model). */
	readonly asksRoutes?: boolean;
	readonly error?: string;
	/** Information that is not a problem (URL notes, what a fetch found). */
	readonly note?: string;
	readonly check?: CheckRequest;
	readonly fetching?: boolean;
	readonly test?: EditorTest;
	/** After a save: what changed and the store's formatting notice. */
	readonly saved?: {readonly message: string; readonly notice?: string};
};

export function rowsOf(state: Pick<EditorState, 'keys' | 'models' | 'headers' | 'serverModels'>): Row[] {
	return [
		{kind: 'url'},
		...state.keys.map((_key, index) => ({kind: 'key' as const, index})),
		{kind: 'add-key'},
		{kind: 'profile'},
		...state.headers.map((_header, index) => ({kind: 'header' as const, index})),
		{kind: 'add-header'},
		...state.models.map((_model, index) => ({kind: 'model' as const, index})),
		{kind: 'add-model'},
		...state.serverModels.filter(id => !state.models.includes(id)).map(id => ({kind: 'server-model' as const, id})),
	];
}

/** The editor's start: the provider as written in the file (`$ENV` references kept). */
export function initialEditorState(provider: ProviderConfig | undefined, raw: RawConfig | undefined): EditorState {
	const headers = raw?.['headers'];
	const profile = raw?.['profile'];
	return {
		url: provider?.api_base_url ?? '',
		keys: keyList(raw?.['api_key']),
		models: [...(provider?.models ?? [])],
		headers:
			headers && typeof headers === 'object' && !Array.isArray(headers)
				? Object.entries(headers).flatMap(([name, value]) => (typeof value === 'string' ? [{name, value}] : []))
				: [],
		profile: PROFILE_CHOICES.find(choice => choice === profile) ?? 'auto',
		serverModels: [],
		cursor: 0,
		phase: 'edit',
		fix: 0,
	};
}

/** Swap an item with its neighbour; unchanged at the ends. */
export function move<T>(list: readonly T[], from: number, delta: number): T[] {
	const to = from + delta;
	if (to < 0 || to >= list.length) return [...list];
	const next = [...list];
	const moved = next[from];
	const other = next[to];
	if (moved === undefined || other === undefined) return next;
	next[from] = other;
	next[to] = moved;
	return next;
}

/** The draft the editor would save, or undefined while the URL does not parse. */
export function draftOf(state: EditorState, provider: ProviderConfig, raw: RawConfig | undefined): ProviderDraft | undefined {
	const kind = targetForProvider(provider).endpoint.kind;
	const normalized = normalizeUrl(state.url, {kind});
	if (!normalized.ok) return undefined;
	const written = raw?.['profile'];
	const preset: PresetId = isPresetId(written) ? written : kind === 'gemini-balance' ? 'gemini-balance' : 'custom';
	// A full `…/chat/completions` URL is kept as written (the proxy posts exactly there).
	const chatUrl = /\/chat\/completions\/?$/.test(state.url.trim()) ? state.url.trim() : normalized.endpoint.chatUrl;
	return {
		preset,
		endpoint: {...normalized.endpoint, chatUrl},
		keys: state.keys,
		models: state.models,
		routes: {},
		name: provider.name,
		headers: Object.fromEntries(state.headers.map(header => [header.name, header.value])),
		profile: state.profile === 'auto' ? null : state.profile,
	};
}

const SECRET_HEADER = /auth|key|token|secret|cookie|pass|session|credential/i;

/** A header value that must not be shown: by its name, or by its shape. `$ENV` references are shown. */
export function isSecretHeader(header: Header): boolean {
	if (isEnvRef(header.value)) return false;
	return SECRET_HEADER.test(header.name) || redactShapes(header.value) !== header.value;
}

/** `x-title: ccr-tui`, `authorization: ••••abcd`. */
export function headerLabel(header: Header): string {
	return `${header.name}: ${isSecretHeader(header) ? maskSecret(header.value) : header.value}`;
}

/** `Name: value` typed in a header row; undefined when there is no name. */
export function parseHeader(text: string): Header | undefined {
	const at = text.indexOf(':');
	const name = (at === -1 ? text : text.slice(0, at)).trim();
	if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return undefined;
	return {name, value: at === -1 ? '' : text.slice(at + 1).trim()};
}
