import {describe, expect, it, afterEach} from 'vitest';
import {runEnv} from '../../source/commands/env.js';
import {claudeHint} from '../../source/ui/claude-hint.js';
import {cleanupApps, renderApp, sampleConfig} from './render-app.js';

afterEach(cleanupApps);

const KEY = 'proxy-key-0123456789abcdef';

/** The `ccr-tui … env` words the hint tells the user to run, as runEnv options. */
function envFlags(hint: string): {config?: string; port?: number} {
	const words = /eval "\$\(ccr-tui(.*?) env\)"/.exec(hint)?.[1]?.trim().split(/\s+/) ?? [];
	const flags: {config?: string; port?: number} = {};
	for (let index = 0; index < words.length; index += 2) {
		if (words[index] === '--config') flags.config = words[index + 1];
		if (words[index] === '--port') flags.port = Number(words[index + 1]);
	}

	return flags;
}

describe('the "point Claude Code here" hint', () => {
	it('without APIKEY: the base URL is all Claude Code needs', () => {
		expect(claudeHint('http://127.0.0.1:3456', {}, '/x/config.json')).toBe('ANTHROPIC_BASE_URL=http://127.0.0.1:3456 claude  (or: ccr-tui code)');
	});

	it('with APIKEY: works as written (the token comes from the config), without showing the key', async () => {
		const app = await renderApp({config: {...sampleConfig(), APIKEY: KEY}, columns: 160, app: {listenUrl: 'http://127.0.0.1:4000'}});
		const frame = (await app.waitFor('&& claude')).replaceAll(/[│╭╮╰╯─]/g, ' ');
		expect(frame).not.toContain(KEY);
		const hint = claudeHint('http://127.0.0.1:4000', {APIKEY: KEY}, app.configPath);
		expect(frame.replaceAll(/\s+/g, ' ')).toContain(hint.slice(0, 40));
		// Running the hint's own command yields the token and this dashboard's URL.
		const out: string[] = [];
		expect(await runEnv({...envFlags(hint), env: {}, stdout: text => out.push(text), stderr: () => {}})).toBe(0);
		expect(out.join('')).toContain(`export ANTHROPIC_AUTH_TOKEN='${KEY}'`);
		expect(out.join('')).toContain("export ANTHROPIC_BASE_URL='http://127.0.0.1:4000'");
	});
});
