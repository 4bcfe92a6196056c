/**
 * What each keymap command means in the provider editor: a patch of its state and, for what needs
 * I/O (save, leave), an effect the screen carries out. Tests and fetches are requested through
 * `check` (the screen's hook runs them). Pure: no keys, no store, no network.
 */
import {editText} from '../../input/text-edit.js';
import type {CommandId, KeyContext} from '../../keymap.js';
import {type EditorState, type Header, isSecretHeader, move, PROFILE_CHOICES, parseHeader, type Row, rowsOf} from './editor-state.js';

export type EditorEffect = 'cancel' | 'review' | 'save' | 'done';
export type EditorOutcome = {readonly patch?: Partial<EditorState>; readonly effect?: EditorEffect};

/** The URL check of the provider's kind: an error, or the notes of a valid URL. */
export type UrlCheck = (url: string) => {readonly error: string} | {readonly notes: readonly string[]};

/** The keymap contexts live in the editor's current phase and row. */
export function editorContexts(state: EditorState): KeyContext[] {
	if (state.phase === 'saved') return ['global', 'form'];
	if (state.phase === 'confirm') return ['global', 'form', ...(state.asksRoutes ? (['route-question'] as const) : [])];
	if (state.typing) return ['global', 'form', 'text'];
	const row = rowsOf(state)[state.cursor];
	return ['global', 'form', 'choice', 'editor', ...(row?.kind === 'profile' ? (['editor-option'] as const) : [])];
}

export function editorCommand(state: EditorState, command: CommandId, input: string, checkUrl: UrlCheck): EditorOutcome | undefined {
	if (state.phase === 'saved') return command === 'form.submit' || command === 'form.back' ? {effect: 'done'} : undefined;
	if (state.phase === 'confirm') return confirmCommand(state, command);
	if (state.typing) return typingCommand(state, command, input, checkUrl);
	return rowCommand(state, command);
}

function confirmCommand(state: EditorState, command: CommandId): EditorOutcome | undefined {
	if (command === 'route.choiceNext') return {patch: {fix: state.fix + 1}};
	if (command === 'route.choicePrevious') return {patch: {fix: state.fix - 1}};
	if (command === 'form.back') return {patch: {phase: 'edit'}};
	return command === 'form.submit' ? {effect: 'save'} : undefined;
}

function typingCommand(state: EditorState, command: CommandId, input: string, checkUrl: UrlCheck): EditorOutcome | undefined {
	const typing = state.typing ?? {value: ''};
	if (command === 'form.back') return {patch: {typing: undefined, error: undefined}};
	if (command === 'form.submit') return {patch: commitTyping(state, typing.value.trim(), checkUrl)};
	const edited = editText(typing, command, input);
	return edited ? {patch: {typing: edited, error: undefined}} : undefined;
}

/** Enter in a field: the value goes where the row says (a key is never shown, so editing one replaces it). */
function commitTyping(state: EditorState, value: string, checkUrl: UrlCheck): Partial<EditorState> {
	const row = rowsOf(state)[state.cursor];
	const done = {typing: undefined, error: undefined};
	switch (row?.kind) {
		case 'url': {
			const checked = checkUrl(value);
			if ('error' in checked) return {error: checked.error};
			const note = checked.notes.length > 0 ? `URL: ${checked.notes.join('; ')}` : undefined;
			// A new URL is tested again at once: the save should not be the first contact.
			const retest = value === state.url ? {} : {check: nextCheck(state, 'test')};
			return {...done, url: value, note, ...retest};
		}

		case 'key':
		case 'add-key': {
			if (value === '') return done;
			const keys = row.kind === 'key' ? state.keys.map((key, at) => (at === row.index ? value : key)) : [...state.keys, value];
			return {...done, keys: [...new Set(keys)]};
		}

		case 'header':
		case 'add-header':
			return commitHeader(state, row, value);
		case 'model':
		case 'add-model': {
			if (value === '') return done;
			const typed = value.split(/[\s,]+/).filter(Boolean);
			const models = row.kind === 'model' ? state.models.flatMap((model, at) => (at === row.index ? typed : [model])) : [...state.models, ...typed];
			return {...done, models: [...new Set(models)]};
		}

		default:
			return done;
	}
}

