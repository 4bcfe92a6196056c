/** Gemini Balance's model naming rules (§2) and list endpoints (§1.3, §1.5). */
import type {FakeModel, GbSettings} from './types.js';

export const DEFAULT_MODELS: FakeModel[] = [
	{id: 'gemini-2.5-pro', displayName: 'Gemini 2.5 Pro', outputTokenLimit: 65_536, thinking: true},
	{id: 'gemini-2.5-flash', displayName: 'Gemini 2.5 Flash', outputTokenLimit: 65_536, thinking: true},
	{id: 'gemini-2.5-flash-lite', displayName: 'Gemini 2.5 Flash-Lite', outputTokenLimit: 65_536, thinking: true},
	{id: 'gemini-2.0-flash', displayName: 'Gemini 2.0 Flash', outputTokenLimit: 8192},
	{id: 'gemini-2.0-flash-exp', displayName: 'Gemini 2.0 Flash Experimental', outputTokenLimit: 8192},
	{id: 'text-embedding-004', displayName: 'Text Embedding 004', outputTokenLimit: 1, methods: ['embedContent']},
];

/** The name sent to Google: `-search`, then `-image`, then `-non-thinking` stripped (once each, in that order). */
export function realModel(name: string): string {
	let model = name;
	for (const suffix of ['-search', '-image', '-non-thinking']) {
		if (model.endsWith(suffix)) model = model.slice(0, -suffix.length);
	}

	return model;
}

/** `check_model_support`: false → 400 "Model X is not supported". */
export function checkModelSupport(name: string, settings: GbSettings): boolean {
	if (settings.filteredModels.includes(name)) return false;
	if (name.endsWith('-search')) return settings.searchModels.includes(name.slice(0, -'-search'.length));
	if (name.endsWith('-image')) return settings.imageModels.includes(name.slice(0, -'-image'.length));
	return true;
}

function visible(settings: GbSettings): FakeModel[] {
	return settings.models.filter(model => !settings.filteredModels.includes(model.id));
}

/** `/v1/models`: every upstream model, each followed by its derived entries, then `<createImageModel>-chat`. */
export function openAIModels(settings: GbSettings): unknown {
	const created = Math.floor(settings.now() / 1000);
	const entry = (id: string, root: string) => ({id, object: 'model', created, owned_by: 'google', permission: [], root, parent: null});
	const data: Array<ReturnType<typeof entry>> = [];
	for (const model of visible(settings)) {
		const root = `models/${model.id}`;
		data.push(entry(model.id, root));
		if (settings.searchModels.includes(model.id)) data.push(entry(`${model.id}-search`, root));
		if (settings.imageModels.includes(model.id)) data.push(entry(`${model.id}-image`, root));
		if (settings.thinkingModels.includes(model.id)) data.push(entry(`${model.id}-non-thinking`, root));
	}

	const last = data.at(-1);
	if (settings.createImageModel && last) data.push({...last, id: `${settings.createImageModel}-chat`});
	return {object: 'list', success: true, data};
}

/** `/v1beta/models`: Google's native list plus derived copies. */
export function geminiModels(settings: GbSettings): unknown {
	const models: unknown[] = [];
	for (const model of visible(settings)) {
		const base = {
			name: `models/${model.id}`,
			version: '001',
			displayName: model.displayName ?? model.id,
			description: `${model.displayName ?? model.id} (fake)`,
			inputTokenLimit: model.inputTokenLimit ?? 1_048_576,
			outputTokenLimit: model.outputTokenLimit ?? 8192,
			supportedGenerationMethods: model.methods ?? ['generateContent', 'countTokens'],
			...(model.thinking ? {thinking: true} : {}),
		};
		models.push(base);
		const derive = (suffix: string, label: string) =>
			models.push({...base, name: `${base.name}${suffix}`, displayName: `${base.displayName}${label}`, description: `${base.displayName}${label}`});
		if (settings.searchModels.includes(model.id)) derive('-search', ' For Search');
		if (settings.imageModels.includes(model.id)) derive('-image', ' For Image');
		if (settings.thinkingModels.includes(model.id)) derive('-non-thinking', ' Non Thinking');
	}

	return {models};
}

/** Google's compat layer (`/openai/v1/models`): `models/`-prefixed ids. */
export function compatModels(settings: GbSettings): unknown {
	return {object: 'list', data: settings.models.map(model => ({id: `models/${model.id}`, object: 'model', owned_by: 'google'}))};
}
