import {Text} from 'ink';
import type {ReactNode} from 'react';
import {isEnvRef} from '../../../config/env-refs.js';
import {keyLabel} from '../../../providers/provider-diff.js';
import {useTheme} from '../../theme.js';
import {type EditorState, headerLabel, isSecretHeader, parseHeader, type Row, rowsOf} from './editor-state.js';

/** The rows that fit in `room` lines, scrolled so the cursor's row is visible. */
export function EditorRows({state, room}: {readonly state: EditorState; readonly room: number}): ReactNode {
	const theme = useTheme();
	const rows = rowsOf(state);
	const size = Math.max(3, room);
	const first = rows.length <= size ? 0 : Math.min(Math.max(0, state.cursor - Math.floor(size / 2)), rows.length - size);
	const shown = rows.slice(first, first + size);
	return (
		<>
			{first > 0 ? <Text color={theme.muted}>{`  ↑ ${first} more`}</Text> : null}
			{shown.map((row, offset) => (
				<RowLine key={rowKey(row)} row={row} state={state} selected={first + offset === state.cursor} />
			))}
			{first + size < rows.length ? <Text color={theme.muted}>{`  ↓ ${rows.length - first - size} more`}</Text> : null}
		</>
	);
}

function rowKey(row: Row): string {
	if (row.kind === 'server-model') return `server-${row.id}`;
	return 'index' in row ? `${row.kind}-${row.index}` : row.kind;
}

const LABELS: Readonly<Record<Row['kind'], string>> = {
	url: 'URL    ',
	key: 'Key',
	'add-key': '       ',
	profile: 'Profile',
	header: 'Header ',
	'add-header': '       ',
	model: 'Model  ',
	'add-model': '       ',
	'server-model': 'Server ',
};

function RowLine({row, state, selected}: {readonly row: Row; readonly state: EditorState; readonly selected: boolean}): ReactNode {
	const theme = useTheme();
	const typing = selected ? state.typing : undefined;
	const value = typing ? `${typedText(row, typing.value)}▏` : rowValue(row, state);
	const label = row.kind === 'key' ? `Key ${row.index + 1}`.padEnd(7) : LABELS[row.kind];
	const color = selected ? theme.accent : row.kind === 'server-model' ? theme.muted : undefined;
	return (
		<Text color={color} bold={selected} wrap="truncate-end">
			{`${selected ? '›' : ' '} ${label} ${value}`}
		</Text>
	);
}

/** A field being typed in: a key and a secret header value show as dots (a `$ENV` reference as written). */
function typedText(row: Row, text: string): string {
	const dots = (value: string) => (isEnvRef(value) ? value : '•'.repeat(value.length));
	if (row.kind === 'key' || row.kind === 'add-key') return dots(text);
	if (row.kind !== 'header' && row.kind !== 'add-header') return text;
	const header = parseHeader(text);
	return header && isSecretHeader(header) ? `${text.slice(0, text.indexOf(':') + 1)} ${dots(header.value)}` : text;
}

/** What a row shows: keys and secret header values masked, `$ENV` references as written. */
function rowValue(row: Row, state: EditorState): string {
	switch (row.kind) {
		case 'url':
			return state.url;
		case 'key':
			return keyLabel(state.keys[row.index] ?? '');
		case 'profile':
			return `◀ ${state.profile} ▶`;
		case 'header': {
			const header = state.headers[row.index];
			return header ? headerLabel(header) : '';
		}

		case 'model':
			return state.models[row.index] ?? '';
		case 'server-model':
			return `+ ${row.id}`;
		case 'add-key':
			return '+ add a key ($ENV reference or the key)';
		case 'add-header':
			return '+ add a header (Name: value)';
		case 'add-model':
			return '+ add models (ids, comma-separated)';
	}
}
