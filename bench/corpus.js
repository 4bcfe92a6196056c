/**
 * Request corpus shaped like Claude Code's real traffic (translation spec §4.3): a 3-block system
 * prompt with cache_control, ~20 tools with JSON schemas ($schema, additionalProperties:false),
 * a history of user turns with <system-reminder> text, assistant turns with thinking + text +
 * tool_use, user turns with tool_result (string and block content), one base64 PNG, and a
 * realistic sprinkle of non-ASCII text.
 * Deterministic (seeded), so every run and every target sends the same bytes.
 *
 *   buildBody(size, {model, stream}) → Buffer   size: '10k' | '100k' | '1m' (or a byte count)
 *   node bench/corpus.js                          prints the sizes and block counts
 */
import {deflateSync, crc32} from 'node:zlib';
import {pathToFileURL} from 'node:url';

export const SIZES = {'10k': 10 * 1024, '100k': 100 * 1024, '1m': 1024 * 1024};

/** Small seeded PRNG (mulberry32): same corpus on every machine. */
function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const VOCAB = [
	'const',
	'return',
	'function',
	'import',
	'export',
	'await',
	'router',
	'provider',
	'stream',
	'config',
	'request',
	'response',
	'translate',
	'event',
	'index',
	'model',
	'tokens',
	'buffer',
	'handler',
	'error',
	'if',
	'else',
	'for',
	'of',
	'new',
	'Map',
	'string',
	'number',
	'value',
	'this',
	'the',
	'a',
	'to',
	'and',
];
/**
 * Non-ASCII is sprinkled in (about one word in 300, ~0.2 % of the bytes, like the ✓/⎿/— of Claude Code
 * transcripts): it exercises the UTF-8 paths, but density matters a lot to V8 — at 5 % non-ASCII
 * bytes, decoding and encoding a 1 MB body cost ~10× more than at this realistic rate.
 */
const UNICODE = ['résumé', '⎿', '✓', '—', '日本語', '→', '…', '✅'];

function text(random, words) {
	let out = '';
	for (let i = 0; i < words; i++) {
		const pick = random();
		out += pick < 1 / 300 ? UNICODE[Math.floor(pick * 300 * UNICODE.length)] : VOCAB[Math.floor(random() * VOCAB.length)];
		out += i % 12 === 11 ? '\n' : ' ';
	}

	return out;
}

function code(random, lines) {
	let out = '';
	for (let i = 0; i < lines; i++) out += `${String(i + 1).padStart(6)}\t${'\t'.repeat(i % 3)}${text(random, 6 + Math.floor(random() * 8)).replaceAll('\n', ' ')}\n`;
	return out;
}

/** A real PNG of noise (noise does not compress, so bytes ≈ width × height × 3). */
function png(random, bytes) {
	const side = Math.max(1, Math.round(Math.sqrt(bytes / 3)));
	const raw = Buffer.alloc((side * 3 + 1) * side);
	for (let i = 0; i < raw.length; i++) raw[i] = i % (side * 3 + 1) === 0 ? 0 : Math.floor(random() * 256);
	const chunk = (type, data) => {
		const length = Buffer.alloc(4);
		length.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(body));
		return Buffer.concat([length, body, crc]);
	};

	const header = Buffer.alloc(13);
	header.writeUInt32BE(side, 0);
	header.writeUInt32BE(side, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // RGB
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw, {level: 0})),
		chunk('IEND', Buffer.alloc(0)),
	]).toString('base64');
}

const TOOL_NAMES = [
	'Task',
	'Bash',
	'Glob',
	'Grep',
	'LS',
	'ExitPlanMode',
	'Read',
	'Edit',
	'MultiEdit',
	'Write',
	'NotebookEdit',
	'WebFetch',
	'TodoWrite',
	'WebSearch',
	'BashOutput',
	'KillShell',
	'SlashCommand',
	'mcp__github__create_issue',
	'mcp__github__search_code',
	'mcp__filesystem__read_multiple_files',
];

