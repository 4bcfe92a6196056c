/**
 * `CUSTOM_ROUTER_PATH` (Claude Code Router compatible): a user module whose default export (or
 * `module.exports`) is `async (request, config) => "provider,model" | null`. It is consulted before
 * the built-in rules. A throw, a hang or an answer that is not `provider,model` is reported as a
 * notice and the built-in rules decide. The module is re-imported when the file changes, so edits
 * apply without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import type {ActivityBus} from '../activity/bus.js';
import {parseRouteTarget, type Config} from '../config/schema.js';
import {homeDir} from '../config/paths.js';
import {formatSeconds} from '../text/format.js';

type RouterFunction = (request: unknown, config: unknown, context?: unknown) => unknown;

const NOTICE_REPEAT_MS = 60_000;

export class CustomRouter {
	readonly #bus: ActivityBus;
	readonly #timeoutMs: number;
	readonly #now: () => number;
	#loaded?: {file: string; mtimeMs: number; fn: RouterFunction};
	readonly #lastNotice = new Map<string, number>();

	constructor(bus: ActivityBus, options: {timeoutMs?: number; now?: () => number} = {}) {
		this.#bus = bus;
		this.#timeoutMs = options.timeoutMs ?? 5000;
		this.#now = options.now ?? Date.now;
	}

	/**
	 * `provider,model` from the user's module, or undefined to let the built-in rules decide.
	 * `input` is what the module receives first: the request fields plus Claude Code Router's
	 * `body` and `tokenCount`, so modules written for it keep working.
	 */
	async choose(input: unknown, config: Config, configPath: string): Promise<string | undefined> {
		const setting = config.CUSTOM_ROUTER_PATH?.trim();
		if (!setting) return undefined;
		const file = path.resolve(path.dirname(configPath), setting.startsWith('~/') ? path.join(homeDir(), setting.slice(2)) : setting);
		let fn: RouterFunction;
		try {
			fn = await this.#load(file);
		} catch (error) {
			this.#notice(`CUSTOM_ROUTER_PATH ${file} could not be loaded: ${message(error)}; using the built-in rules`);
			return undefined;
		}

		let answer: unknown;
		let timer: NodeJS.Timeout | undefined;
		try {
			answer = await Promise.race([
				Promise.resolve(fn(input, config, {})),
				new Promise((_resolve, reject) => {
					timer = setTimeout(() => reject(new Error(`no answer within ${formatSeconds(this.#timeoutMs)}`)), this.#timeoutMs);
				}),
			]);
		} catch (error) {
			this.#notice(`the custom router (${path.basename(file)}) failed: ${message(error)}; using the built-in rules`);
			return undefined;
		} finally {
			clearTimeout(timer);
		}

		if (answer === null || answer === undefined || answer === '' || answer === false) return undefined;
		if (typeof answer !== 'string' || !parseRouteTarget(answer)) {
			this.#notice(`the custom router (${path.basename(file)}) answered ${JSON.stringify(answer)?.slice(0, 80)}, not "provider,model" or null; using the built-in rules`);
			return undefined;
		}

		return answer.trim();
	}

	/** Report a problem with the custom router's answer found later (e.g. an unknown provider). */
	reject(reason: string): void {
		this.#notice(`the custom router's answer was ignored: ${reason}; using the built-in rules`);
	}

	async #load(file: string): Promise<RouterFunction> {
		const {mtimeMs} = fs.statSync(file);
		if (this.#loaded?.file === file && this.#loaded.mtimeMs === mtimeMs) return this.#loaded.fn;
		// The query defeats the ESM module cache so an edited file is imported afresh.
		const module = (await import(`${pathToFileURL(file).href}?v=${mtimeMs}`)) as {default?: unknown; router?: unknown};
		const candidate = typeof module.default === 'function' ? module.default : module.router;
		if (typeof candidate !== 'function') throw new Error('it exports no function (expected `module.exports = async (req, config) => ...` or a default export)');
		this.#loaded = {file, mtimeMs, fn: candidate as RouterFunction};
		return this.#loaded.fn;
	}

	#notice(text: string): void {
		// One notice per distinct problem per minute: a broken router would otherwise flood the log.
		const now = this.#now();
		const last = this.#lastNotice.get(text);
		if (last !== undefined && now - last < NOTICE_REPEAT_MS) return;
		this.#lastNotice.set(text, now);
		this.#bus.emit({type: 'notice', at: now, level: 'warn', source: 'custom-router', message: text});
	}
}

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
