import fs from 'node:fs';
import path from 'node:path';
import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {contextsFor} from '../../source/ui/app.js';
import {COMMANDS, footerHints, helpSections, NO_KEY, resolveCommand, type KeySpec} from '../../source/ui/keymap.js';
import {KEYMAP_END_MARKER, KEYMAP_START_MARKER, renderKeymapMarkdown, replaceKeymapSection} from '../../source/ui/keymap-table.js';
import {PANELS, type Screen} from '../../source/ui/ui-state.js';

/** Ink's (input, key) for a key spec. */
function press(spec: KeySpec): [string, Key] {
	if ('printable' in spec) return ['x', NO_KEY];
	if ('key' in spec) return ['', {...NO_KEY, [spec.key]: true, shift: Boolean(spec.shift)}];
	return [spec.input, {...NO_KEY, ctrl: Boolean(spec.ctrl)}];
}

const SCREENS: Screen[] = [
	{name: 'dashboard'},
	{name: 'help'},
	{name: 'detail', requestId: 'x'},
	{name: 'picker', scenario: 'default'},
	{name: 'wizard', preset: undefined},
	{name: 'onboarding'},
];

describe('keymap table', () => {
	it('has unique ids, keys, and a description for every command', () => {
		const ids = COMMANDS.map(command => command.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const command of COMMANDS) {
			expect(command.keys.length, command.id).toBeGreaterThan(0);
			expect(command.description.length, command.id).toBeGreaterThan(5);
			expect(command.contexts.length, command.id).toBeGreaterThan(0);
		}
	});

	it('no key means two things on any screen (built-in keys included)', () => {
		for (const screen of SCREENS) {
			for (const focus of PANELS) {
				const contexts = contextsFor(screen, focus);
				const owners = new Map<string, string>();
				for (const command of COMMANDS.filter(item => item.contexts.some(context => contexts.includes(context)))) {
					for (const spec of command.keys) {
						const id = JSON.stringify(spec);
						const owner = owners.get(id);
						expect(owner === undefined || owner === command.id, `${screen.name}/${focus}: ${id} is ${owner} and ${command.id}`).toBe(true);
						owners.set(id, command.id);
					}
				}
			}
		}
	});

	it('resolves keys to commands in the right contexts', () => {
		const dashboard = (focus: (typeof PANELS)[number]) => contextsFor({name: 'dashboard'}, focus);
		expect(resolveCommand(dashboard('routes'), ...press({key: 'return'}))).toBe('route.edit');
		expect(resolveCommand(dashboard('routes'), ...press({key: 'rightArrow'}))).toBe('route.edit');
		expect(resolveCommand(dashboard('activity'), ...press({key: 'return'}))).toBe('request.open');
		expect(resolveCommand(dashboard('providers'), ...press({input: 't'}))).toBe('provider.test');
		expect(resolveCommand(dashboard('routes'), ...press({input: 't'}))).toBeUndefined();
		expect(resolveCommand(dashboard('routes'), ...press({key: 'tab'}))).toBe('panel.next');
		expect(resolveCommand(dashboard('routes'), ...press({key: 'tab', shift: true}))).toBe('panel.previous');
		expect(resolveCommand(dashboard('routes'), ...press({input: 'c', ctrl: true}))).toBe('app.interrupt');
		expect(resolveCommand(dashboard('routes'), ...press({key: 'escape'}))).toBeUndefined();
		// Inside the wizard only Ctrl+C is ours; letters are text.
		const wizard = contextsFor({name: 'wizard', preset: 'gemini-balance'}, 'routes');
		expect(resolveCommand(wizard, ...press({input: 'q'}))).toBeUndefined();
		expect(resolveCommand(wizard, ...press({input: '?'}))).toBeUndefined();
		expect(resolveCommand(wizard, ...press({input: 'c', ctrl: true}))).toBe('app.interrupt');
		// Picker: its list keys are keymap commands too (no widget reads keys on its own).
		const picker = contextsFor({name: 'picker', scenario: 'default'}, 'routes');
		expect(resolveCommand(picker, ...press({key: 'downArrow'}))).toBe('picker.move');
		expect(resolveCommand(picker, ...press({input: '7'}))).toBe('picker.quickPick');
		expect(resolveCommand(picker, ...press({key: 'escape'}))).toBe('picker.cancel');
		expect(resolveCommand(picker, ...press({input: 'q'}))).toBeUndefined();
		// A letter with Ctrl held is not the letter.
		expect(resolveCommand(dashboard('routes'), 'q', {...NO_KEY, ctrl: true})).toBeUndefined();
	});

	it('drives the footer hints, most specific first', () => {
		const hints = footerHints(contextsFor({name: 'dashboard'}, 'providers')).map(hint => `${hint.label} ${hint.hint}`);
		expect(hints.slice(0, 2)).toEqual(['↑↓ select', 't test']);
		expect(hints).toContain('? help');
		expect(hints).toContain('q quit');
		expect(hints).not.toContain('enter/→ change route');
		expect(footerHints(contextsFor({name: 'picker', scenario: 'default'}, 'routes')).map(hint => hint.hint)).toEqual(['move', 'save', 'cancel']);
	});

	it('lists every command once in the help sections', () => {
		const listed = helpSections().flatMap(section => section.commands.map(command => command.id));
		expect([...listed].sort()).toEqual(COMMANDS.map(command => command.id).sort());
	});

	it('renders the README keyboard table from the same data', () => {
		const table = renderKeymapMarkdown();
		const rows = table.trim().split('\n');
		expect(rows[0]).toBe('| Where | Key | Action |');
		expect(rows).toHaveLength(COMMANDS.length + 2);
		expect(table).toContain('| Routes panel | `enter` / `→` | Choose the provider,model for the selected route (saved at once) |');
		expect(table).toContain('| Everywhere | `ctrl+c` |');
		const readme = `intro\n${KEYMAP_START_MARKER}\nold table\n${KEYMAP_END_MARKER}\noutro\n`;
		expect(replaceKeymapSection(readme)).toBe(`intro\n${KEYMAP_START_MARKER}\n${table}${KEYMAP_END_MARKER}\noutro\n`);
	});

	const readmePath = path.resolve(import.meta.dirname, '../../README.md');
	const readme = fs.existsSync(readmePath) ? fs.readFileSync(readmePath, 'utf8') : '';
	it.skipIf(!readme.includes(KEYMAP_START_MARKER))('the README table is the generated one (regenerate it if this fails)', () => {
		expect(replaceKeymapSection(readme)).toBe(readme);
	});
});