function commitHeader(state: EditorState, row: Extract<Row, {kind: 'header' | 'add-header'}>, value: string): Partial<EditorState> {
	if (value === '') return {typing: undefined, error: undefined};
	const parsed = parseHeader(value);
	if (!parsed) return {error: 'Write the header as Name: value (letters, digits and - in the name).'};
	const before = row.kind === 'header' ? state.headers[row.index] : undefined;
	// A secret value is not shown for editing: "Name:" alone keeps it.
	const header: Header = parsed.value === '' && before && isSecretHeader(before) ? {...parsed, value: before.value} : parsed;
	const others = state.headers.filter((item, at) => (row.kind === 'header' ? at !== row.index : true) && item.name.toLowerCase() !== header.name.toLowerCase());
	const headers = row.kind === 'header' ? [...others.slice(0, row.index), header, ...others.slice(row.index)] : [...others, header];
	return {typing: undefined, error: undefined, headers};
}

function nextCheck(state: EditorState, kind: 'test' | 'fetch'): EditorState['check'] {
	return {kind, id: (state.check?.id ?? 0) + 1};
}

function rowCommand(state: EditorState, command: CommandId): EditorOutcome | undefined {
	const rows = rowsOf(state);
	const row = rows[state.cursor];
	switch (command) {
		case 'choice.up':
		case 'choice.down':
			return {patch: {cursor: (state.cursor + (command === 'choice.down' ? 1 : rows.length - 1)) % rows.length}};
		case 'form.back':
			return {effect: 'cancel'};
		case 'form.submit':
			return {patch: enterRow(state, row)};
		case 'editor.remove':
			return removeRow(state, row);
		case 'editor.moveUp':
		case 'editor.moveDown':
			return reorder(state, row, command === 'editor.moveUp' ? -1 : 1);
		case 'editor.optionNext':
		case 'editor.optionPrevious':
			return row?.kind === 'profile' ? {patch: {profile: cycleProfile(state.profile, command === 'editor.optionNext' ? 1 : -1)}} : undefined;
		case 'editor.save':
			return {effect: 'review'};
		case 'editor.test':
			return {patch: {check: nextCheck(state, 'test'), error: undefined}};
		case 'editor.fetchModels':
			return {patch: {check: nextCheck(state, 'fetch'), error: undefined}};
		default:
			return undefined;
	}
}

/** Enter on a row: start typing in it, cycle the profile, or take a server model into the list. */
function enterRow(state: EditorState, row: Row | undefined): Partial<EditorState> {
	const start = (value: string) => ({typing: {value}, error: undefined});
	switch (row?.kind) {
		case 'url':
			return start(state.url);
		case 'model':
			return start(state.models[row.index] ?? '');
		case 'header': {
			const header = state.headers[row.index];
			return start(header ? `${header.name}: ${isSecretHeader(header) ? '' : header.value}` : '');
		}

		case 'profile':
			return {profile: cycleProfile(state.profile, 1)};
		case 'server-model':
			return {models: [...state.models, row.id]};
		default:
			return start('');
	}
}

function removeRow(state: EditorState, row: Row | undefined): EditorOutcome | undefined {
	switch (row?.kind) {
		case 'key':
			return {patch: {keys: state.keys.filter((_key, at) => at !== row.index)}};
		case 'model':
			return {patch: {models: state.models.filter((_model, at) => at !== row.index)}};
		case 'header':
			return {patch: {headers: state.headers.filter((_header, at) => at !== row.index)}};
		case 'server-model':
			return {patch: {serverModels: state.serverModels.filter(id => id !== row.id)}};
		default:
			return undefined;
	}
}

function reorder(state: EditorState, row: Row | undefined, delta: number): EditorOutcome | undefined {
	if (row?.kind !== 'key' && row?.kind !== 'model' && row?.kind !== 'header') return undefined;
	const length = row.kind === 'key' ? state.keys.length : row.kind === 'model' ? state.models.length : state.headers.length;
	const to = row.index + delta;
	if (to < 0 || to >= length) return {};
	const cursor = state.cursor + delta;
	if (row.kind === 'key') return {patch: {keys: move(state.keys, row.index, delta), cursor}};
	if (row.kind === 'model') return {patch: {models: move(state.models, row.index, delta), cursor}};
	return {patch: {headers: move(state.headers, row.index, delta), cursor}};
}

function cycleProfile(profile: EditorState['profile'], delta: number): EditorState['profile'] {
	const at = PROFILE_CHOICES.indexOf(profile);
	const count = PROFILE_CHOICES.length;
	return PROFILE_CHOICES[(((at + delta) % count) + count) % count] ?? 'auto';
}
