#!/usr/bin/env node
/**
 * Composition root: parses argv, then starts the headless proxy, the dashboard (proxy + Ink UI in
 * one process) or one of the helper commands. The only file that sees both proxy and UI.
 */
import type {Command} from 'commander';
import {createRequire} from 'node:module';

/** Loaded in `main`, not at the top: `ccr-tui statusline` runs every turn and must not pay for it. */
type Commander = typeof import('commander');

/** Options every command understands. */
export type GlobalOptions = {
	config?: string;
	port?: number;
	host?: string;
	demo?: boolean;
};

const EXIT_USAGE = 2;

function buildProgram(commander: Commander): Command {
	const {Command, InvalidArgumentError, Option} = commander;
	const {version} = createRequire(import.meta.url)('../package.json') as {version: string};
	const parsePort = (value: string): number => {
		const port = Number(value);
		if (!Number.isInteger(port) || port < 0 || port > 65_535) {
			throw new InvalidArgumentError('--port must be a whole number from 0 to 65535.');
		}

		return port;
	};

	const program = new Command('ccr-tui')
		.enablePositionalOptions()
		.description('Run Claude Code on any model: a routing proxy (Anthropic → OpenAI-compatible) with a live terminal dashboard.')
		.version(version, '-v, --version')
		// `ccr-tui code --help` belongs to claude, so `help <command>` is how to reach ours.
		.helpCommand('help [command]', 'show help for a command, e.g. ccr-tui help code')
		.option('-c, --config <file>', 'config file (env CCR_TUI_CONFIG; default ~/.claude-code-router/config.json)')
		.option('-p, --port <n>', 'listen port (overrides PORT; default 3456)', parsePort)
		.option('-H, --host <addr>', 'listen address (overrides HOST; default 127.0.0.1)')
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

	program
		.command('start')
		.description('run the proxy headless: prints the URL, then one line per finished request')
		// The global options are accepted after `start` too, as its help example shows.
		.option('-c, --config <file>', 'config file (env CCR_TUI_CONFIG; default ~/.claude-code-router/config.json)')
		.option('-p, --port <n>', 'listen port (overrides PORT; 0 = any free port; default 3456)', parsePort)
		.option('-H, --host <addr>', 'listen address (overrides HOST; default 127.0.0.1)')
		.addHelpText('after', '\nExamples:\n  ccr-tui start\n  ccr-tui start --config ./config.json --port 4000')
		.action(async (flags: GlobalOptions) => {
			const {runStart} = await import('./commands/start.js');
			process.exitCode = await runStart({...program.opts<GlobalOptions>(), ...flags});
		});

	program
		.command('add-gemini-balance')
		.description('add (or update) a Gemini Balance server: URL, token, models, routes, connection test')
		.option('--url <url>', 'Gemini Balance base URL (default http://127.0.0.1:8000)')
		.option('--token <token>', "access token (or a $ENV reference such as '$GB_TOKEN')")
		.option('--models <list>', 'comma-separated model ids to add')
		.option('--route <list>', 'routes to point at the first model (default longContext)')
		.option('--api <flavour>', "which API: 'v1' (default) or 'openai' (/openai/v1)")
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
		.action(async (flags: Record<string, unknown>) => {
			const {runAddGeminiBalance} = await import('./commands/add-gemini-balance.js');
			process.exitCode = await runAddGeminiBalance({...program.opts<GlobalOptions>(), ...flags});
		});

	program
		.command('test')
		.description('test the connection to one provider (or all): exit 0 pass, 1 fail, 3 passed with warnings')
		.argument('[provider]', 'provider name from the config')
		.option('--model <model>', 'model to test (default: the first routed or listed one)')
		.addHelpText('after', '\nExamples:\n  ccr-tui test\n  ccr-tui test gemini-balance --model gemini-2.5-flash')
		.action(async (provider: string | undefined, flags: Record<string, unknown>) => {
			const {runTest} = await import('./commands/test.js');
			process.exitCode = await runTest({...program.opts<GlobalOptions>(), ...flags, provider});
		});

	program
		.command('env')
		.description('print the shell exports that point Claude Code at ccr-tui')
		.option('--shell <shell>', "output syntax: 'posix' (default; bash, zsh, sh), 'fish' or 'powershell'")
		.addHelpText('after', '\nExamples:\n  eval "$(ccr-tui env)"\n  ccr-tui env --shell fish | source\n  ccr-tui env --shell powershell | Out-String | Invoke-Expression')
		.action(async (flags: Record<string, unknown>) => {
			const {runEnv} = await import('./commands/env.js');
			process.exitCode = await runEnv({...program.opts<GlobalOptions>(), ...flags});
		});

	program
		.command('statusline')
		.description("one line for Claude Code's statusLine setting: route, model, TTFT, tokens of this session (reads Claude Code's JSON on stdin)")
		.addHelpText(
			'after',
			'\nClaude Code settings.json:\n  "statusLine": {"type": "command", "command": "ccr-tui statusline"}\n(`ccr-tui code` turns it on for the session it starts; `ccr-tui env` prints the snippet.)',
		)
		.action(async () => {
			const {runStatusline} = await import('./commands/statusline.js');
			process.exitCode = await runStatusline(program.opts<GlobalOptions>());
		});

	program
		.command('usage')
		.description('requests, errors, tokens, latency and estimated cost from the usage history')
		.option('--days <n>', 'how many days back (default 7; the history keeps 30 unless history.retentionDays says otherwise)')
		.option('--by <group>', 'group by route, model, provider, day or session (default model)')
		.option('--json', 'machine-readable output')
		.addHelpText('after', '\nExamples:\n  ccr-tui usage\n  ccr-tui usage --days 30 --by day\n  ccr-tui usage --by session --json')
		.action(async (flags: Record<string, unknown>) => {
			const {runUsage} = await import('./commands/usage.js');
			process.exitCode = await runUsage({...program.opts<GlobalOptions>(), ...flags});
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
				'Options for ccr-tui go before "code"; everything after it (--help included) goes to claude.\n' +
				'\nExamples:\n  ccr-tui code\n  ccr-tui code -p "explain this repo" --output-format json\n  ccr-tui --port 4000 code --resume',
		)
		.action(async (args: string[]) => {
			const {runCode, restoreDoubleDash} = await import('./commands/code.js');
			const rawArgs = (program as unknown as {rawArgs: string[]}).rawArgs;
			process.exitCode = await runCode({...program.opts<GlobalOptions>(), args: restoreDoubleDash(rawArgs, args)});
		});

	return program;
}

/**
 * Dashboard: the proxy and the Ink UI in one process. The proxy reports through the activity bus;
 * the UI changes routes through the config store. (Wired here and only here.) An invalid config
 * file does not stop the dashboard: it opens with a warning banner and serves the last valid config
 * (built-in defaults at start), so the user can see the problem and fix it while watching.
 */
async function runDashboard(options: GlobalOptions): Promise<number> {
	// React's development build (the default without NODE_ENV) keeps a stack trace and a
	// performance.measure() entry per render: ~95 KB retained per proxied request (bench/). Must be
	// set before react is first imported.
	process.env['NODE_ENV'] ??= 'production';
	// Loaded lazily: `--help` and the helper commands should not pay for React and Ink. No JSX in this
	// file: it would import react/jsx-runtime (and with it React's development build) at load time,
	// before NODE_ENV is set, and a development React under a production reconciler renders nothing.
	const [{ConfigStore}, {resolveConfigPath}, {ActivityBus}, {ActivityStore}, {startProxyThread}, {render}, {App}, {createElement}, {watchTerminal, detachLostTerminal}] =
		await Promise.all([
			import('./config/store.js'),
			import('./config/paths.js'),
			import('./activity/bus.js'),
			import('./activity/store.js'),
			import('./proxy/worker-client.js'),
			import('ink'),
			import('./ui/app.js'),
			import('react'),
			import('./ui/terminal-lost.js'),
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
	const cleanup = async (): Promise<void> => {
		activity.close();
		store.close();
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
		createElement(App, {store, activity, listenUrl: running.url, inFlight: () => activity.getSnapshot().inFlight.length, onQuit: () => running.close(), onStartDemo}),
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
	const commander = await import('commander');
	const {CommanderError} = commander;
	const program = buildProgram(commander);
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
