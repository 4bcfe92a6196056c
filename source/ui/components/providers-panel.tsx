import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {KeyStatus} from '../../activity/key-health.js';
import type {ProviderConfig} from '../../config/schema.js';
import {maskSecret} from '../../config/redact.js';
import {isEnvRef} from '../../config/env-refs.js';
import {keyStep, type ProviderTestState, type TestStep} from '../connection-tests.js';
import {formatDuration} from '../../text/format.js';
import {hostOf} from '../format.js';
import {useNow} from '../hooks/use-clock.js';
import {GLYPHS, spinnerFrame, useTheme, type StatusTone, type Theme} from '../theme.js';
import {KeyLines, PoolSummary, poolLines} from './key-health.js';
import {Panel} from './panel.js';

export type ProviderView = {
	readonly provider: ProviderConfig;
	/** `api_key` as written in the file (a `$ENV` reference is shown, never its value). */
	readonly rawKey: unknown;
	/** Per-key health of the pool (activity store). */
	readonly keys?: readonly KeyStatus[];
	readonly test?: ProviderTestState;
};

export type ProvidersPanelProps = {
	readonly providers: readonly ProviderView[];
	readonly selected: number;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	readonly number: number;
};

/** Frame lines (title + bottom border). */
const CHROME_LINES = 2;

/**
Lines one provider takes: name line, models line, and the selected one's pool keys and test steps.
When space is short (compact), the others keep only their name line.
*/
function providerLines(view: ProviderView, isSelected: boolean, compact = false): number {
	if (compact && !isSelected) return 1;
	if (!isSelected) return 2;
	return 2 + poolLines(view.provider) + (view.test ? Math.max(1, view.test.steps.length) : 0);
}

/** Lines the panel would like, so the layout can give it room. */
export function providersPanelWanted(providers: readonly ProviderView[], selected: number): number {
	if (providers.length === 0) return CHROME_LINES + 2;
	return CHROME_LINES + providers.reduce((sum, view, index) => sum + providerLines(view, index === selected), 0);
}

/** Providers with host, models, masked keys and key health, and the last connection test. */
export function ProvidersPanel({providers, selected, focused, width, height, number}: ProvidersPanelProps): ReactNode {
	const theme = useTheme();
	const inner = Math.max(0, height - CHROME_LINES);
	const compact = providersPanelWanted(providers, selected) - CHROME_LINES > inner;
	// Drop providers from the top until the selected one's block fits.
	let first = 0;
	const linesUpTo = (from: number): number => providers.slice(from, selected + 1).reduce((sum, view, offset) => sum + providerLines(view, from + offset === selected, compact), 0);
	while (first < selected && linesUpTo(first) > inner) first++;
	const note = providers.length > 0 ? `${providers.length}` : undefined;
	return (
		<Panel title={`${number} Providers`} note={note} focused={focused} width={width} height={height}>
			{providers.length === 0 ? (
				<Box flexDirection="column">
					<Text color={theme.muted} wrap="truncate-end">
						No providers yet.
					</Text>
					<Text color={theme.muted} wrap="truncate-end">
						Press g to add Gemini Balance, a for DeepSeek, Ollama, OpenRouter…
					</Text>
				</Box>
			) : (
				providers.slice(first).map((view, offset) => {
					const index = first + offset;
					return <ProviderBlock key={view.provider.name} view={view} isSelected={index === selected} focused={focused} compact={compact} />;
				})
			)}
		</Panel>
	);
}

type ProviderBlockProps = {readonly view: ProviderView; readonly isSelected: boolean; readonly focused: boolean; readonly compact: boolean};

function ProviderBlock({view, isSelected, focused, compact}: ProviderBlockProps): ReactNode {
	const theme = useTheme();
	const active = isSelected && focused;
	const {provider, test} = view;
	return (
		<Box flexDirection="column" flexShrink={0}>
			<Box height={1} flexShrink={0}>
				<Box width={2} flexShrink={0}>
					<Text color={theme.accent}>{active ? GLYPHS.pointer : ' '}</Text>
				</Box>
				<Box flexShrink={1} marginRight={1}>
					<Text bold color={active ? theme.accent : undefined} wrap="truncate-end">
						{provider.name}
					</Text>
				</Box>
				<Box flexShrink={2} flexGrow={1} flexBasis={0} marginRight={1}>
					<Text color={theme.muted} wrap="truncate-middle">
						{hostOf(provider.api_base_url)}
					</Text>
				</Box>
				<Box flexShrink={1} marginRight={1}>
					<KeySummary view={view} />
				</Box>
				<Box flexShrink={1}>
					<TestSummary test={test} />
				</Box>
			</Box>
			{compact && !isSelected ? null : (
				<Box height={1} flexShrink={0} paddingLeft={2}>
					<Text color={theme.muted} wrap="truncate-end">
						{provider.models.length > 0 ? `models: ${provider.models.join(', ')}` : 'models: none listed'}
					</Text>
				</Box>
			)}
			{isSelected ? <KeyLines provider={provider} statuses={view.keys} /> : null}
			{isSelected && test ? <TestSteps test={test} /> : null}
		</Box>
	);
}

