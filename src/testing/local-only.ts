type Defaults = { error(): void };

/**
 * msw's policy for unhandled requests in tests that also run local WebSocket mocks: requests to 127.0.0.1 or
 * localhost pass through (the plugins' `ws` clients reach real local servers); anything else fails the test.
 * Works with msw 3's `onUnhandledFrame` and msw 2's `onUnhandledRequest`.
 *
 * @example
 * server.listen({ onUnhandledFrame: localOnly }); // msw 3
 * server.listen({ onUnhandledRequest: localOnly }); // msw 2
 */
export function localOnly(...args: [{ frame: { data: unknown }; defaults: Defaults }] | [request: { url: string }, print: Defaults]): void {
  const [first, print] = args;
  const isFrame = 'frame' in first;
  const url = isFrame ? frameURL(first.frame.data) : first.url;
  const host = new URL(url ?? 'http://unknown').hostname;
  if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return;
  (isFrame ? first.defaults : print!).error();
}

/** The URL of an HTTP frame (`data.request`) or a WebSocket frame (`data.connection.client`). */
function frameURL(data: unknown): string | undefined {
  const frame = data as { request?: { url?: string }; connection?: { client?: { url?: URL | string } } } | undefined;
  const url = frame?.request?.url ?? frame?.connection?.client?.url;
  return url === undefined ? undefined : String(url);
}
