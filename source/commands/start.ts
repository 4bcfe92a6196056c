// Placeholder until this command is built; see the issue that owns it.
export async function runStart(options: Record<string, unknown>): Promise<number> {
	void options;
	process.stderr.write('ccr-tui: `start` is not built yet\n');
	return 1;
}