function KeySummary({view}: {readonly view: ProviderView}): ReactNode {
	const theme = useTheme();
	if (poolLines(view.provider) > 0) return <PoolSummary provider={view.provider} statuses={view.keys} />;
	return (
		<Text color={theme.muted} wrap="truncate-end">
			{describeKeys(view.rawKey, view.provider.api_key)}
		</Text>
	);
}

/** `••••abcd`, `$GB_TOKEN`, `3 keys ••••abcd …` or `no key`; never a usable secret. */
function describeKeys(raw: unknown, resolved: ProviderConfig['api_key']): string {
	const rawList = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
	const resolvedList = Array.isArray(resolved) ? resolved : resolved === undefined ? [] : [resolved];
	const shown = resolvedList.map((value, index) => {
		const written = rawList[index];
		if (typeof written === 'string' && isEnvRef(written)) return written.trim();
		return value.trim() === '' ? 'empty key' : maskSecret(value);
	});
	if (shown.length === 0) return 'no key';
	if (shown.length === 1) return `key ${shown[0] ?? ''}`;
	return `${shown.length} keys ${shown.slice(0, 2).join(' ')}${shown.length > 2 ? ' …' : ''}`;
}

function testTone(status: ProviderTestState['status']): StatusTone {
	if (status === 'pass') return 'ok';
	if (status === 'warn') return 'warn';
	if (status === 'fail') return 'error';
	return 'live';
}

function TestSummary({test}: {readonly test?: ProviderTestState}): ReactNode {
	const theme = useTheme();
	if (!test) {
		return (
			<Text color={theme.muted} wrap="truncate-end">
				untested
			</Text>
		);
	}

	if (test.status === 'running') return <RunningSummary test={test} theme={theme} />;
	const tone = testTone(test.status);
	const word = test.status === 'pass' ? 'test passed' : test.status === 'warn' ? 'passed with warnings' : 'test failed';
	const total = test.finishedAt === undefined ? undefined : test.finishedAt - test.startedAt;
	const step = keyStep(test.steps);
	return (
		<Text color={theme[tone]} wrap="truncate-end">
			{`${tone === 'ok' ? GLYPHS.ok : tone === 'warn' ? GLYPHS.warn : GLYPHS.error} ${word}${total === undefined ? '' : ` ${formatDuration(total)}`}${step && test.status === 'fail' ? `: ${step.label}` : ''}`}
		</Text>
	);
}

function RunningSummary({test, theme}: {readonly test: ProviderTestState; readonly theme: Theme}): ReactNode {
	const now = useNow();
	return (
		<Text color={theme.live} wrap="truncate-end">
			{`${spinnerFrame(now)} testing ${formatDuration(now - test.startedAt)}`}
		</Text>
	);
}

function TestSteps({test}: {readonly test: ProviderTestState}): ReactNode {
	const theme = useTheme();
	if (test.steps.length === 0) {
		return (
			<Box height={1} paddingLeft={4}>
				<Text color={theme.muted}>starting…</Text>
			</Box>
		);
	}

	return (
		<Box flexDirection="column" paddingLeft={4}>
			{test.steps.map(step => (
				<StepLine key={step.id} step={step} />
			))}
		</Box>
	);
}

function StepLine({step}: {readonly step: TestStep}): ReactNode {
	const theme = useTheme();
	const tone = testTone(step.status);
	const extra = [step.durationMs === undefined ? '' : formatDuration(step.durationMs), step.detail ?? '', step.hint ? `→ ${step.hint}` : ''].filter(Boolean).join('  ');
	return (
		<Box height={1} flexShrink={0}>
			<Box width={2} flexShrink={0}>
				{step.status === 'running' ? <RunningGlyph /> : <Text color={theme[tone]}>{tone === 'ok' ? GLYPHS.ok : tone === 'warn' ? GLYPHS.warn : GLYPHS.error}</Text>}
			</Box>
			<Text wrap="truncate-end">
				{step.label}
				<Text color={theme.muted}>{extra ? `  ${extra}` : ''}</Text>
			</Text>
		</Box>
	);
}

function RunningGlyph(): ReactNode {
	const theme = useTheme();
	const now = useNow();
	return <Text color={theme.live}>{spinnerFrame(now)}</Text>;
}
