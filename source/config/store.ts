import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
import type Conf from 'conf';
import JSON5 from 'json5';
import {configSchema, defaultRawConfig, type Config, type RawConfig, type Scenario} from './schema.js';
import {resolveEnvRefs, type Env} from './env-refs.js';
import {describeZodError, describeSyntaxError, ConfigError, type ConfigIssue} from './errors.js';
import {acquireLock, LockTimeoutError} from './file-lock.js';
import {editPreserving} from './preserving-edit.js';

export {ConfigError, type ConfigIssue} from './errors.js';

/** What the rest of the program sees. Replaced (never mutated) on every change. */
export type ConfigSnapshot = {
	/** Validated config with `$ENV` references resolved: what the proxy serves. */
	readonly config: Config;
	/** The file's content as written (unresolved references, unknown keys kept). */
	readonly raw: RawConfig;
	/** Set while the file on disk is invalid; `config` is then the last good one. */
	readonly issue?: ConfigIssue;
	/** True when this run created the file (first run: show onboarding). */
	readonly created: boolean;
	/** Bumped on every change, for cheap equality checks. */
	readonly version: number;
	readonly path: string;
};

export type ConfigStoreOptions = {
	/** Absolute path of config.json. */
	readonly path: string;
	/** Environment used for `$VAR` resolution. @default process.env */
	readonly env?: Env;
	/** Watch the file for hand edits. @default true */
	readonly watch?: boolean;
	/** Debounce for hand edits (editors write in several steps). @default 150 */
	readonly debounceMs?: number;
	/** Backups kept next to the file. @default 3 */
	readonly backups?: number;
	/**
	 * Create a missing file at once. @default true. With false a missing file reads as the defaults
	 * and is created by the first save: a command that fails leaves no file behind.
	 */
	readonly createIfMissing?: boolean;
};

type Listener = (snapshot: ConfigSnapshot) => void;

/**
 * A change to the config: edit `draft` (the file's content as written, `$ENV` references unresolved)
 * in place or return a new one. `current` is the same content validated and resolved. Runs on the
 * file as it is at the moment of saving (another process may have saved since this one last read
 * it), and again if the file changes under the save: it must depend on nothing but its arguments.
 * Throw (for example a ConfigError) when the change no longer applies.
 */
export type ConfigMutation = (draft: RawConfig, current: Config) => RawConfig | void;

/** What a save did. */
export type SaveResult = {
	readonly snapshot: ConfigSnapshot;
	/**
	 * 'kept': only the changed entries were rewritten (comments, order, quoting, layout kept).
	 * 'rewritten': the whole file was written as plain JSON (comments and formatting lost; the
	 * backup has them).
	 */
	readonly formatting: 'kept' | 'rewritten';
	/** One line for the user when something about the save deserves a word (a rewrite), else undefined. */
	readonly notice?: string;
	/** The backup taken before this save, if any. */
	readonly backup?: string;
	/** Times the mutation ran (more than 1 when the file changed under the save). */
	readonly attempts: number;
};

const MAX_ATTEMPTS = 3;

const FILE_MODE = 0o600;

/**
 * The config file, validated with zod and written through conf (atomic temp-file + rename). Saves
 * edit only the changed entries of the text (comments and layout survive) and are serialised across
 * processes by a lock file, each applying its mutation to the content the previous save wrote. Hand
 * edits are picked up by a debounced watch of the file's folder (and of the link target's folder
 * when the config is a symlink); our own writes are recognised by content and not reloaded twice.
 */
export class ConfigStore {
	readonly path: string;
	#env: Env;
	#backups: number;
	#conf?: Conf<RawConfig>;
	#snapshot: ConfigSnapshot;
	#listeners = new Set<Listener>();
	#watcher?: fs.FSWatcher;
	#debounce?: NodeJS.Timeout;
	#debounceMs: number;
	#lastText?: string;
	/** Text conf writes next (conf serialises through this, so a preserved text is written as is). */
	#pendingText?: string;
	#watchedTarget?: string;
	#targetWatcher?: fs.FSWatcher;
	/** The file does not exist yet and is created by the first save (createIfMissing: false). */
	#lazyCreate: boolean;

