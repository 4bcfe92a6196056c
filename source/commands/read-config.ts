import fs from 'node:fs';
import {ConfigStore, type ConfigIssue} from '../config/store.js';
import {configSchema, defaultRawConfig, type Config, type RawConfig} from '../config/schema.js';
import {resolveConfigPath} from '../config/paths.js';

export type ReadConfigResult =
	| {readonly ok: true; readonly path: string; readonly config: Config; readonly raw: RawConfig; readonly exists: boolean}
	| {readonly ok: false; readonly path: string; readonly issue: ConfigIssue};

/**
 * Read the config for a helper command without side effects: a missing file is NOT created
 * (ConfigStore would), so the dashboard still sees a first run and shows its onboarding.
 */
export function readConfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): ReadConfigResult {
	const path = resolveConfigPath(flag, env);
	if (!fs.existsSync(path)) {
		const raw = defaultRawConfig();
		return {ok: true, path, config: configSchema.parse(raw), raw, exists: false};
	}

	const store = new ConfigStore({path, env, watch: false});
	try {
		const snapshot = store.getSnapshot();
		if (snapshot.issue) return {ok: false, path, issue: snapshot.issue};
		return {ok: true, path, config: snapshot.config, raw: snapshot.raw, exists: true};
	} finally {
		store.close();
	}
}