function tools(random, descriptionWords, propertyWords) {
	return TOOL_NAMES.map((name, i) => {
		const properties = {};
		const required = [];
		const count = 2 + (i % 3);
		for (let p = 0; p < count; p++) {
			const key = ['command', 'file_path', 'pattern', 'description', 'timeout', 'path', 'content', 'old_string', 'new_string', 'todos'][(i + p) % 10];
			properties[key] =
				key === 'timeout'
					? {type: 'number', description: text(random, propertyWords)}
					: key === 'todos'
						? {
								type: 'array',
								items: {
									type: 'object',
									properties: {content: {type: 'string', minLength: 1}, status: {type: 'string', enum: ['pending', 'in_progress', 'completed']}},
									required: ['content', 'status'],
									additionalProperties: false,
								},
							}
						: {type: 'string', description: text(random, propertyWords)};
			if (p < 2) required.push(key);
		}

		const tool = {
			name,
			description: text(random, descriptionWords),
			input_schema: {type: 'object', properties, required, additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#'},
		};
		if (i === TOOL_NAMES.length - 1) tool.cache_control = {type: 'ephemeral'};
		return tool;
	});
}

/** One exchange: assistant thinking + text + tool_use, then the user's tool_result. */
function exchange(random, n, resultLines) {
	const id = `toolu_bench${String(n).padStart(6, '0')}`;
	const tool = ['Read', 'Bash', 'Grep', 'Edit'][n % 4];
	const input =
		tool === 'Bash'
			? {command: 'npm test -- --run', description: 'run the tests'}
			: tool === 'Grep'
				? {pattern: 'startProxy', path: 'source'}
				: {file_path: `/work/src/module-${n}.ts`};
	const assistant = {
		role: 'assistant',
		content: [
			...(n % 3 === 0 ? [{type: 'thinking', thinking: text(random, 30), signature: `sig${n}`}] : []),
			{type: 'text', text: text(random, 12)},
			{type: 'tool_use', id, name: tool, input},
		],
	};
	const content = n % 2 === 0 ? code(random, resultLines) : [{type: 'text', text: code(random, resultLines)}];
	const user = {
		role: 'user',
		content: [{type: 'tool_result', tool_use_id: id, content}, ...(n % 5 === 4 ? [{type: 'text', text: `<system-reminder>\n${text(random, 20)}\n</system-reminder>`}] : [])],
	};
	return [assistant, user];
}

/**
 * Build the body object for a target byte size. The shape scales like a real session: the fixed
 * part (system + tools) stays the same, history and the image grow.
 */
export function buildRequest(size, {model = 'mock,bench', stream = false} = {}) {
	const target = typeof size === 'number' ? size : SIZES[size];
	if (!target) throw new Error(`corpus: unknown size ${size}`);
	const random = prng(0xc0ffee + target);
	const small = target < 50_000;
	const system = [
		{type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.0; cc_entrypoint=cli'},
		{type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: {type: 'ephemeral'}},
		{type: 'text', text: text(random, small ? 40 : 1200), cache_control: {type: 'ephemeral'}},
	];
	const imageBytes = Math.round(target * (small ? 0.02 : 0.15));
	const first = {
		role: 'user',
		content: [
			{type: 'text', text: `<system-reminder>\n${text(random, small ? 8 : 120)}\n</system-reminder>`},
			{type: 'text', text: 'Look at this screenshot and fix the failing test.'},
			{type: 'image', source: {type: 'base64', media_type: 'image/png', data: png(random, imageBytes)}},
		],
	};
	const body = {
		model,
		max_tokens: 32_000,
		system,
		messages: [first],
		tools: tools(random, small ? 2 : 40, small ? 1 : 8),
		metadata: {user_id: 'user_bench_account__session_0000'},
		thinking: {type: 'enabled', budget_tokens: 8000},
		temperature: 1,
		stream,
	};
	const final = {role: 'user', content: [{type: 'text', text: 'Now run the tests again.'}]};
	const lines = small ? 1 : 40;
	let n = 0;
	// Grow the history until the serialised body reaches the target (±1 exchange).
	for (let size = Buffer.byteLength(JSON.stringify(body)); (n === 0 || size < target - 400) && n < 10_000; n++) {
		const turn = exchange(random, n, lines);
		body.messages.push(...turn);
		size += Buffer.byteLength(JSON.stringify(turn)) + 2;
	}

	body.messages.push(final);
	return body;
}

/** Serialised body, ready to send. */
export function buildBody(size, options) {
	return Buffer.from(JSON.stringify(buildRequest(size, options)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	for (const size of Object.keys(SIZES)) {
		for (const stream of [false, true]) {
			const request = buildRequest(size, {stream});
			const bytes = Buffer.byteLength(JSON.stringify(request));
			const blocks = request.messages.flatMap(message => (Array.isArray(message.content) ? message.content : []));
			const count = type => blocks.filter(block => block.type === type).length;
			process.stdout.write(
				`${size.padEnd(5)} stream=${String(stream).padEnd(5)} ${String(bytes).padStart(8)} B  messages=${request.messages.length} tools=${request.tools.length} tool_use=${count('tool_use')} tool_result=${count('tool_result')} thinking=${count('thinking')} image=${count('image')}\n`,
			);
		}
	}
}
