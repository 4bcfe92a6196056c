/** Terminal key sequences, by name, for ink-testing-library's stdin.write. */
export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	backspace: '\u007F',
	ctrlC: '\u0003',
	ctrlU: '\u0015',
	space: ' ',
} as const;

export type KeyName = keyof typeof keys;
