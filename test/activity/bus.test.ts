import {describe, expect, it} from 'vitest';
import {ActivityBus} from '../../source/activity/bus.js';
import type {ActivityEvent} from '../../source/activity/events.js';

const notice = (message: string): ActivityEvent => ({type: 'notice', at: 0, level: 'info', source: 'test', message});

describe('ActivityBus', () => {
	it('sync: listeners hear each event inside emit', () => {
		const bus = new ActivityBus();
		const heard: string[] = [];
		bus.on(event => heard.push(event.type === 'notice' ? event.message : event.type));
		bus.emit(notice('a'));
		expect(heard).toEqual(['a']);
	});

	it('after-io: nothing inside emit; then every event, in order, after the I/O of the turn', async () => {
		const bus = new ActivityBus({delivery: 'after-io'});
		const heard: string[] = [];
		bus.on(event => heard.push(event.type === 'notice' ? event.message : event.type));
		bus.emit(notice('a'));
		bus.emit(notice('b'));
		await Promise.resolve();
		expect(heard).toEqual([]);
		await new Promise(resolve => setImmediate(resolve));
		expect(heard).toEqual(['a', 'b']);
		bus.emit(notice('c'));
		await new Promise(resolve => setImmediate(resolve));
		expect(heard).toEqual(['a', 'b', 'c']);
	});

	it('after-io: flush() delivers what is queued at once, and only once', async () => {
		const bus = new ActivityBus({delivery: 'after-io'});
		const heard: string[] = [];
		bus.on(event => heard.push(event.type === 'notice' ? event.message : event.type));
		bus.emit(notice('last words'));
		bus.flush();
		expect(heard).toEqual(['last words']);
		await new Promise(resolve => setImmediate(resolve));
		expect(heard).toEqual(['last words']);
	});

	it("a listener's exception reaches neither the emitter nor the other listeners", () => {
		const bus = new ActivityBus();
		const heard: string[] = [];
		bus.on(() => {
			throw new Error('observer bug');
		});
		bus.on(event => heard.push(event.type));
		expect(() => bus.emit(notice('x'))).not.toThrow();
		expect(heard).toEqual(['notice']);
	});
});
