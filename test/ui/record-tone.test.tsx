import {Box} from 'ink';
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import type {RequestRecord} from '../../source/activity/store.js';
import {FinishedRow} from '../../source/ui/components/activity-row.js';
import {ACTIVITY_TARGET_GAP, ACTIVITY_WIDTH, activityColumns} from '../../source/ui/layout.js';
import {RequestDetail} from '../../source/ui/screens/request-detail.js';
import {GLYPHS, recordTone} from '../../source/ui/theme.js';

const record = (extra: Partial<RequestRecord>): RequestRecord => ({
	id: 'req_0000000000tone01',
	startedAt: 1_000,
	scenario: 'default',
	reason: 'Router.default',
	provider: 'fake',
	model: 'up-model',
	requestedModel: 'claude-sonnet',
	stream: true,
	upstreamHost: '127.0.0.1:1',
	inputTokens: 10,
	state: 'error',
	outputTokens: 0,
	bytes: 0,
	durationMs: 1200,
	errorType: 'cancelled',
	errorMessage: 'the client went away',
	attempts: [],
	...extra,
});

const all = {id: true, scenario: true, ttft: true, input: true, stop: true};

function glyphs(frame: string | undefined): string[] {
	return [GLYPHS.ok, GLYPHS.warn, GLYPHS.error].filter(glyph => frame?.includes(glyph));
}

describe("a record's tone: one rule for its row and its detail", () => {
	test.each([
		['an error without a status (cancelled)', record({}), 'error', GLYPHS.error],
		['an error after a 200 (broken stream)', record({status: 200}), 'error', GLYPHS.error],
		['a 429', record({status: 429, errorType: 'rate_limit_error'}), 'warn', GLYPHS.warn],
		['a 502', record({status: 502, errorType: 'api_error'}), 'error', GLYPHS.error],
		['an answer', record({state: 'done', status: 200, errorType: undefined, errorMessage: undefined}), 'ok', GLYPHS.ok],
	])('%s', (_name, item, tone, glyph) => {
		expect(recordTone(item)).toBe(tone);
		const row = render(<FinishedRow record={item} selected={false} columns={all} />);
		const detail = render(<RequestDetail requestId={item.id} record={item} width={100} height={20} />);
		expect(glyphs(row.lastFrame())).toStrictEqual([glyph]);
		expect(glyphs(detail.lastFrame())).toStrictEqual([glyph]);
		row.unmount();
		detail.unmount();
	});
});

describe('activity column widths: the layout counts what the row draws', () => {
	test('at exactly the width that fits every column, a row is that wide and its provider,model keeps its room', () => {
		// The narrowest width at which every optional column is shown.
		let width = 40;
		while (!Object.values(activityColumns(width)).every(Boolean)) width++;
		const fixed = ACTIVITY_WIDTH.pointer + ACTIVITY_WIDTH.status + ACTIVITY_WIDTH.time + ACTIVITY_WIDTH.output + ACTIVITY_TARGET_GAP;
		const optional = ACTIVITY_WIDTH.id + ACTIVITY_WIDTH.scenario + ACTIVITY_WIDTH.ttft + ACTIVITY_WIDTH.input + ACTIVITY_WIDTH.stop;
		expect(width).toBe(fixed + optional + 20);
		const item = record({state: 'done', status: 200, stopReason: 'end_turn', provider: 'p'.repeat(10), model: 'm'.repeat(9), errorType: undefined, errorMessage: undefined});
		const row = render(
			<Box width={width} flexDirection="column">
				<FinishedRow record={item} selected={false} columns={activityColumns(width)} />
			</Box>,
		);
		const line = row.lastFrame()?.split('\n')[0] ?? '';
		// 20 characters of provider,model fit untruncated next to every column, and the stop reason is not cut.
		expect(line).toContain('end_turn');
		expect(line).toContain(`${'p'.repeat(10)},${'m'.repeat(9)}`);
		row.unmount();
	});
});
