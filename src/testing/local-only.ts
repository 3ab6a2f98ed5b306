/**
 * msw's unhandled-request policy for tests that also run local WebSocket mocks: requests to 127.0.0.1 or localhost
 * pass through (the plugins' `ws` clients reach real local servers), anything else fails the test.
 *
 * @example
 * server.listen({ onUnhandledRequest: localOnly });          // msw 2
 * server.listen({ onUnhandledFrame: ({ frame, defaults }) => localOnly(frame.data.request, defaults) }); // msw 3
 */
export function localOnly(request: { url: string } | undefined, print: { error(): void }): void {
  const host = new URL(request?.url ?? 'http://unknown').hostname;
  if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return;
  print.error();
}
