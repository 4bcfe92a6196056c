import {render} from 'ink';
import type {ConfigStore} from '../config/store.js';
import {createCheckTransport} from '../proxy/check-transport.js';
import type {WizardEnv, WizardPrefill} from '../providers/wizard-state.js';
import {AddProviderWizard} from '../ui/screens/add-provider-wizard.js';
import {createTheme, ThemeContext} from '../ui/theme.js';

export async function runWizardApp(options: {
	store: ConfigStore;
	initial: WizardPrefill;
	env: WizardEnv;
	skipTest: boolean;
	stdout?: (text: string) => void;
	stderr: (text: string) => void;
}): Promise<number> {
	const out = options.stdout ?? (text => process.stdout.write(text));
	let saved: string | undefined;
	const checks = createCheckTransport({proxyUrl: () => options.store.getSnapshot().config.PROXY_URL, env: options.env});
	let cancelled = false;
	const app = render(
		<ThemeContext.Provider value={createTheme(options.env)}>
			<AddProviderWizard
				store={options.store}
				preset="gemini-balance"
				initial={options.initial}
				env={options.env}
				skipTest={options.skipTest}
				fetch={checks.fetch}
				onDone={name => {
					saved = name;
					app.unmount();
				}}
				onCancel={() => {
					cancelled = true;
					app.unmount();
				}}
			/>
		</ThemeContext.Provider>,
		{exitOnCtrlC: true},
	);
	await app.waitUntilExit().finally(async () => checks.close());
	if (saved) {
		out(`Saved provider "${saved}" in ${options.store.path}. A running ccr-tui uses it from the next request.\nCheck it any time with: ccr-tui test ${saved}\n`);
		return 0;
	}

	options.stderr(cancelled ? 'Cancelled; nothing was saved.\n' : 'Interrupted; nothing was saved.\n');
	return cancelled ? 1 : 130;
}
