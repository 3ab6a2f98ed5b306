import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initializeLogger, loggerOptions } from '@livekit/agents';
import { afterAll, beforeEach } from 'vitest';

// LiveKit's constructors need its logger outside `cli.runApp`; keep test output quiet.
if (!loggerOptions()) initializeLogger({ pretty: false, level: process.env.LOG_LEVEL ?? 'silent' });

// The default machine store is shared by every process of the machine: each test gets its own directory, so that
// tests, runs (and other checkouts on the machine) never see each other's cooldowns, cache or modes. A stack built in
// a `beforeAll` keeps the directory it was built with.
const root = join(tmpdir(), 'lvs-test-state');
mkdirSync(root, { recursive: true });
const dirs: string[] = [];
const freshStateDir = () => {
  const dir = mkdtempSync(join(root, 'run-'));
  dirs.push(dir);
  process.env.LIVEKIT_VOICE_STACK_STATE_DIR = dir;
};
freshStateDir();
beforeEach(freshStateDir);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
