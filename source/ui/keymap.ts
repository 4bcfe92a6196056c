import type {Key} from 'ink';

/** An Ink key record with nothing pressed: the base for synthetic keys (a pasted line's Enter, tests). */
export const NO_KEY: Key = Object.freeze({
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
});

/**
The ONE keymap table. Every key the dashboard understands is a command here, with the contexts
where it applies; the same table drives the input handlers (`resolveCommand`), the footer hints
(`footerHints`), the `?` overlay (`helpSections`) and the README keyboard table
(`keymap-table.ts`). Text editing, the wizard's steps and the provider editor are commands too:
one input dispatcher (`input/dispatcher.tsx`) resolves a key against the live contexts of each
layer and stops at the first handler that consumes it. No widget reads keys on its own.
*/

/** Where a command applies. `global` is every screen, including the wizard (Ctrl+C only). */
export type KeyContext =
	| 'global'
	| 'dashboard'
	| 'routes'
	| 'activity'
	| 'providers'
	| 'picker'
	| 'detail'
	| 'usage'
	| 'help'
	| 'onboarding'
	/** Every wizard step and the provider editor/delete screens: Esc and Enter. */
	| 'form'
	/** A list the form moves through (wizard preset/models/routes, editor rows). */
	| 'choice'
	/** A list with tick boxes. */
	| 'toggle'
	/** A one-line text field. */
	| 'text'
	| 'wizard-preset'
	| 'wizard-url'
	| 'wizard-routes'
	| 'wizard-confirm'
	| 'wizard-retry'
	/** The provider editor's row list (not while a field is being typed in). */
	| 'editor'
	/** The editor's profile row: ←/→ choose. */
	| 'editor-option'
	/** The route question of a save or delete. */
	| 'route-question';

/** The named keys of Ink's `Key` record that a binding may use. */
type NamedKey = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'backspace' | 'delete';

