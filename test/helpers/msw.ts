import { syncBuiltinESMExports } from 'node:module';
import type { RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { localOnly } from '../../src/testing/index.js';

/**
 * One msw server for a test file: requests to unknown hosts fail the test, local WebSocket mocks pass through.
 * `syncBuiltinESMExports()` lets msw reach the plugins' ESM `import { request } from 'node:https'`.
 */
export function useMswServer(...handlers: RequestHandler[]) {
  const server = setupServer(...handlers);
  beforeAll(() => {
    server.listen({ onUnhandledFrame: localOnly });
    syncBuiltinESMExports();
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => {
    server.close();
    syncBuiltinESMExports();
  });
  return server;
}
