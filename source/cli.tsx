#!/usr/bin/env node
/**
 * Composition root: parses argv, then starts the headless proxy, the dashboard (proxy + Ink UI in
 * one process) or one of the helper commands. The only file that sees both proxy and UI.
 */
import type {Command} from 'commander';
import type {GlobalOptions} from './commands/global-options.js';
import {createRequire} from 'node:module';

/** Loaded in `main`, not at the top: `ccr-tui statusline` runs every turn and must not pay for it. */
type Commander = typeof import('commander');

/** Loaded in `main` with commander (it imports commander). */
type GlobalOptionsModule = typeof import('./commands/global-options.js');

export type {GlobalOptions} from './commands/global-options.js';

const EXIT_USAGE = 2;

/** `argv` is what the program will parse: `code` needs it as typed, to see a `--` that commander drops. */
// Over 60 lines: the command table: one commander chain per command, no logic.
function buildProgram(commander: Commander, {addGlobalOptions, globalOptionsOf}: GlobalOptionsModule, argv: readonly string[]): Command {
	const {Command, Option} = commander;
	const {version} = createRequire(import.meta.url)('../package.json') as {version: string};
	const program = new Command('ccr-tui');
	addGlobalOptions(program, 'listen port (overrides PORT in the config; default 3456)')
		.enablePositionalOptions()
		.description('Run Claude Code on any model: a routing proxy (Anthropic → OpenAI-compatible) with a live terminal dashboard.')
		.version(version, '-v, --version')
		// `ccr-tui code --help` belongs to claude, so `help <command>` is how to reach ours.
		.helpCommand('help [command]', 'show help for a command, e.g. ccr-tui help code')
		.addOption(new Option('--demo', 'dashboard with a simulated provider and sample traffic (no account, no network)'))
		.showHelpAfterError('Usage: ccr-tui [options] [command]  (ccr-tui --help lists the commands and options)')
		.showSuggestionAfterError()
		// Only so that a stray word is reported as an unknown command, not as "too many arguments".
		.argument('[command]')
		.usage('[options] [command]')
		.exitOverride()
		.configureOutput({outputError: (text, write) => write(text)})
		.addHelpText(
			'after',
			`
Examples:
  ccr-tui                          dashboard + proxy on 127.0.0.1:3456
  ccr-tui start --port 4000        headless proxy (logs one line per request)
  ccr-tui add-gemini-balance       add a Gemini Balance server step by step
  ccr-tui code -p "hello"          run Claude Code through ccr-tui
  eval "$(ccr-tui env)"            point this shell's Claude Code at ccr-tui`,
		)
		.action(async (command: string | undefined) => {
			if (command !== undefined) program.error(`error: unknown command '${command}'`, {exitCode: EXIT_USAGE, code: 'commander.unknownCommand'});
			const options = program.opts<GlobalOptions>();
			if (!process.stdout.isTTY || !process.stdin.isTTY) {
				if (options.demo) program.error('error: --demo shows the dashboard and needs a terminal (stdin and stdout must be a TTY)', {exitCode: EXIT_USAGE});
				const {runStart} = await import('./commands/start.js');
				process.exitCode = await runStart(options);
				return;
			}

			process.exitCode = await runDashboard(options);
		});

	addGlobalOptions(program.command('start'))
		.description('run the proxy headless: prints the URL, then one line per finished request')
		.addHelpText('after', '\nExamples:\n  ccr-tui start\n  ccr-tui start --config ./config.json --port 4000')
		.action(async (_flags: unknown, command: Command) => {
			const {runStart} = await import('./commands/start.js');
			process.exitCode = await runStart(globalOptionsOf(program, command));
		});

	addGlobalOptions(program.command('add-gemini-balance'))
		.description('add (or update) a Gemini Balance server: URL, token, models, routes, connection test')
		.option('--url <url>', 'Gemini Balance base URL (default http://127.0.0.1:8000)')
		.option('--token <token>', "access token (or a $ENV reference such as '$GB_TOKEN')")
		.option('--models <list>', 'comma-separated model ids to add')
		.option('--route <list>', 'routes to point at the first model (default longContext)')
		.option('--api <flavour>', "which API: 'v1' (default, /v1), 'openai' (/openai/v1) or 'native' (Gemini native /v1beta)")
		.option('--name <name>', 'provider name (default gemini-balance)')
		.option('--yes', 'non-interactive: use the flags, no prompts')
		.option('--skip-test', 'save without running the connection test')
		.addHelpText(
			'after',
			`
Examples:
  ccr-tui add-gemini-balance
  ccr-tui add-gemini-balance --url http://127.0.0.1:8000 --token '$GB_TOKEN' \\
      --models gemini-2.5-pro,gemini-2.5-flash --route longContext,think --yes`,
		)
		.action(async (flags: Record<string, unknown>, command: Command) => {
			const {runAddGeminiBalance} = await import('./commands/add-gemini-balance.js');
			process.exitCode = await runAddGeminiBalance({...flags, ...globalOptionsOf(program, command)});
		});

	addGlobalOptions(program.command('test'))
		.description('test the connection to one provider (or all): exit 0 pass, 1 fail, 3 passed with warnings')
		.argument('[provider]', 'provider name from the config')
		.option('--model <model>', 'model to test (default: the first routed or listed one)')
		.addHelpText('after', '\nExamples:\n  ccr-tui test\n  ccr-tui test gemini-balance --model gemini-2.5-flash')
		.action(async (provider: string | undefined, flags: Record<string, unknown>, command: Command) => {
			const {runTest} = await import('./commands/test.js');
			process.exitCode = await runTest({...flags, ...globalOptionsOf(program, command), provider});
		});

	addGlobalOptions(program.command('env'))
		.description('print the shell exports that point Claude Code at ccr-tui')
		.option('--shell <shell>', "output syntax: 'posix' (default; bash, zsh, sh), 'fish' or 'powershell'")
		.addHelpText('after', '\nExamples:\n  eval "$(ccr-tui env)"\n  ccr-tui env --shell fish | source\n  ccr-tui env --shell powershell | Out-String | Invoke-Expression')
		.action(async (flags: Record<string, unknown>, command: Command) => {
			const {runEnv} = await import('./commands/env.js');
			process.exitCode = await runEnv({...flags, ...globalOptionsOf(program, command)});
		});

	addGlobalOptions(program.command('statusline'))
		.description("one line for Claude Code's statusLine setting: route, model, TTFT, tokens of this session (reads Claude Code's JSON on stdin)")
		.addHelpText(
			'after',
			'\nClaude Code settings.json:\n  "statusLine": {"type": "command", "command": "ccr-tui statusline"}\n(`ccr-tui code` turns it on for the session it starts; `ccr-tui env` prints the snippet.)',
		)
		.action(async (_flags: unknown, command: Command) => {
			const {runStatusline} = await import('./commands/statusline.js');
			process.exitCode = await runStatusline(globalOptionsOf(program, command));
		});

	addGlobalOptions(program.command('doctor'))
		.description('check config, routes, port, providers and Claude Code settings; exit 0 good, 1 problems')
		.option('--fix', 'repair what it lists as repairable (settings pointing at a dead proxy), after a backup')
		.option('--offline', 'skip the provider checks (no network)')
		.addHelpText('after', '\nExamples:\n  ccr-tui doctor\n  ccr-tui doctor --fix')
		.action(async (flags: Record<string, unknown>, command: Command) => {
			const {runDoctor} = await import('./commands/doctor.js');
			process.exitCode = await runDoctor({...flags, ...globalOptionsOf(program, command)});
		});

	addGlobalOptions(program.command('usage'))
		.description('requests, errors, tokens, latency and estimated cost from the usage history')
		.option('--days <n>', 'how many days back (default 7; the history keeps 30 unless history.retentionDays says otherwise)')
		.option('--by <group>', 'group by route, model, provider, day or session (default model)')
		.option('--json', 'machine-readable output')
		.addHelpText('after', '\nExamples:\n  ccr-tui usage\n  ccr-tui usage --days 30 --by day\n  ccr-tui usage --by session --json')
		.action(async (flags: Record<string, unknown>, command: Command) => {
			const {runUsage} = await import('./commands/usage.js');
			process.exitCode = await runUsage({...flags, ...globalOptionsOf(program, command)});
		});

	program
		.command('code')
		.description('start Claude Code through ccr-tui; every argument after "code" goes to claude untouched')
		.argument('[args...]', 'arguments for claude')
		.allowUnknownOption()
		.helpOption(false)
		.passThroughOptions()
		.addHelpText(
			'after',
			'\nUses the ccr-tui already running on the port, else a private proxy for as long as claude runs.\n' +
				'The global options (--config, --port, --host) go before "code"; everything after it (--help included) goes to claude\n' +
				"untouched: -p and -c there are claude's own --print and --continue.\n" +
				'\nExamples:\n  ccr-tui code\n  ccr-tui code -p "explain this repo" --output-format json\n  ccr-tui --port 4000 code --resume',
		)
		.action(async (args: string[]) => {
			const {runCode, restoreDoubleDash} = await import('./commands/code.js');
			process.exitCode = await runCode({...program.opts<GlobalOptions>(), args: restoreDoubleDash(argv, args)});
		});

	return program;
}

