/**
 * The providers panel's per-key health of a pool: a one-line summary on the provider's name line
 * and, for the selected provider, one line per key (ok / cooling until HH:MM:SS and why / disabled /
 * untested, with the last error). The states come from the activity store (the proxy's `key:*`
 * events), matched to the configured keys by position and masked label.
 */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {type KeyStatus, troubleWords} from '../../activity/key-health.js';
import {providerKeys} from '../../config/provider-keys.js';
import {maskSecret} from '../../config/redact.js';
import type {ProviderConfig} from '../../config/schema.js';
import {formatClockTime} from '../format.js';
import {useNow} from '../hooks/use-clock.js';
import {type StatusTone, useTheme} from '../theme.js';

/** The pool's keys with their health; empty for a provider with fewer than two keys (never rested). */
function poolHealth(provider: Pick<ProviderConfig, 'api_key'>, statuses: readonly KeyStatus[] | undefined, now: number): KeyStatus[] {
	const keys = providerKeys(provider);
	if (keys.length < 2) return [];
	return keys.map((key, index) => {
		const label = maskSecret(key);
		const known = statuses?.[index];
		if (!known || known.label !== label) return {index, label, state: 'untested'};
		// A rest that has run out is over, whether or not a request has picked the key since.
		if (known.state === 'cooling' && (known.until ?? 0) <= now) return {index, label, state: 'ok', ...(known.lastError ? {lastError: known.lastError} : {})};
		return known;
	});
}

const TONES: Readonly<Record<KeyStatus['state'], StatusTone>> = {ok: 'ok', cooling: 'warn', disabled: 'error', untested: 'muted'};

type PoolProps = {readonly provider: Pick<ProviderConfig, 'api_key'>; readonly statuses: readonly KeyStatus[] | undefined};

/** Lines the selected provider's key list takes (no line for a single key). */
export function poolLines(provider: Pick<ProviderConfig, 'api_key'>): number {
	const count = providerKeys(provider).length;
	return count < 2 ? 0 : count;
}

/** `3 keys: 1 ok · 1 cooling · 1 disabled` (untested keys are not counted: the key lines show them). */
export function PoolSummary({provider, statuses}: PoolProps): ReactNode {
	const theme = useTheme();
	const keys = poolHealth(provider, statuses, useNow());
	const counts = (['ok', 'cooling', 'disabled'] as const).map(state => ({state, count: keys.filter(key => key.state === state).length})).filter(entry => entry.count > 0);
	return (
		<Text wrap="truncate-end">
			<Text color={theme.muted}>{`${keys.length} keys${counts.length > 0 ? ': ' : ''}`}</Text>
			{counts.map((entry, at) => (
				<Text key={entry.state} color={theme[TONES[entry.state]]}>{`${at > 0 ? ' · ' : ''}${entry.count} ${entry.state}`}</Text>
			))}
		</Text>
	);
}

/** One line per key of the selected provider's pool. */
export function KeyLines({provider, statuses}: PoolProps): ReactNode {
	const keys = poolHealth(provider, statuses, useNow());
	return (
		<Box flexDirection="column" paddingLeft={2}>
			{keys.map(key => (
				<KeyLine key={`${key.index}-${key.label}`} status={key} />
			))}
		</Box>
	);
}

function KeyLine({status}: {readonly status: KeyStatus}): ReactNode {
	const theme = useTheme();
	return (
		<Box height={1} flexShrink={0}>
			<Text wrap="truncate-end">
				<Text color={theme.muted}>{`key ${status.index + 1} ${status.label}  `}</Text>
				<Text color={theme[TONES[status.state]]}>{describeKeyState(status)}</Text>
				<Text color={theme.muted}>{describeLastError(status)}</Text>
			</Text>
		</Box>
	);
}

/** `cooling until 06:31:07 (429 rate limited)`, `disabled (401 rejected)`, `ok`, `untested`. */
function describeKeyState(status: KeyStatus): string {
	const why = troubleWords(status.reason, status.status);
	if (status.state === 'cooling') return `cooling until ${formatClockTime(status.until ?? 0)}${why ? ` (${why})` : ''}`;
	if (status.state === 'disabled') return `disabled${why ? ` (${why})` : ''}`;
	return status.state;
}

function describeLastError(status: KeyStatus): string {
	const error = status.lastError;
	if (!error) return '';
	return `  last error ${formatClockTime(error.at)}${error.status === undefined ? '' : ` ${error.status}`}: ${error.message}`;
}
