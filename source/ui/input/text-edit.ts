/**
 * One-line text editing as keymap commands (insert/paste at the cursor, backspace, ←/→, home/end,
 * Ctrl+A/E/U/K). Pure: the caller stores the value and the cursor (undefined = at the end).
 */
import type {CommandId} from '../keymap.js';

export type TextField = {readonly value: string; readonly cursor?: number};

/** The field after a text command; undefined when the command is not a text command. */
export function editText(field: TextField, command: CommandId, input: string): {value: string; cursor: number} | undefined {
	const {value} = field;
	const cursor = Math.min(field.cursor ?? value.length, value.length);
	switch (command) {
		case 'text.clearBefore':
			return {value: value.slice(cursor), cursor: 0};
		case 'text.clearAfter':
			return {value: value.slice(0, cursor), cursor};
		case 'text.home':
			return {value, cursor: 0};
		case 'text.end':
			return {value, cursor: value.length};
		case 'text.left':
			return {value, cursor: Math.max(0, cursor - 1)};
		case 'text.right':
			return {value, cursor: Math.min(value.length, cursor + 1)};
		case 'text.backspace':
			return cursor === 0 ? {value, cursor} : {value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1};
		case 'text.insert': {
			// A one-line field drops pasted control characters.
			const text = input.replace(/[\u0000-\u001F\u007F]/g, '');
			return {value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length};
		}

		default:
			return undefined;
	}
}
