import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		environment: 'node',
		// Hang guards, not budgets: a CPU-heavy test on a machine whose cores are busy can take several times longer.
		testTimeout: 60_000,
		hookTimeout: 60_000,
		pool: 'forks',
	},
});