export type KeySpec =
	| {readonly key: NamedKey; readonly shift?: boolean}
	| {readonly input: string; readonly ctrl?: boolean}
	/** Any printable text (typing, a paste). */
	| {readonly printable: true};

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
	| 'activity.session'
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
	| 'onboarding.skip'
	| 'provider.edit'
	| 'provider.delete'
	| 'form.back'
	| 'form.submit'
	| 'choice.up'
	| 'choice.down'
	| 'choice.toggle'
	| 'choice.number'
	| 'wizard.api'
	| 'wizard.routeModelPrevious'
	| 'wizard.routeModelNext'
	| 'wizard.retest'
	| 'wizard.retry'
	| 'editor.moveUp'
	| 'editor.moveDown'
	| 'editor.remove'
	| 'editor.save'
	| 'editor.test'
	| 'editor.fetchModels'
	| 'editor.optionPrevious'
	| 'editor.optionNext'
	| 'route.choicePrevious'
	| 'route.choiceNext'
	| 'text.clearBefore'
	| 'text.clearAfter'
	| 'text.home'
	| 'text.end'
	| 'text.left'
	| 'text.right'
	| 'text.backspace'
	| 'text.insert';

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
	/** Handled by a component itself (listed for hints and help only). */
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
	{
		id: 'activity.session',
		keys: [{input: 's'}],
		label: 's',
		hint: 'session',
		description: "Show only the selected request's Claude Code session; press again to show every request",
		contexts: ['activity'],
	},
	{id: 'provider.test', keys: [{input: 't'}], label: 't', hint: 'test', description: 'Run the connection test for the selected provider', contexts: ['providers']},
	{
		id: 'provider.edit',
		keys: [{input: 'e'}, {key: 'return'}],
		label: 'e',
		hint: 'edit',
		description: 'Edit the selected provider: URL, keys, models, headers, profile',
		contexts: ['providers'],
	},
	{id: 'provider.delete', keys: [{input: 'd'}], label: 'd', hint: 'delete', description: 'Delete the selected provider (asks what to do with its routes)', contexts: ['providers']},
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
		description: 'Add another provider: DeepSeek, Ollama, OpenRouter, Google AI Studio, any OpenAI-compatible URL (wizard)',
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
	},
	{id: 'picker.save', keys: [{key: 'return'}], label: 'enter', hint: 'save', description: 'Save the highlighted target for the route', contexts: ['picker']},
	{
		id: 'picker.quickPick',
		keys: [1, 2, 3, 4, 5, 6, 7, 8, 9].map(digit => ({input: String(digit)})),
		label: '1-9',
		keysText: '1-9',
		description: 'Save the target with that number in the visible list',
		contexts: ['picker'],
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
	},
	{id: 'onboarding.choose', keys: [{key: 'return'}], label: 'enter', hint: 'choose', description: 'Take the highlighted choice', contexts: ['onboarding']},
	{id: 'onboarding.skip', keys: [{key: 'escape'}], label: 'esc', hint: 'skip', description: 'Skip to the dashboard', contexts: ['onboarding']},
	// Wizards and the provider editor (forms). Table order decides: step keys before text editing.
	{
		id: 'form.back',
		keys: [{key: 'escape'}],
		label: 'esc',
		hint: 'back',
		description: 'Back one step; on the first step (or the editor) cancel without saving',
		contexts: ['form'],
		section: 'Wizard and editor',
	},
	{
		id: 'editor.moveUp',
		keys: [{input: 'K'}, {key: 'upArrow', shift: true}],
		label: 'K',
		description: 'Editor: move the highlighted key, model or header up (pool order)',
		contexts: ['editor'],
		section: 'Wizard and editor',
	},
	{
		id: 'editor.moveDown',
		keys: [{input: 'J'}, {key: 'downArrow', shift: true}],
		label: 'J',
		hint: 'reorder',
		hintLabel: 'J/K',
		description: 'Editor: move the highlighted key, model or header down',
		contexts: ['editor'],
		section: 'Wizard and editor',
	},
	{id: 'choice.up', keys: [{key: 'upArrow'}], label: '↑', description: 'Previous item', contexts: ['choice'], section: 'Wizard and editor'},
	{id: 'choice.down', keys: [{key: 'downArrow'}], label: '↓', hint: 'move', hintLabel: '↑↓', description: 'Next item', contexts: ['choice'], section: 'Wizard and editor'},
	{
		id: 'choice.toggle',
		keys: [{input: ' '}],
		label: 'space',
		hint: 'tick',
		description: 'Tick or untick the highlighted model or route',
		contexts: ['toggle'],
		section: 'Wizard and editor',
	},
	{
		id: 'choice.number',
		keys: [1, 2, 3, 4, 5, 6, 7, 8, 9].map(digit => ({input: String(digit)})),
		label: '1-9',
		keysText: '1-9',
		description: 'Choose the preset with that number',
		contexts: ['wizard-preset'],
		section: 'Wizard and editor',
	},
	{
		id: 'wizard.api',
		keys: [{key: 'tab'}],
		label: 'tab',
		hint: 'other API',
		description: 'Gemini Balance URL step: switch between its /v1, /openai/v1 and native /v1beta APIs',
		contexts: ['wizard-url'],
		section: 'Wizard and editor',
	},
	{
		id: 'wizard.routeModelPrevious',
		keys: [{key: 'leftArrow'}],
		label: '←',
		description: 'Routes step: previous model for the highlighted route',
		contexts: ['wizard-routes'],
		section: 'Wizard and editor',
	},
	{
		id: 'wizard.routeModelNext',
		keys: [{key: 'rightArrow'}],
		label: '→',
		hint: 'model',
		hintLabel: '←→',
		description: 'Routes step: next model for the highlighted route',
		contexts: ['wizard-routes'],
		section: 'Wizard and editor',
	},
	{
		id: 'wizard.retest',
		keys: [{input: 'r'}],
		label: 'r',
		hint: 'test again',
		description: 'Confirm step: run the connection test again',
		contexts: ['wizard-confirm'],
		section: 'Wizard and editor',
	},
	{
		id: 'editor.remove',
		keys: [{input: 'd'}, {key: 'delete'}],
		label: 'd',
		hint: 'remove',
		description: 'Editor: remove the highlighted key, model or header',
		contexts: ['editor'],
		section: 'Wizard and editor',
	},
	{
		id: 'editor.save',
		keys: [{input: 's'}, {input: 's', ctrl: true}],
		label: 's',
		hint: 'save',
		description: 'Editor: review the changes (diff and routes affected), then save',
		contexts: ['editor'],
		section: 'Wizard and editor',
	},
	{
		id: 'editor.test',
		keys: [{input: 't'}],
		label: 't',
		hint: 'test',
		description: 'Editor: run the connection test on the provider exactly as it would be saved (also after a URL change)',
		contexts: ['editor'],
		section: 'Wizard and editor',
	},
	{
		id: 'editor.fetchModels',
		keys: [{input: 'f'}],
		label: 'f',
		hint: 'fetch models',
		description: "Editor: fetch the server's model list; the models it has that the provider lacks are listed below (enter adds one)",
		contexts: ['editor'],
		section: 'Wizard and editor',
	},
	{
		id: 'editor.optionPrevious',
		keys: [{key: 'leftArrow'}],
		label: '←',
		description: 'Editor, profile row: previous profile (auto lets the proxy pick it from the URL)',
		contexts: ['editor-option'],
		section: 'Wizard and editor',
	},
	{
		id: 'editor.optionNext',
		keys: [{key: 'rightArrow'}],
		label: '→',
		hint: 'profile',
		hintLabel: '←→',
		description: 'Editor, profile row: next profile',
		contexts: ['editor-option'],
		section: 'Wizard and editor',
	},
	{
		id: 'route.choicePrevious',
		keys: [{key: 'leftArrow'}],
		label: '←',
		description: 'Routes pointing at a removed model or provider: previous answer',
		contexts: ['route-question'],
		section: 'Wizard and editor',
	},
	{
		id: 'route.choiceNext',
		keys: [{key: 'rightArrow'}],
		label: '→',
		hint: 'routes',
		hintLabel: '←→',
		description: 'Routes pointing at a removed model or provider: next answer (repoint, clear, keep)',
		contexts: ['route-question'],
		section: 'Wizard and editor',
	},
	{
		id: 'wizard.retry',
		keys: [{key: 'return'}],
		label: 'enter',
		hint: 'retry',
		description: 'Models step, when the server could not list them: ask again',
		contexts: ['wizard-retry'],
		section: 'Wizard and editor',
	},
	{
		id: 'form.submit',
		keys: [{key: 'return'}],
		label: 'enter',
		hint: 'next',
		description: 'Next step; in the editor: edit the highlighted field, add on a "+ add" row, next profile on the profile row, take a server model into the list',
		contexts: ['form'],
		section: 'Wizard and editor',
	},
	// Text fields (URL, key, model ids, filter). After the step keys: Enter and Tab mean the step's command.
	{
		id: 'text.clearBefore',
		keys: [{input: 'u', ctrl: true}],
		label: 'ctrl+u',
		hint: 'clear',
		description: 'Delete from the cursor to the start of the field',
		contexts: ['text'],
		section: 'Text fields',
	},
	{
		id: 'text.clearAfter',
		keys: [{input: 'k', ctrl: true}],
		label: 'ctrl+k',
		description: 'Delete from the cursor to the end of the field',
		contexts: ['text'],
		section: 'Text fields',
	},
	{id: 'text.home', keys: [{input: 'a', ctrl: true}, {key: 'home'}], label: 'ctrl+a', description: 'Cursor to the start', contexts: ['text'], section: 'Text fields'},
	{id: 'text.end', keys: [{input: 'e', ctrl: true}, {key: 'end'}], label: 'ctrl+e', description: 'Cursor to the end', contexts: ['text'], section: 'Text fields'},
	{id: 'text.left', keys: [{key: 'leftArrow'}], label: '←', description: 'Cursor one character left', contexts: ['text'], section: 'Text fields'},
	{id: 'text.right', keys: [{key: 'rightArrow'}], label: '→', description: 'Cursor one character right', contexts: ['text'], section: 'Text fields'},
	{
		id: 'text.backspace',
		keys: [{key: 'backspace'}, {key: 'delete'}],
		label: 'backspace',
		description: 'Delete the character before the cursor',
		contexts: ['text'],
		section: 'Text fields',
	},
	{
		id: 'text.insert',
		keys: [{printable: true}],
		label: 'type',
		keysText: 'any text',
		description: 'Type or paste at the cursor (a pasted line break presses enter)',
		contexts: ['text'],
		section: 'Text fields',
	},
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
	form: 'Wizard and editor',
	choice: 'Wizard and editor',
	toggle: 'Wizard and editor',
	text: 'Text fields',
	'wizard-preset': 'Wizard and editor',
	'wizard-url': 'Wizard and editor',
	'wizard-routes': 'Wizard and editor',
	'wizard-confirm': 'Wizard and editor',
	'wizard-retry': 'Wizard and editor',
	editor: 'Wizard and editor',
	'editor-option': 'Wizard and editor',
	'route-question': 'Wizard and editor',
};
const SECTION_ORDER = [
	'Dashboard',
	'Panels',
	'Routes panel',
	'Activity panel',
	'Providers panel',
	'Route picker',
	'Request detail',
	'Usage',
	'Help',
	'First run',
	'Wizard and editor',
	'Text fields',
	'Everywhere',
];

