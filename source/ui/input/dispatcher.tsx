/**
 * The one input dispatcher: a single Ink `useInput` for the whole app. Screens register a layer
 * (its live keymap contexts and a handler); a key is resolved against the top layer first and
 * goes down only when the handler says it did not consume it. A layer rendered outside any
 * dispatcher (a screen on its own, in a test or a one-screen app) dispatches for itself. So a key that closes a screen can
 * never also act on the screen below, and a step's own keys win over text editing by table order.
 */
import {useInput, type Key} from 'ink';
import {createContext, useContext, useEffect, useMemo, useRef, type ReactNode} from 'react';
import {type CommandId, type KeyContext, NO_KEY, resolveCommand} from '../keymap.js';

/** Returns true when the command was used; false lets the layer below try. */
export type CommandHandler = (command: CommandId, input: string, key: Key) => boolean;

type Layer = {readonly priority: number; contexts: () => readonly KeyContext[]; handle: CommandHandler};

type Registry = {add(layer: Layer): () => void};

const DispatcherContext = createContext<Registry | undefined>(undefined);

/** Layer priorities: the app shell below screens, screens below what a screen opens on top. */
export const LAYER = {app: 0, screen: 10, overlay: 20} as const;

/** The Enter between the lines of a multi-line paste. */
const RETURN_KEY: Key = {...NO_KEY, return: true};

function dispatchOne(layers: readonly Layer[], input: string, key: Key): void {
	for (const layer of layers) {
		const command = resolveCommand(layer.contexts(), input, key);
		if (command && layer.handle(command, input, key)) return;
	}
}

function dispatchKey(layers: readonly Layer[], input: string, key: Key): void {
	// A paste (or keys sent together) that ends a line: type the text, then press Enter.
	const parts = input.length > 1 && !key.ctrl && !key.meta ? input.split(/\r\n|\r|\n/) : [input];
	parts.forEach((part, index) => {
		if (part !== '' || parts.length === 1) dispatchOne(layers, part, parts.length === 1 ? key : {...key, return: false});
		if (index < parts.length - 1) dispatchOne(layers, '\r', RETURN_KEY);
	});
}

export function InputDispatcher({children, active = true}: {readonly children: ReactNode; readonly active?: boolean}): ReactNode {
	const layers = useRef<Layer[]>([]);
	const registry = useMemo<Registry>(
		() => ({
			add(layer) {
				layers.current = [...layers.current, layer].sort((a, b) => b.priority - a.priority);
				return () => {
					layers.current = layers.current.filter(item => item !== layer);
				};
			},
		}),
		[],
	);
	useInput((input, key) => dispatchKey(layers.current, input, key), {isActive: active});
	return <DispatcherContext.Provider value={registry}>{children}</DispatcherContext.Provider>;
}

/**
 * Register a layer for the component's lifetime. `contexts` and `handle` are read at key time
 * (latest render's), so handlers always see current props.
 */
export function useCommands(priority: number, contexts: readonly KeyContext[] | (() => readonly KeyContext[]), handle: CommandHandler): void {
	const registry = useContext(DispatcherContext);
	const latest = useRef({contexts, handle});
	latest.current = {contexts, handle};
	const layer = useMemo<Layer>(
		() => ({
			priority,
			contexts: () => {
				const value = latest.current.contexts;
				return typeof value === 'function' ? value() : value;
			},
			handle: (command, input, key) => latest.current.handle(command, input, key),
		}),
		[priority],
	);
	useEffect(() => registry?.add(layer), [registry, layer]);
	// Outside any dispatcher (a screen rendered on its own): this layer is the whole dispatcher.
	useInput((input, key) => dispatchKey([layer], input, key), {isActive: !registry});
}
