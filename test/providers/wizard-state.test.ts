import {describe, expect, it} from 'vitest';
import type {TestResult} from '../../source/providers/connection-test.js';
import {
	draftFromState,
	initWizardState,
	routeCandidates,
	testModel,
	visibleModels,
	wizardReducer,
	type WizardAction,
	type WizardState,
} from '../../source/providers/wizard-state.js';
import {NO_KEY, resolveCommand} from '../../source/ui/keymap.js';
import {wizardAction, wizardContexts} from '../../source/ui/screens/wizard/wizard-commands.js';
import type {Key} from 'ink';

type Step = WizardAction | ((state: WizardState) => WizardState);
const run = (state: WizardState, ...steps: Step[]) => steps.reduce((current, step) => (typeof step === 'function' ? step(current) : wizardReducer(current, step)), state);
/** A key as the dispatcher delivers it: resolved through the keymap, mapped by the wizard's commands (a line break in typed text presses Enter). */
function pressOne(state: WizardState, input: string, key: Key): WizardState {
	const command = resolveCommand(wizardContexts(state), input, key);
	const action = command ? wizardAction(state, command, input) : undefined;
	return action ? wizardReducer(state, action) : state;
}
const key =
	(input: string, extra: Partial<Key> = {}) =>
	(state: WizardState): WizardState => {
		const parts = input.length > 1 ? input.split(/\r\n|\r|\n/) : [input];
		return parts.reduce((current, part, index) => {
			const typedPart = part !== '' || parts.length === 1 ? pressOne(current, part, {...NO_KEY, ...extra}) : current;
			return index < parts.length - 1 ? pressOne(typedPart, '\r', {...NO_KEY, return: true}) : typedPart;
		}, state);
	};
const enter = key('\r', {return: true});
const esc = key('', {escape: true});
const typed = (text: string) => key(text);
const pass = {status: 'pass', detail: 'ok'} as const;
const GB_IDS = [
	'gemini-2.5-pro',
	'gemini-2.5-pro-search',
	'gemini-2.5-flash',
	'gemini-2.5-flash-search',
	'gemini-2.0-flash-exp-image',
	'text-embedding-004',
	'imagen-3.0-generate-002-chat',
];

/** A Gemini Balance wizard that reached the model list. */
function atModels(): WizardState {
	let state = initWizardState('gemini-balance', {env: {GB: 'sk-env'}});
	state = run(state, key('', {ctrl: true}), enter);
	expect(state.step).toBe('checking-url');
	state = run(state, {type: 'url-checked', runId: state.runId, outcome: pass}, typed('sk-1'), enter);
	expect(state.step).toBe('discovering');
	return run(state, {type: 'models-discovered', runId: state.runId, outcome: {kind: 'ok', ids: GB_IDS, ttfbMs: 1}, step: pass});
}

