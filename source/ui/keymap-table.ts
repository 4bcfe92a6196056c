import {helpSections, keyNames} from './keymap.js';

/**
The README keyboard table, generated from the keymap so that the two cannot drift. A test compares
it with the README section between `<!-- keymap:start -->` and `<!-- keymap:end -->`.
*/
export function renderKeymapMarkdown(): string {
	const lines = ['| Where | Key | Action |', '| --- | --- | --- |'];
	for (const section of helpSections()) {
		for (const command of section.commands) {
			lines.push(
				`| ${section.title} | ${keyNames(command)
					.map(key => `\`${escapeCell(key)}\``)
					.join(' / ')} | ${escapeCell(command.description)} |`,
			);
		}
	}

	return `${lines.join('\n')}\n`;
}

export const KEYMAP_START_MARKER = '<!-- keymap:start -->';
export const KEYMAP_END_MARKER = '<!-- keymap:end -->';

/** Replace the table between the markers in a README text (unchanged when the markers are missing). */
export function replaceKeymapSection(readme: string): string {
	const start = readme.indexOf(KEYMAP_START_MARKER);
	const end = readme.indexOf(KEYMAP_END_MARKER);
	if (start === -1 || end === -1 || end < start) return readme;
	return `${readme.slice(0, start + KEYMAP_START_MARKER.length)}\n${renderKeymapMarkdown()}${readme.slice(end)}`;
}

function escapeCell(text: string): string {
	return text.replaceAll('|', String.raw`\|`);
}