	constructor(options: ConfigStoreOptions) {
		this.path = path.resolve(options.path);
		this.#env = options.env ?? process.env;
		this.#backups = options.backups ?? 3;
		this.#debounceMs = options.debounceMs ?? 150;

		let created = false;
		this.#lazyCreate = options.createIfMissing === false && !fs.existsSync(this.path);
		if (!this.#lazyCreate && !fs.existsSync(this.path)) {
			fs.mkdirSync(path.dirname(this.path), {recursive: true, mode: 0o700});
			fs.writeFileSync(this.path, serialize(defaultRawConfig()), {mode: FILE_MODE, flag: 'wx'});
			created = true;
		}

		const loaded = this.#read();
		this.#snapshot =
			'issue' in loaded
				? {config: configSchema.parse({}), raw: {}, issue: loaded.issue, created, version: 1, path: this.path}
				: {config: loaded.config, raw: loaded.raw, created, version: 1, path: this.path};

		if (options.watch ?? true) this.#watch();
	}

	getSnapshot = (): ConfigSnapshot => this.#snapshot;

	subscribe = (listener: Listener): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	/**
	 * Apply a change and save it: under the lock, on the file's current content, validated, backed
	 * up, written atomically (mode 0600). Comments and layout are kept where the change allows;
	 * otherwise the file is rewritten as plain JSON and the result says so. Throws ConfigError (file
	 * untouched) when the file on disk is broken or read-only, the result is invalid, the mutation
	 * throws, another process holds the lock too long, or the write fails.
	 */
	save(mutate: ConfigMutation): SaveResult {
		let release: () => void;
		try {
			if (this.#lazyCreate) fs.mkdirSync(path.dirname(this.path), {recursive: true, mode: 0o700});
			// Loading conf takes ~150 ms the first time: never while holding the lock.
			this.#writer();
			release = acquireLock(this.#lockPath());
		} catch (error) {
			// No writer or lock without a folder: say what is wrong with the file.
			const current = error instanceof LockTimeoutError ? undefined : this.#read();
			if (current && 'issue' in current) throw new ConfigError(current.issue);
			throw this.#writeError(error);
		}

		try {
			for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
				const result = this.#saveOnce(mutate, attempt);
				if (result) return result;
			}

			const problem = 'the file kept changing while saving (another program is writing it)';
			throw new ConfigError({path: this.path, key: '', problem, message: `Could not save ${this.path}: ${problem}; nothing was changed. Try again.`});
		} finally {
			release();
		}
	}

	/** `save` for callers that only need the new snapshot. */
	update(mutate: ConfigMutation): ConfigSnapshot {
		return this.save(mutate).snapshot;
	}

	/** One read-mutate-write; undefined when the file changed under it (the caller retries). */
	#saveOnce(mutate: ConfigMutation, attempt: number): SaveResult | undefined {
		const text = this.#readText();
		const current = text === undefined ? this.#read() : this.#parse(text);
		if ('issue' in current) {
			throw new ConfigError({...current.issue, message: `${current.issue.message}. Fix the file by hand first; it was not changed.`});
		}

		const draft = structuredClone(current.raw);
		const next = mutate(draft, current.config) ?? draft;
		const checked = this.#validate(next);
		if ('issue' in checked) throw new ConfigError(checked.issue);

		const edited = text === undefined ? undefined : editPreserving(text, current.raw, next);
		const out = edited ?? serialize(next);
		// Nothing is lost when the file already was what a rewrite produces (ours, no comments).
		const formatting = text === undefined || edited !== undefined || text === serialize(current.raw) ? 'kept' : 'rewritten';
		if (this.#readText() !== text) return undefined;
		this.#assertWritable();
		let backup: string | undefined;
		try {
			backup = this.#backup();
			this.#lastText = out;
			this.#pendingText = out;
			this.#writer().store = next;
		} catch (error) {
			this.#lastText = undefined;
			throw this.#writeError(error);
		} finally {
			this.#pendingText = undefined;
		}

		this.#publish({config: checked.config, raw: next, created: this.#snapshot.created});
		const notice =
			formatting === 'rewritten'
				? `saved as plain JSON: the comments and formatting of ${path.basename(this.path)} could not be kept${backup ? ` (the backup ${path.basename(backup)} has them)` : ''}`
				: undefined;
		return {snapshot: this.#snapshot, formatting, notice, backup, attempts: attempt};
	}

	#lockPath(): string {
		return `${this.#target()}.lock`;
	}

	/** The file a save replaces: the link's target when the config is a symlink. */
	#target(): string {
		try {
			return fs.realpathSync(this.path);
		} catch {
			return this.path;
		}
	}