function matches(spec: KeySpec, input: string, key: Key): boolean {
	if ('printable' in spec) return isPrintable(input, key);
	if ('key' in spec) {
		if (!key[spec.key]) return false;
		return spec.key === 'tab' || spec.shift !== undefined ? Boolean(spec.shift) === key.shift : true;
	}

	if (spec.ctrl) return key.ctrl && input === spec.input;
	// A printable key with Ctrl/Meta held is a different key.
	return !key.ctrl && !key.meta && input === spec.input;
}

/** Text to type: no control key held, no named key, at least one visible character. */
function isPrintable(input: string, key: Key): boolean {
	if (input === '' || key.ctrl || key.meta || key.return || key.escape || key.tab || key.backspace || key.delete) return false;
	if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end) return false;
	return /[^\u0000-\u001F\u007F]/.test(input);
}

const KEY_NAMES: Readonly<Record<NamedKey, string>> = {
	upArrow: '↑',
	downArrow: '↓',
	leftArrow: '←',
	rightArrow: '→',
	pageUp: 'pgup',
	pageDown: 'pgdn',
	home: 'home',
	end: 'end',
	return: 'enter',
	escape: 'esc',
	tab: 'tab',
	backspace: 'backspace',
	delete: 'delete',
};

/** Every key of a command, spelled for people: help overlay and README list them all. */
export function keyNames(command: Command): string[] {
	if (command.keysText) return [command.keysText];
	return command.keys.map(spec => {
		if ('printable' in spec) return 'any text';
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

/**
 * `label hint` pairs for the footer, most specific context first. `words` renames a command's hint
 * where the screen knows better (Enter on a review says "save", not "next"); keys stay the table's.
 */
export function footerHints(contexts: readonly KeyContext[], words: Partial<Record<CommandId, string>> = {}): Array<{readonly label: string; readonly hint: string}> {
	const ordered = [...contexts].reverse();
	const seen = new Set<CommandId>();
	const hints: Array<{label: string; hint: string}> = [];
	for (const context of ordered) {
		for (const command of COMMANDS) {
			if (!command.hint || seen.has(command.id) || !command.contexts.includes(context)) continue;
			seen.add(command.id);
			hints.push({label: command.hintLabel ?? command.label, hint: words[command.id] ?? command.hint});
		}
	}

	return hints;
}

/** The table grouped by context, for the help overlay and the README. */
export function helpSections(): Array<{readonly title: string; readonly commands: readonly Command[]}> {
	const sectionOf = (command: Command): string => command.section ?? CONTEXT_TITLES[command.contexts[0] ?? 'global'];
	return SECTION_ORDER.map(title => ({title, commands: COMMANDS.filter(command => sectionOf(command) === title)})).filter(section => section.commands.length > 0);
}
