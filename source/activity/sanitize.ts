/**
 * The one sanitiser for text from outside (a client's `model`, an upstream's error message, a
 * provider name from the config) on its way to a terminal: the dashboard (through the activity
 * store), the headless `start` lines and the log file. Raw, such text could retitle the terminal
 * (OSC 2), write the clipboard (OSC 52), recolour or move the cursor (CSI), forge extra log lines
 * (`\n`) or reorder what is shown (bidi overrides). Escape sequences are removed whole, line breaks
 * become a visible `↵`, a tab a space, and every other C0/C1 control and bidi control is dropped.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** CSI (7- and 8-bit), OSC up to BEL or ST, DCS/SOS/PM/APC up to ST, then any other ESC + one character. */
const SEQUENCES =
	/\u001b\[[0-?]*[ -/]*[@-~]?|\u009b[0-?]*[ -/]*[@-~]?|\u001b\][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u009d[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[PX^_][^\u001b\u009c]*(?:\u001b\\|\u009c)?|[\u0090\u0098\u009e\u009f][^\u001b\u009c]*(?:\u001b\\|\u009c)?|\u001b[\u0020-\u007e]?/g;

export function sanitizeTerminalText(text: string): string {
	if (!UNSAFE.test(text)) return text;
	return text
		.replace(SEQUENCES, '')
		.replace(/\r\n|[\r\n\u2028\u2029]/g, '↵')
		.replace(/\t/g, ' ')
		.replace(UNSAFE_ALL, '');
}

/**
 * The first character the sanitiser would drop or replace, written as `U+001B`; undefined when the
 * text has none. The config schema refuses such text where the dashboard shows it (names, URLs,
 * models, routes), so the user learns of it instead of seeing a silently different name.
 */
export function unsafeCharacterIn(text: string): string | undefined {
	const found = UNSAFE.exec(text)?.[0];
	return found === undefined ? undefined : codePoint(found);
}

/** The text with each character the sanitiser would touch written as `<U+001B>`: for messages that must point at it. */
export function showUnsafeCharacters(text: string): string {
	return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, found => `<${codePoint(found)}>`) : text;
}

function codePoint(character: string): string {
	return `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}