	/** A file the user made read-only is theirs to keep that way: never replaced (root could). */
	#assertWritable(): void {
		let mode: number;
		try {
			mode = fs.statSync(this.path).mode;
		} catch {
			return;
		}

		if ((mode & 0o222) !== 0) return;
		const octal = (mode & 0o777).toString(8).padStart(4, '0');
		const problem = `the file is read-only (mode ${octal}); ccr-tui does not replace it`;
		throw new ConfigError({
			path: this.path,
			key: '',
			problem,
			message: `Could not save ${this.path}: ${problem}. Make it writable (chmod 600 ${this.path}) to save changes from ccr-tui.`,
		});
	}

	#writeError(error: unknown): ConfigError {
		if (error instanceof ConfigError) return error;
		const problem = error instanceof LockTimeoutError ? error.message : writeProblem(error);
		return new ConfigError({path: this.path, key: '', problem, message: `Could not save ${this.path}: ${problem}`});
	}

	#readText(): string | undefined {
		try {
			return fs.readFileSync(this.path, 'utf8');
		} catch {
			return undefined;
		}
	}

	/** Point a scenario at `provider,model`, or clear it with undefined. */
	setRoute(scenario: Scenario, target: string | undefined): SaveResult {
		return this.save(draft => {
			const router = {...(draft['Router'] as Record<string, unknown> | undefined)};
			if (target) router[scenario] = target;
			else delete router[scenario];
			draft['Router'] = router;
		});
	}

	/** Re-read the file now (the watcher calls this after hand edits). */
	reload(): ConfigSnapshot {
		const loaded = this.#read();
		if ('issue' in loaded) {
			// Keep serving the last good config; just flag the problem.
			this.#publish({config: this.#snapshot.config, raw: this.#snapshot.raw, issue: loaded.issue, created: this.#snapshot.created});
		} else {
			this.#publish({config: loaded.config, raw: loaded.raw, created: this.#snapshot.created});
		}

		return this.#snapshot;
	}

	close(): void {
		this.#watcher?.close();
		this.#watcher = undefined;
		this.#targetWatcher?.close();
		this.#targetWatcher = undefined;
		clearTimeout(this.#debounce);
		this.#listeners.clear();
	}

	/** conf (and the ajv it loads, ~150 ms) is only needed to write: created on the first save. */
	#writer(): Conf<RawConfig> {
		if (this.#conf) return this.#conf;
		const {default: ConfClass} = createRequire(import.meta.url)('conf') as {default: typeof Conf};
		const extension = path.extname(this.path);
		this.#conf = new ConfClass<RawConfig>({
			cwd: path.dirname(this.path),
			configName: path.basename(this.path, extension),
			fileExtension: extension.replace(/^\./, ''),
			projectSuffix: '',
			accessPropertiesByDotNotation: false,
			configFileMode: FILE_MODE,
			serialize: value => this.#pendingText ?? serialize(value),
			// Reading and validation are ours (with precise messages); conf only writes. A lenient
			// deserialize keeps conf from throwing on a broken file it would otherwise never load.
			deserialize: text => {
				try {
					return JSON5.parse(text) as RawConfig;
				} catch {
					return {};
				}
			},
		});
		return this.#conf;
	}

	#read(): {config: Config; raw: RawConfig} | {issue: ConfigIssue} {
		if (this.#lazyCreate && !fs.existsSync(this.path)) return this.#validate(defaultRawConfig());
		let text: string;
		try {
			text = fs.readFileSync(this.path, 'utf8');
		} catch (error) {
			const problem = writeProblem(error);
			return {issue: {path: this.path, key: '', problem, message: `Cannot read ${this.path}: ${problem}`}};
		}

		return this.#parse(text);
	}

	#parse(text: string): {config: Config; raw: RawConfig} | {issue: ConfigIssue} {
		let raw: unknown;
		try {
			// A UTF-8 BOM (some Windows editors) is not JSON5.
			raw = JSON5.parse(text.replace(/^\uFEFF/, ''));
		} catch (error) {
			return {issue: describeSyntaxError(this.path, error)};
		}

		if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
			const problem = 'the top level must be an object ({ ... })';
			return {issue: {path: this.path, key: '', problem, message: `${this.path}: ${problem}`}};
		}

		return this.#validate(raw as RawConfig);
	}

	#validate(raw: RawConfig): {config: Config; raw: RawConfig} | {issue: ConfigIssue} {
		const resolved = resolveEnvRefs(raw, this.#env);
		// Claude Code Router also accepts a lower-case `providers` key.
		if (resolved['Providers'] === undefined && Array.isArray(resolved['providers'])) {
			resolved['Providers'] = resolved['providers'];
		}

		const result = configSchema.safeParse(resolved);
		if (!result.success) return {issue: describeZodError(this.path, result.error, raw)};
		const names = new Set<string>();
		for (const [index, provider] of result.data.Providers.entries()) {
			const key = provider.name.toLowerCase();
			if (names.has(key)) {
				const problem = `duplicate provider name "${provider.name}"`;
				return {issue: {path: this.path, key: `Providers[${index}].name`, problem, message: `${this.path}: Providers[${index}].name: ${problem}`}};
			}

			names.add(key);
		}

		return {config: result.data, raw};
	}

	#backup(): string | undefined {
		if (this.#backups <= 0 || !fs.existsSync(this.path)) return undefined;
		const stamp = new Date().toISOString().replaceAll(':', '-');
		const backup = `${this.path}.${stamp}.bak`;
		// Copy, then rename: a kill mid-copy must leave no torn (empty) backup that someone restores.
		fs.copyFileSync(this.path, `${backup}.tmp`);
		fs.chmodSync(`${backup}.tmp`, FILE_MODE);
		fs.renameSync(`${backup}.tmp`, backup);
		const directory = path.dirname(this.path);
		const prefix = `${path.basename(this.path)}.`;
		const names = fs.readdirSync(directory).filter(name => name.startsWith(prefix));
		// Leftovers of a copy that was killed.
		for (const stale of names.filter(name => name.endsWith('.bak.tmp'))) fs.rmSync(path.join(directory, stale), {force: true});
		const backups = names.filter(name => name.endsWith('.bak')).sort();
		for (const old of backups.slice(0, Math.max(0, backups.length - this.#backups))) {
			fs.rmSync(path.join(directory, old), {force: true});
		}

		return backup;
	}

	#watch(): void {
		const base = path.basename(this.path);
		this.#watcher = this.#watchFolder(path.dirname(this.path), name => name === base);
		this.#watchTarget();
	}

	/**
	 * A symlinked config (dotfiles repos) is edited at its target, whose folder the link's folder
	 * watch never hears about: watch the target's folder too, and follow the link when it changes.
	 */
	#watchTarget(): void {
		const target = this.#target();
		if (target === this.#watchedTarget) return;
		this.#targetWatcher?.close();
		this.#targetWatcher = undefined;
		this.#watchedTarget = target;
		if (target === this.path) return;
		const base = path.basename(target);
		this.#targetWatcher = this.#watchFolder(path.dirname(target), name => name === base);
	}

	#watchFolder(directory: string, matches: (name: string) => boolean): fs.FSWatcher | undefined {
		try {
			// The folder, not the file: atomic saves (ours and editors') replace the file by rename.
			const watcher = fs.watch(directory, {persistent: false}, (_event, filename) => {
				if (filename && !matches(filename)) return;
				clearTimeout(this.#debounce);
				this.#debounce = setTimeout(() => this.#onFileChanged(), this.#debounceMs);
				this.#debounce.unref();
			});
			watcher.on('error', () => watcher.close());
			return watcher;
		} catch {
			// No watch support (some network filesystems): edits then need a restart.
			return undefined;
		}
	}

	#onFileChanged(): void {
		if (this.#watcher) this.#watchTarget();
		let text: string | undefined;
		try {
			text = fs.readFileSync(this.path, 'utf8');
		} catch {
			// Mid-rename or deleted: the next event will tell.
		}

		if (text !== undefined && text === this.#lastText) return;
		this.#lastText = text;
		this.reload();
	}

	#publish(next: Omit<ConfigSnapshot, 'version' | 'path'>): void {
		this.#snapshot = {...next, version: this.#snapshot ? this.#snapshot.version + 1 : 1, path: this.path};
		for (const listener of this.#listeners) listener(this.#snapshot);
	}
}

function serialize(value: RawConfig): string {
	return `${JSON.stringify(value, undefined, 2)}\n`;
}

function writeProblem(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `permission denied (${code}): the file or its folder is read-only`;
	if (code === 'ENOSPC') return 'no space left on the disk';
	if (code === 'ENOENT') return 'the file does not exist';
	return error instanceof Error ? error.message : String(error);
}
