import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerErrorBody } from '../../src/testing/index.js';
import { useRedisServer } from '../helpers/redis-server.js';
import { useTempDirs } from '../helpers/state.js';

// Each call runs in a process of its own, as LiveKit runs them: a cooldown one call sets must spare the next call,
// in another process, its first request to the rate-limited model. msw in this process cannot see a child's requests,
// so the provider is a real HTTP server on 127.0.0.1 that counts the requests per path.
const worker = new URL('./processes/call-worker.ts', import.meta.url).pathname;
const tempDir = useTempDirs('lvs-cooldown-');

const BACKUP_REPLY = 'Answer from the backup.';
let server: Server;
let base: string;
const requests = new Map<string, number>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '';
    requests.set(path, (requests.get(path) ?? 0) + 1);
    request.resume();
    request.once('end', () => {
      if (path.startsWith('/primary/')) {
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' });
        response.end(JSON.stringify(providerErrorBody('openai', { status: 429, code: 'rate_limit_exceeded' })));
        return;
      }
      // An OpenAI chat completion stream (chat completion chunks, then [DONE]).
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-backup', object: 'chat.completion.chunk', created: 0, model: 'backup-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.end(chunk({ role: 'assistant', content: BACKUP_REPLY }, null) + chunk({}, 'stop') + 'data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

interface CallResult {
  text: string;
  answeredBy: string[];
}

/** Runs one call (one turn) in a new Node process; `stateDir` is its machine store's directory. */
function runCall(stateDir: string, redisURL?: string): Promise<CallResult> {
  const args = [`${base}/primary/v1`, `${base}/backup/v1`, ...(redisURL ? [redisURL] : [])];
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LIVEKIT_VOICE_STACK_STATE_DIR: stateDir },
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (errors += chunk));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as CallResult);
      } catch {
        reject(new Error(`The call process exited with ${code} and no result.\nstdout: ${output}\nstderr: ${errors}`));
      }
    }),
  );
}

const primary = () => requests.get('/primary/v1/chat/completions') ?? 0;
const backup = () => requests.get('/backup/v1/chat/completions') ?? 0;

describe('a cooldown across call processes', () => {
  it('spares the next call on the machine its request to the rate-limited model (machine store)', { timeout: 120_000 }, async () => {
    requests.clear();
    const stateDir = tempDir();

    const first = await runCall(stateDir);
    expect(first.text).toBe(BACKUP_REPLY);
    expect([primary(), backup()]).toEqual([1, 1]); // 429 from the primary, then the backup answered

    const second = await runCall(stateDir);
    expect(second.text).toBe(BACKUP_REPLY);
    expect(second.answeredBy).toEqual(['openai-compatible/backup-model']);
    expect([primary(), backup()]).toEqual([1, 2]); // the primary was cooling: not asked again
  });

  describe('through a real Redis', () => {
    const redis = useRedisServer();

    it('spares the next call on another machine (separate machine-store directories)', { timeout: 120_000 }, async () => {
      requests.clear();
      const first = await runCall(tempDir(), redis.url);
      expect(first.text).toBe(BACKUP_REPLY);
      expect([primary(), backup()]).toEqual([1, 1]);

      const second = await runCall(tempDir(), redis.url);
      expect(second.text).toBe(BACKUP_REPLY);
      expect(second.answeredBy).toEqual(['openai-compatible/backup-model']);
      expect([primary(), backup()]).toEqual([1, 2]);
    });
  });
});
