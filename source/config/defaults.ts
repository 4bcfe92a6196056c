/** Where the proxy listens unless HOST/PORT or flags say otherwise (no imports: the status line reads these). */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 3456;
