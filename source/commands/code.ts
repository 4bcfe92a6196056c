// Placeholder until this command is built; see the issue that owns it.
export async function runCode(options: Record<string, unknown>): Promise<number> {
	void options;
	process.stderr.write('ccr-tui: `code` is not built yet\n');
	return 1;
}
