import type {Key} from 'ink';

/**
The ONE keymap table. Every key the dashboard understands is a command here, with the contexts
where it applies; the same table drives the input handlers (`resolveCommand`), the footer hints
(`footerHints`), the `?` overlay (`helpSections`) and the README keyboard table
(`keymap-table.ts`). Keys marked `builtIn` are handled inside ink-select-input; they are listed so
that the hints and help stay truthful.
*/

/** Where a command applies. `global` is every screen, including the wizard (Ctrl+C only). */
export type KeyContext = 'global' | 'dashboard' | 'routes' | 'activity' | 'providers' | 'picker' | 'detail' | 'usage' | 'help' | 'onboarding';

/** The named keys of Ink's `Key` record that a binding may use. */
type NamedKey = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'return' | 'escape' | 'tab';

export type KeySpec = {readonly key: NamedKey; readonly shift?: boolean} | {readonly input: string; readonly ctrl?: boolean};

export type CommandId =
	| 'app.help'
	| 'app.quit'
	| 'app.interrupt'
	| 'panel.next'
	| 'panel.previous'
	| 'panel.routes'
	| 'panel.activity'
	| 'panel.providers'
	| 'list.up'
	| 'list.down'
	| 'route.edit'
	| 'request.open'
	| 'provider.test'
	| 'provider.addGeminiBalance'
	| 'provider.add'
	| 'usage.open'
	| 'picker.move'
	| 'picker.save'
	| 'picker.quickPick'
	| 'picker.cancel'
	| 'view.back'
	| 'help.scroll'
	| 'help.close'
	| 'onboarding.move'
	| 'onboarding.choose'
	| 'onboarding.skip';

export type Command = {
	readonly id: CommandId;
	readonly keys: readonly KeySpec[];
	/** How the keys are written in hints and help, e.g. `↑/k`. */
	readonly label: string;
	/** Short footer text; commands without one are only in the help overlay. */
	readonly hint?: string;
	/** Footer label when it differs from `label` (one hint for a pair of keys). */
	readonly hintLabel?: string;
	/** Help/README section when it is not the first context's. */
	readonly section?: string;
	/** One sentence for the help overlay and the README. */
	readonly description: string;
	readonly contexts: readonly KeyContext[];
	/** Handled by ink-select-input itself (listed for hints and help only). */
	readonly builtIn?: boolean;
	/** How help and README write the keys when listing them one by one would mislead (`1-9`). */
	readonly keysText?: string;
};