/**
 * Dashboard: the proxy and the Ink UI in one process. The proxy reports through the activity bus;
 * the UI changes routes through the config store. (Wired here and only here.) An invalid config
 * file does not stop the dashboard: it opens with a warning banner and serves the last valid config
 * (built-in defaults at start), so the user can see the problem and fix it while watching.
 */
// Over 60 lines: wires the proxy thread, the stores, Ink and the terminal clean-up in the order they must stop.
async function runDashboard(options: GlobalOptions): Promise<number> {
	// React's development build (the default without NODE_ENV) keeps a stack trace and a
	// performance.measure() entry per render: ~95 KB retained per proxied request (bench/). Must be
	// set before react is first imported.
	process.env['NODE_ENV'] ??= 'production';
	// Loaded lazily: `--help` and the helper commands should not pay for React and Ink. No JSX in this
	// file: it would import react/jsx-runtime (and with it React's development build) at load time,
	// before NODE_ENV is set, and a development React under a production reconciler renders nothing.
	const [
		{ConfigStore},
		{resolveConfigPath},
		{ActivityBus},
		{ActivityStore},
		{startProxyThread},
		{render},
		{App},
		{createElement},
		{watchTerminal, detachLostTerminal},
		{createCheckTransport},
		{usageLoader},
	] = await Promise.all([
		import('./config/store.js'),
		import('./config/paths.js'),
		import('./activity/bus.js'),
		import('./activity/store.js'),
		import('./proxy/worker-client.js'),
		import('ink'),
		import('./ui/app.js'),
		import('react'),
		import('./ui/terminal-lost.js'),
		import('./proxy/check-transport.js'),
		import('./activity/usage/read-history.js'),
	]);

	// --demo: a simulated provider and a throwaway config in a temp folder; the user's config is untouched.
	const demo = options.demo ? await (await import('./providers/demo.js')).startDemo() : undefined;
	const configPath = demo?.configPath ?? resolveConfigPath(options.config);
	let store: InstanceType<typeof ConfigStore>;
	try {
		store = new ConfigStore({path: configPath});
	} catch (error) {
		process.stderr.write(`ccr-tui: cannot open the config ${configPath}: ${error instanceof Error ? error.message : String(error)}\n`);
		await demo?.close();
		return 1;
	}

	const bus = new ActivityBus();
	const activity = new ActivityStore().attach(bus);
	// Connection tests and wizard checks go the proxy's way (its dispatcher and outbound-proxy rules).
	const checks = createCheckTransport({proxyUrl: () => store.getSnapshot().config.PROXY_URL, env: process.env});
	const cleanup = async (): Promise<void> => {
		activity.close();
		store.close();
		await checks.close();
		await demo?.close();
	};

	// The proxy runs in its own thread (log file included) so that rendering never delays a request.
	let proxy: Awaited<ReturnType<typeof startProxyThread>>;
	try {
		proxy = await startProxyThread({store, bus, host: options.host, port: options.port}).catch(async (error: unknown) => {
			// The demo needs no fixed port: never fail just because a real ccr-tui already runs.
			if (!demo || options.port !== undefined) throw error;
			return startProxyThread({store, bus, host: options.host, port: 0});
		});
	} catch (error) {
		process.stderr.write(`ccr-tui: ${error instanceof Error ? error.message : String(error)}\n`);
		await cleanup();
		return 1;
	}

	// Demo: sample requests start once the proxy listens, and stop before it closes (quitting stays instant).
	const traffic = demo?.startTraffic(proxy.url);
	const running = traffic ? {...proxy, close: async () => traffic.stop().then(async () => proxy.close())} : proxy;
	// Onboarding's "try the demo": close this dashboard, then open the demo one in its place.
	let switchToDemo = false;
	const onStartDemo = demo
		? undefined
		: (): void => {
				switchToDemo = true;
				void running.close().finally(() => instance.unmount());
			};
	const instance = render(
		createElement(App, {
			store,
			activity,
			listenUrl: running.url,
			inFlight: () => activity.getSnapshot().inFlight.length,
			onQuit: () => running.close(),
			onStartDemo,
			checkFetch: checks.fetch,
			loadUsage: usageLoader(configPath),
		}),
		{exitOnCtrlC: false, patchConsole: false, maxFps: 10},
	);
	// A terminal closing or `kill` gets the same ordered shutdown as q: proxy first, then the UI.
	const onSignal = (): void => {
		void running.close().finally(() => instance.unmount());
	};

	process.once('SIGTERM', onSignal);
	process.once('SIGHUP', onSignal);
	// A closed terminal may show up only as a failed write (EIO) or the end of input, not a signal.
	let terminalLost = false;
	const stopWatching = watchTerminal(process, () => {
		terminalLost = true;
		onSignal();
	});
	try {
		await instance.waitUntilExit();
	} finally {
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
		stopWatching();
		await running.close();
		await cleanup();
		if (terminalLost) detachLostTerminal([0, 1, 2].filter(fd => [process.stdin, process.stdout, process.stderr][fd]?.isTTY));
	}

	return switchToDemo ? runDashboard({...options, demo: true}) : 0;
}

export async function main(argv: string[]): Promise<number> {
	const [commander, globalOptions] = await Promise.all([import('commander'), import('./commands/global-options.js')]);
	const {CommanderError} = commander;
	const program = buildProgram(commander, globalOptions, argv);
	try {
		await program.parseAsync(argv);
		return typeof process.exitCode === 'number' ? process.exitCode : 0;
	} catch (error) {
		if (error instanceof CommanderError) {
			// --help and --version exit 0; every usage error exits 2.
			if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
			return EXIT_USAGE;
		}

		process.stderr.write(`ccr-tui: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
}

/** `ccr-tui statusline` exactly as Claude Code's setting runs it: straight to the command, nothing else loaded. */
async function entry(argv: string[]): Promise<number> {
	if (argv.length === 3 && argv[2] === 'statusline') {
		const {runStatusline} = await import('./commands/statusline.js');
		return runStatusline();
	}

	return main(argv);
}

const exitCode = await entry(process.argv);
process.exitCode = exitCode;