describe('wizardReducer', () => {
	it('starts on the URL step with the preset default, or on the preset list', () => {
		expect(initWizardState('gemini-balance')).toMatchObject({step: 'url', urlInput: 'http://127.0.0.1:8000', presetLocked: true});
		expect(initWizardState()).toMatchObject({step: 'preset', presetLocked: false});
		const chosen = run(initWizardState(undefined, {prefills: {ollama: {url: 'http://box:11434/v1'}}}), key('', {downArrow: true}), key('', {downArrow: true}), enter);
		expect(chosen).toMatchObject({step: 'url', preset: 'ollama', urlInput: 'http://box:11434/v1'});
		expect(run(initWizardState(), typed('4'))).toMatchObject({preset: 'openrouter'});
		expect(run(initWizardState(), typed('9')).step).toBe('preset');
	});

	it('edits text at the cursor: paste, ←, Backspace, Home/End, Ctrl+U/K; control characters dropped', () => {
		let state = run(initWizardState('custom'), typed('http://hostx:1'));
		expect(state.urlInput).toBe('http://hostx:1');
		state = run(state, key('', {leftArrow: true}), key('', {leftArrow: true}), key('\x7f', {backspace: true}));
		expect(state).toMatchObject({urlInput: 'http://host:1', inputCursor: 11});
		state = run(state, key('', {home: true}), typed('x'), key('', {end: true}), typed('0\r\n'));
		expect(state.urlInput).toBe('xhttp://host:10');
		state = run(state, key('', {home: true}), key('', {rightArrow: true}), key('k', {ctrl: true}));
		expect(state.urlInput).toBe('x');
		state = run(state, key('u', {ctrl: true}));
		expect(state.urlInput).toBe('');
		// q and ? are text, Tab is not (it toggles the API on Gemini Balance only).
		expect(run(state, typed('q'), typed('?'), key('\t', {tab: true})).urlInput).toBe('q?');
	});

	it('text and Enter in one chunk (paste with a newline, fast keys) type, then submit', () => {
		const state = run(initWizardState('custom'), typed('http://h:1/v1\r'));
		expect(state).toMatchObject({step: 'checking-url', urlInput: 'http://h:1/v1'});
		const token = run(initWizardState('gemini-balance'), key('u', {ctrl: true}), typed('ftp://x\n'));
		expect(token).toMatchObject({step: 'url', urlInput: 'ftp://x', error: {message: expect.stringMatching(/Only http/)}});
	});

	it('Tab toggles the Gemini Balance API; a pasted /openai/v1 URL implies it', () => {
		const state = initWizardState('gemini-balance');
		expect(run(state, key('\t', {tab: true})).api).toBe('openai');
		const pasted = run(state, key('u', {ctrl: true}), typed('http://h:8000/openai/v1/chat/completions'), enter);
		expect(pasted).toMatchObject({step: 'checking-url', api: 'openai', endpoint: {chatUrl: 'http://h:8000/openai/v1/chat/completions'}});
	});

	it('rejects a bad URL in place; a failed check returns to the URL step with the hint; stale answers are ignored', () => {
		const state = initWizardState('gemini-balance');
		expect(run(state, key('u', {ctrl: true}), typed('ftp://x'), enter)).toMatchObject({step: 'url', error: {message: expect.stringMatching(/Only http/)}});
		const checking = run(state, enter);
		const stale = run(checking, {type: 'url-checked', runId: checking.runId - 1, outcome: pass});
		expect(stale.step).toBe('checking-url');
		const failed = run(checking, {type: 'url-checked', runId: checking.runId, outcome: {status: 'fail', detail: 'refused', hint: 'port 8000'}});
		expect(failed).toMatchObject({step: 'url', error: {message: 'refused', hint: 'port 8000'}});
		// Esc while checking goes back and makes the pending answer stale.
		const back = run(checking, esc);
		expect(back.step).toBe('url');
		expect(run(back, {type: 'url-checked', runId: checking.runId, outcome: pass}).step).toBe('url');
	});

	it('token: required, $ENV must be set, a pasted "Bearer x" is reduced to x; Ollama skips the step', () => {
		let state = run(initWizardState('gemini-balance', {env: {GB: 'x'}}), enter);
		state = run(state, {type: 'url-checked', runId: state.runId, outcome: pass});
		expect(state.step).toBe('token');
		expect(run(state, enter).error?.message).toBe('Enter the access token.');
		expect(run(state, typed('$NOPE'), enter).error?.message).toBe('$NOPE is not set in this shell.');
		expect(run(state, typed('$GB'), enter).step).toBe('discovering');
		expect(run(state, typed('Bearer sk-abc'), enter)).toMatchObject({step: 'discovering', tokenInput: 'sk-abc'});
		const ollama = run(initWizardState('ollama'), enter);
		expect(run(ollama, {type: 'url-checked', runId: ollama.runId, outcome: pass}).step).toBe('discovering');
	});

	it('discovery: chat models only; auth → token step; null → stays with Enter to retry; no list → manual entry', () => {
		const state = atModels();
		expect(state.step).toBe('models');
		// Unlisted -non-thinking variants (THINKING_MODELS empty by default) come last; Imagen's -chat entry is not a chat model.
		expect(state.models.map(model => model.id)).toEqual([
			'gemini-2.5-pro',
			'gemini-2.5-pro-search',
			'gemini-2.5-flash',
			'gemini-2.5-flash-search',
			'gemini-2.0-flash-exp-image',
			'gemini-2.5-pro-non-thinking',
			'gemini-2.5-flash-non-thinking',
		]);
		expect(state.models[1]).toMatchObject({suffix: 'search', note: expect.stringMatching(/Google Search/)});

		const discovering = run(state, esc, enter);
		expect(discovering.step).toBe('discovering');
		const auth = run(discovering, {
			type: 'models-discovered',
			runId: discovering.runId,
			outcome: {kind: 'auth', status: 401, message: 'Invalid token'},
			step: {status: 'fail', detail: 'token rejected'},
		});
		expect(auth).toMatchObject({step: 'token', error: {message: 'token rejected'}});
		const nulled = run(discovering, {
			type: 'models-discovered',
			runId: discovering.runId,
			outcome: {kind: 'null', ttfbMs: 1},
			step: {status: 'fail', detail: 'cannot reach Google'},
		});
		expect(nulled).toMatchObject({step: 'discovering', error: {message: 'cannot reach Google'}});
		const retried = run(nulled, enter);
		expect(retried).toMatchObject({step: 'discovering', error: undefined, runId: nulled.runId + 1});

		let custom = run(initWizardState('custom'), typed('http://h/v1'), enter);
		custom = run(custom, {type: 'url-checked', runId: custom.runId, outcome: pass}, enter);
		const manual = run(custom, {type: 'models-discovered', runId: custom.runId, outcome: {kind: 'unsupported', status: 404}, step: pass});
		expect(manual.step).toBe('manual-models');
		expect(run(manual, enter).error?.message).toBe('Enter at least one model id.');
		expect(run(manual, typed('a, b a'), enter)).toMatchObject({step: 'routes', selected: ['a', 'b'], manual: true});
	});

	it('models: filter by typing, Space ticks, Enter needs at least one', () => {
		let state = atModels();
		expect(run(state, enter).error?.message).toBe('Select at least one chat model.');
		state = run(state, typed('sea'), typed('rch'));
		expect(visibleModels(state).map(model => model.id)).toEqual(['gemini-2.5-pro-search', 'gemini-2.5-flash-search']);
		state = run(state, key('', {downArrow: true}), key(' '), key('\x7f', {backspace: true}));
		expect(state).toMatchObject({selected: ['gemini-2.5-flash-search'], modelFilter: 'searc'});
		// The filter is a text field like the others: Ctrl+U clears it.
		state = run(state, key('u', {ctrl: true}));
		expect(state.modelFilter).toBe('');
	});

	it('routes: longContext by default, webSearch offers -search models, ←→ cycles, Space toggles', () => {
		let state = atModels();
		state = run(state, key(' '), typed('flash-search'), key(' '), enter);
		expect(state.step).toBe('routes');
		const byName = Object.fromEntries(state.routes.map(route => [route.scenario, route]));
		expect(byName['longContext']).toEqual({scenario: 'longContext', enabled: true, model: 'gemini-2.5-pro'});
		expect(byName['webSearch']).toEqual({scenario: 'webSearch', enabled: true, model: 'gemini-2.5-flash-search'});
		expect(byName['default']).toMatchObject({enabled: false});
		expect(routeCandidates(state, 'webSearch')).toEqual(['gemini-2.5-flash-search', 'gemini-2.5-pro-search']);
		expect(routeCandidates(state, 'image')).toEqual(['gemini-2.0-flash-exp-image', 'gemini-2.5-pro']);
		expect(routeCandidates(state, 'think')).toEqual(['gemini-2.5-pro']);
		// webSearch row: → picks the next -search model (not ticked yet; saving adds it).
		state = run(state, ...Array.from({length: 4}, () => key('', {downArrow: true})), key('', {rightArrow: true}));
		expect(state.routes[4]).toEqual({scenario: 'webSearch', enabled: true, model: 'gemini-2.5-pro-search'});
		state = run(state, key(' '));
		expect(state.routes[4]!.enabled).toBe(false);
		expect(testModel(state)).toBe('gemini-2.5-pro');
		const draft = draftFromState(state)!;
		expect(draft).toMatchObject({preset: 'gemini-balance', keys: ['sk-1'], models: ['gemini-2.5-pro', 'gemini-2.5-flash-search'], routes: {longContext: 'gemini-2.5-pro'}});
	});

	it('test → confirm → save; r re-tests; Esc walks back step by step and finally cancels', () => {
		let state = run(atModels(), key(' '), enter, enter);
		expect(state.step).toBe('testing');
		state = run(state, {type: 'test-step', runId: state.runId, step: {id: 'reach', label: 'Reachable', status: 'running'}});
		state = run(state, {type: 'test-step', runId: state.runId, step: {id: 'reach', label: 'Reachable', status: 'pass'}});
		expect(state.testSteps).toEqual([{id: 'reach', label: 'Reachable', status: 'pass'}]);
		const result: TestResult = {status: 'fail', steps: [...state.testSteps], provider: 'gemini-balance', summary: 'x', finishedAt: 0};
		state = run(state, {type: 'test-finished', runId: state.runId, result});
		expect(state.step).toBe('confirm');
		expect(run(state, typed('r')).step).toBe('testing');
		const saving = run(state, enter);
		expect(saving.step).toBe('saving');
		expect(run(saving, {type: 'save-failed', runId: saving.runId, message: 'disk full'})).toMatchObject({step: 'confirm', error: {message: 'Not saved: disk full'}});
		expect(run(saving, {type: 'saved', runId: saving.runId, name: 'gemini-balance'})).toMatchObject({step: 'done', savedName: 'gemini-balance'});

		const walk = [state.step];
		let back = state;
		while (!back.cancelled) {
			back = run(back, esc);
			walk.push(back.cancelled ? ('cancelled' as never) : back.step);
		}

		expect(walk).toEqual(['confirm', 'routes', 'models', 'token', 'url', 'cancelled']);
	});

	it('--skip-test goes from routes straight to confirm', () => {
		let state = initWizardState('gemini-balance', {skipTest: true});
		state = run(state, enter);
		state = run(state, {type: 'url-checked', runId: state.runId, outcome: pass}, typed('sk'), enter);
		state = run(state, {type: 'models-discovered', runId: state.runId, outcome: {kind: 'ok', ids: GB_IDS, ttfbMs: 1}, step: pass}, key(' '), enter, enter);
		expect(state).toMatchObject({step: 'confirm', testResult: undefined});
	});
});