export const COMMANDS: readonly Command[] = [
	// Lists (routes, activity, providers).
	{id: 'list.up', keys: [{key: 'upArrow'}, {input: 'k'}], label: '↑/k', description: 'Select the previous row', contexts: ['routes', 'activity', 'providers'], section: 'Panels'},
	{
		id: 'list.down',
		keys: [{key: 'downArrow'}, {input: 'j'}],
		label: '↓/j',
		hint: 'select',
		hintLabel: '↑↓',
		description: 'Select the next row',
		contexts: ['routes', 'activity', 'providers'],
		section: 'Panels',
	},
	// Panel-specific actions.
	{
		id: 'route.edit',
		keys: [{key: 'return'}, {key: 'rightArrow'}],
		label: 'enter/→',
		hint: 'change route',
		description: 'Choose the provider,model for the selected route (saved at once)',
		contexts: ['routes'],
	},
	{id: 'request.open', keys: [{key: 'return'}, {key: 'rightArrow'}], label: 'enter', hint: 'details', description: 'Show the selected request in detail', contexts: ['activity']},
	{id: 'provider.test', keys: [{input: 't'}], label: 't', hint: 'test', description: 'Run the connection test for the selected provider', contexts: ['providers']},
	// Dashboard-wide.
	{id: 'panel.next', keys: [{key: 'tab'}], label: 'tab', hint: 'panel', description: 'Focus the next panel', contexts: ['dashboard']},
	{id: 'panel.previous', keys: [{key: 'tab', shift: true}], label: 'shift+tab', description: 'Focus the previous panel', contexts: ['dashboard']},
	{id: 'panel.routes', keys: [{input: '1'}], label: '1', description: 'Focus the routes panel', contexts: ['dashboard']},
	{id: 'panel.activity', keys: [{input: '2'}], label: '2', description: 'Focus the activity panel', contexts: ['dashboard']},
	{id: 'panel.providers', keys: [{input: '3'}], label: '3', description: 'Focus the providers panel', contexts: ['dashboard']},
	{id: 'app.help', keys: [{input: '?'}], label: '?', hint: 'help', description: 'Show all keys', contexts: ['dashboard']},
	{
		id: 'app.quit',
		keys: [{input: 'q'}],
		label: 'q',
		hint: 'quit',
		description: 'Quit (stops the proxy); with requests in flight, press twice',
		contexts: ['dashboard', 'onboarding'],
	},
	{
		id: 'usage.open',
		keys: [{input: 'u'}],
		label: 'u',
		hint: 'usage',
		description: 'Usage: requests, errors, tokens and TTFT per model and per route, today and the last 7 days (from the usage history)',
		contexts: ['dashboard'],
	},
	{id: 'provider.addGeminiBalance', keys: [{input: 'g'}], label: 'g', hint: 'Gemini Balance', description: 'Add a Gemini Balance server (wizard)', contexts: ['dashboard']},
	{
		id: 'provider.add',
		keys: [{input: 'a'}],
		label: 'a',
		hint: 'add provider',
		description: 'Add another provider: DeepSeek, Ollama, OpenRouter, any OpenAI-compatible URL (wizard)',
		contexts: ['dashboard'],
	},
	// Route picker.
	{
		id: 'picker.move',
		keys: [{key: 'upArrow'}, {key: 'downArrow'}, {input: 'k'}, {input: 'j'}],
		label: '↑↓',
		hint: 'move',
		description: 'Move through provider,model targets',
		contexts: ['picker'],
		builtIn: true,
	},
	{id: 'picker.save', keys: [{key: 'return'}], label: 'enter', hint: 'save', description: 'Save the highlighted target for the route', contexts: ['picker'], builtIn: true},
	{
		id: 'picker.quickPick',
		keys: [{input: '1'}],
		label: '1-9',
		keysText: '1-9',
		description: 'Save the target with that number in the visible list',
		contexts: ['picker'],
		builtIn: true,
	},
	{
		id: 'picker.cancel',
		keys: [{key: 'escape'}, {key: 'leftArrow'}],
		label: 'esc',
		hint: 'cancel',
		description: 'Close the picker without changing the route',
		contexts: ['picker'],
	},
	// Request detail.
	{id: 'view.back', keys: [{key: 'escape'}, {key: 'leftArrow'}, {input: 'q'}], label: 'esc', hint: 'back', description: 'Back to the dashboard', contexts: ['detail', 'usage']},
	// Help overlay.
	{
		id: 'help.scroll',
		keys: [{key: 'upArrow'}, {key: 'downArrow'}, {input: 'k'}, {input: 'j'}],
		label: '↑↓',
		hint: 'scroll',
		description: 'Scroll the key list',
		contexts: ['help'],
	},
	{id: 'help.close', keys: [{key: 'escape'}, {input: '?'}, {input: 'q'}], label: 'esc/?', hint: 'close', description: 'Close the help', contexts: ['help']},
	// First-run screen.
	{
		id: 'onboarding.move',
		keys: [{key: 'upArrow'}, {key: 'downArrow'}],
		label: '↑↓',
		hint: 'move',
		description: 'Move through the choices',
		contexts: ['onboarding'],
		builtIn: true,
	},
	{id: 'onboarding.choose', keys: [{key: 'return'}], label: 'enter', hint: 'choose', description: 'Take the highlighted choice', contexts: ['onboarding'], builtIn: true},
	{id: 'onboarding.skip', keys: [{key: 'escape'}], label: 'esc', hint: 'skip', description: 'Skip to the dashboard', contexts: ['onboarding']},
	// Everywhere.
	{id: 'app.interrupt', keys: [{input: 'c', ctrl: true}], label: 'ctrl+c', description: 'Quit from any screen; with requests in flight, press twice', contexts: ['global']},
];

