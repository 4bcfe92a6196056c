import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../source/ui/app.js';
import {answer, startSse, streamChunks, writeChunk, writeDone, type FakeUpstreamHandler} from '../fakes/openai-upstream.js';
import {keys} from '../helpers/keys.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';
import {settle, waitFor, waitForText} from '../helpers/wait-for.js';

let harness: Harness | undefined;
let unmount: (() => void) | undefined;

afterEach(async () => {
	unmount?.();
	unmount = undefined;
	await harness?.close();
	harness = undefined;
});

describe('route reassignment end to end', () => {
	it('reassigning default with the keys makes the very next request use the new model, without disturbing one in flight', async () => {
		let release: (() => void) | undefined;
		const gate = new Promise<void>(resolve => {
			release = resolve;
		});
		// The first (streamed) request is held open mid-answer until the test releases it.
		const upstream: FakeUpstreamHandler = async (req, res) => {
			if (req.body?.stream) {
				const chunks = streamChunks(req, {text: 'the first answer, streamed'});
				startSse(res);
				for (const chunk of chunks.slice(0, 2)) writeChunk(res, chunk);
				await gate;
				for (const chunk of chunks.slice(2)) writeChunk(res, chunk);
				writeDone(res);
				return;
			}

			await answer({text: 'the second answer'})(req, res);
		};

		harness = await startHarness({upstream});
		const h = harness;
		const ui = render(<App store={h.store} activity={h.activity} listenUrl={h.proxyUrl} env={{}} />);
		unmount = ui.unmount;
		const press = async (name: keyof typeof keys): Promise<void> => {
			await settle();
			ui.stdin.write(keys[name]);
			await settle();
		};

		await waitForText(ui.lastFrame, /❯ default\s+fake,up-model/);

		// A request in flight on the old route.
		const first = h.client.messages.stream({model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{role: 'user', content: 'first'}]});
		const firstText = first.finalText();
		await waitForText(ui.lastFrame, /live .*fake,up-model/);

		// Reassign default → fake,other-model with the keys.
		await press('enter');
		await waitForText(ui.lastFrame, /❯ fake,up-model {2}\(current\)/);
		await press('down');
		await waitForText(ui.lastFrame, /❯ fake,other-model/);
		await press('enter');
		await waitForText(ui.lastFrame, 'default → fake,other-model saved');
		await waitForText(ui.lastFrame, /❯ default\s+fake,other-model/);

		// The very next request goes to the new model.
		const second = await h.client.messages.create({model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{role: 'user', content: 'second'}]});
		expect(second.content[0]).toMatchObject({type: 'text', text: 'the second answer'});
		expect(h.upstreamRequests.map(request => request.body?.model)).toEqual(['up-model', 'other-model']);

		// The one in flight finishes normally, on the model it started with.
		release?.();
		expect(await firstText).toBe('the first answer, streamed');
		await waitFor(() => h.activity.getSnapshot().inFlight.length === 0);
		const frame = await waitForText(ui.lastFrame, /✔ 200 .*fake,up-model/);
		expect(frame).toMatch(/✔ 200 .*fake,other-model/);
		expect(frame).toMatch(/default\s+fake,other-model\s+2/);
	});
});
