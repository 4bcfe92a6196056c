/**
 * The wizard's keys: which keymap contexts each step has, and which wizard action a command means
 * on that step. Text commands edit the step's field (providers/wizard-state.ts knows no keys).
 */
import {PRESET_IDS} from '../../../providers/presets.js';
import {textFieldOf, type WizardAction, type WizardState} from '../../../providers/wizard-state.js';
import {editText} from '../../input/text-edit.js';
import type {CommandId, KeyContext} from '../../keymap.js';

export function wizardContexts(state: WizardState): KeyContext[] {
	switch (state.step) {
		case 'preset':
			return ['global', 'form', 'choice', 'wizard-preset'];
		case 'url':
			return ['global', 'form', ...(state.preset === 'gemini-balance' ? (['wizard-url'] as const) : []), 'text'];
		case 'token':
		case 'manual-models':
			return ['global', 'form', 'text'];
		case 'models':
			return ['global', 'form', 'choice', 'toggle', 'text'];
		case 'routes':
			return ['global', 'form', 'choice', 'toggle', 'wizard-routes'];
		case 'confirm':
			return ['global', 'form', 'wizard-confirm'];
		case 'discovering':
			return state.error ? ['global', 'form', 'wizard-retry'] : ['global', 'form'];
		default:
			return ['global', 'form'];
	}
}

/** The action a command means on the current step; undefined: not the wizard's key. */
export function wizardAction(state: WizardState, command: CommandId, input: string): WizardAction | undefined {
	if (state.step === 'done') return command === 'form.submit' || command === 'form.back' ? {type: 'finish'} : undefined;
	if (command === 'form.back') return {type: 'back'};
	const field = textFieldOf(state);
	const edited = field ? editText(field, command, input) : undefined;
	if (edited) return {type: 'text', ...edited};
	switch (state.step) {
		case 'preset':
			return presetAction(command, input);
		case 'url':
			if (command === 'wizard.api') return {type: 'api-toggle'};
			return command === 'form.submit' ? {type: 'url-submit'} : undefined;
		case 'token':
			return command === 'form.submit' ? {type: 'token-submit'} : undefined;
		case 'manual-models':
			return command === 'form.submit' ? {type: 'manual-submit'} : undefined;
		case 'discovering':
			return command === 'wizard.retry' ? {type: 'discover-retry'} : undefined;
		case 'models':
			return listAction(command, {up: {type: 'model-move', delta: -1}, down: {type: 'model-move', delta: 1}, toggle: {type: 'model-toggle'}, submit: {type: 'models-submit'}});
		case 'routes':
			if (command === 'wizard.routeModelPrevious') return {type: 'route-model', delta: -1};
			if (command === 'wizard.routeModelNext') return {type: 'route-model', delta: 1};
			return listAction(command, {up: {type: 'route-move', delta: -1}, down: {type: 'route-move', delta: 1}, toggle: {type: 'route-toggle'}, submit: {type: 'routes-submit'}});
		case 'confirm':
			if (command === 'wizard.retest') return {type: 'test-retry'};
			if (command === 'route.choiceNext' || command === 'route.choicePrevious') return {type: 'route-fix', delta: command === 'route.choiceNext' ? 1 : -1};
			return command === 'form.submit' ? {type: 'confirm'} : undefined;
		default:
			return undefined;
	}
}

function presetAction(command: CommandId, input: string): WizardAction | undefined {
	if (command === 'choice.up') return {type: 'preset-move', delta: -1};
	if (command === 'choice.down') return {type: 'preset-move', delta: 1};
	if (command === 'form.submit') return {type: 'preset-choose'};
	if (command === 'choice.number' && Number(input) <= PRESET_IDS.length) return {type: 'preset-choose', preset: PRESET_IDS[Number(input) - 1]};
	return undefined;
}

type ListActions = {readonly up: WizardAction; readonly down: WizardAction; readonly toggle: WizardAction; readonly submit: WizardAction};

function listAction(command: CommandId, actions: ListActions): WizardAction | undefined {
	if (command === 'choice.up') return actions.up;
	if (command === 'choice.down') return actions.down;
	if (command === 'choice.toggle') return actions.toggle;
	return command === 'form.submit' ? actions.submit : undefined;
}