/** Help overlay / README section of each context, in display order. */
const CONTEXT_TITLES: Readonly<Record<KeyContext, string>> = {
	dashboard: 'Dashboard',
	routes: 'Routes panel',
	activity: 'Activity panel',
	providers: 'Providers panel',
	picker: 'Route picker',
	detail: 'Request detail',
	usage: 'Usage',
	help: 'Help',
	onboarding: 'First run',
	global: 'Everywhere',
};
const SECTION_ORDER = ['Dashboard', 'Panels', 'Routes panel', 'Activity panel', 'Providers panel', 'Route picker', 'Request detail', 'Usage', 'Help', 'First run', 'Everywhere'];

function matches(spec: KeySpec, input: string, key: Key): boolean {
	if ('key' in spec) {
		if (!key[spec.key]) return false;
		return spec.key === 'tab' ? Boolean(spec.shift) === key.shift : true;
	}

	if (spec.ctrl) return key.ctrl && input === spec.input;
	// A printable key with Ctrl/Meta held is a different key.
	return !key.ctrl && !key.meta && input === spec.input;
}

const KEY_NAMES: Readonly<Record<NamedKey, string>> = {
	upArrow: '↑',
	downArrow: '↓',
	leftArrow: '←',
	rightArrow: '→',
	pageUp: 'pgup',
	pageDown: 'pgdn',
	return: 'enter',
	escape: 'esc',
	tab: 'tab',
};

/** Every key of a command, spelled for people: help overlay and README list them all. */
export function keyNames(command: Command): string[] {
	if (command.keysText) return [command.keysText];
	return command.keys.map(spec => {
		if ('key' in spec) return `${spec.shift ? 'shift+' : ''}${KEY_NAMES[spec.key]}`;
		const name = spec.input === ' ' ? 'space' : spec.input;
		return spec.ctrl ? `ctrl+${name}` : name;
	});
}

/** The command a key press means in the given contexts (table order wins), ignoring built-ins. */
export function resolveCommand(contexts: readonly KeyContext[], input: string, key: Key): CommandId | undefined {
	for (const command of COMMANDS) {
		if (command.builtIn) continue;
		if (!command.contexts.some(context => contexts.includes(context))) continue;
		if (command.keys.some(spec => matches(spec, input, key))) return command.id;
	}

	return undefined;
}

export function commandsFor(contexts: readonly KeyContext[]): Command[] {
	return COMMANDS.filter(command => command.contexts.some(context => contexts.includes(context)));
}

/** `label hint` pairs for the footer, most specific context first. */
export function footerHints(contexts: readonly KeyContext[]): Array<{readonly label: string; readonly hint: string}> {
	const ordered = [...contexts].reverse();
	const seen = new Set<CommandId>();
	const hints: Array<{label: string; hint: string}> = [];
	for (const context of ordered) {
		for (const command of COMMANDS) {
			if (!command.hint || seen.has(command.id) || !command.contexts.includes(context)) continue;
			seen.add(command.id);
			hints.push({label: command.hintLabel ?? command.label, hint: command.hint});
		}
	}

	return hints;
}

/** The table grouped by context, for the help overlay and the README. */
export function helpSections(): Array<{readonly title: string; readonly commands: readonly Command[]}> {
	const sectionOf = (command: Command): string => command.section ?? CONTEXT_TITLES[command.contexts[0] ?? 'global'];
	return SECTION_ORDER.map(title => ({title, commands: COMMANDS.filter(command => sectionOf(command) === title)})).filter(section => section.commands.length > 0);
}
