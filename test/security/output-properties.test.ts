import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, createProviderResolver } from '../../src/index.js';
import { closedPort } from '../helpers/closed-port.js';
import { useMswServer } from '../helpers/msw.js';
import { recordingLogger } from '../helpers/recorders.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

// What users see when a key sits somewhere unexpected: the CLI's output and the resolver's logs and errors.
// Few runs: each one runs the CLI or a backend request; the parsers' properties run more cases elsewhere.

/** A key as providers issue them: letters, digits, `-` and `_`, 16 to 48 characters. */
const secret = fc.stringMatching(/^[A-Za-z0-9_-]{16,48}$/);
const queryName = fc.constantFrom('key', 'api_key', 'token', 'sig');
const headerName = fc.constantFrom('x-api-key', 'api-key', 'xi-api-key', 'Authorization');

let dir: string;
let port: number;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvs-output-properties-'));
  port = await closedPort();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A config file whose LLM entry carries `value` as its key, in its URL's credentials and query, and in a header. */
async function configFile(value: string, query: string, header: string, baseHost: string): Promise<string> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(
    file,
    JSON.stringify({
      llm: {
        provider: 'openai-compatible',
        model: 'm',
        apiKey: value,
        baseURL: `http://alice:${value}@${baseHost}/v1?${query}=${value}`,
        headers: { [header]: value },
      },
    }),
  );
  return file;
}

describe('a generated key never reaches the CLI output', () => {
  it('`config`', async () => {
    await fc.assert(
      fc.asyncProperty(secret, queryName, headerName, async (value, query, header) => {
        const result = await runCliInProcess(['config', '--config', await configFile(value, query, header, 'llm.acme.test')]);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain('llm.acme.test');
        expect(result.stdout + result.stderr).not.toContain(value);
      }),
      { numRuns: 25 },
    );
  });

  it('`doctor`, whose HTTP client quotes the URL it failed to reach', async () => {
    await fc.assert(
      fc.asyncProperty(secret, queryName, headerName, async (value, query, header) => {
        const file = await configFile(value, query, header, `127.0.0.1:${port}`);
        const result = await runCliInProcess(['doctor', '--config', file, '--timeout', '3000', '--json']);
        expect(result.code).toBe(1);
        expect(result.stdout).toContain(`127.0.0.1:${port}`);
        expect(result.stdout + result.stderr).not.toContain(value);
      }),
      { numRuns: 8 },
    );
  });
});

describe("a generated key never reaches the resolver's logs or errors", () => {
  // The backend echoes the request's Authorization header in its error body, as some proxies do.
  const echo = http.get('https://echo.backend.test/api/providers/organization/enabled', ({ request }) =>
    HttpResponse.text(`upstream failed for ${request.headers.get('authorization')}`, { status: 500 }),
  );
  useMswServer(echo);

  it('when the backend is down, or answers with the key in its error body', async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.boolean(), async (value, down) => {
        const logger = recordingLogger();
        const resolver = createProviderResolver({
          url: down ? `http://127.0.0.1:${port}` : 'https://echo.backend.test',
          apiKey: value,
          envFallback: false,
          timeoutMs: 3000,
          logger,
          store: createMemoryStore(),
        });
        const error = await resolver.resolve('acme').then(
          () => undefined,
          (caught: unknown) => caught as Error,
        );
        expect(error?.message).toMatch(/^Failed to /);
        expect(`${error?.message}\n${logger.lines.join('\n')}`).not.toContain(value);
      }),
      { numRuns: 10 },
    );
  });
});
