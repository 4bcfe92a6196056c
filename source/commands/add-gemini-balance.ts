// Placeholder until this command is built; see the issue that owns it.
export async function runAddGeminiBalance(options: Record<string, unknown>): Promise<number> {
	void options;
	process.stderr.write('ccr-tui: `add-gemini-balance` is not built yet\n');
	return 1;
}
