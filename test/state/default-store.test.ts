import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultStore } from '../../src/state/default-store.js';
import { recordingLogger } from '../helpers/recorders.js';

// Under a test runner, the default store is a memory store per test file, even when files share a worker (vitest's
// `isolate: false`); an explicitly set state directory keeps selecting the machine store (processes a test spawns
// share state through it).
const worker = (globalThis as unknown as { __vitest_worker__: { filepath?: string } }).__vitest_worker__;
let saved: { dir: string | undefined; file: string | undefined };
beforeEach(() => {
  saved = { dir: process.env.LIVEKIT_VOICE_STACK_STATE_DIR, file: worker.filepath };
  delete process.env.LIVEKIT_VOICE_STACK_STATE_DIR;
});
afterEach(() => {
  process.env.LIVEKIT_VOICE_STACK_STATE_DIR = saved.dir;
  worker.filepath = saved.file;
});

describe('the default store under a test runner', () => {
  it('is a memory store of this test file, said once at debug level', async () => {
    const logger = recordingLogger();
    const store = defaultStore(logger);
    expect(store.kind).toBe('memory');
    expect(defaultStore(logger)).toBe(store);
    await store.set('fleet:option:llm:a', { until: Date.now() + 30_000 }, 30_000);
    expect(logger.entries.filter((entry) => entry.level !== 'debug')).toEqual([]);
    expect(logger.messages('debug')).toEqual([expect.stringMatching(/a memory store per test file/)]);
  });

  it('is another one for another file run by the same worker (isolate: false)', async () => {
    const mine = defaultStore();
    await mine.set('fleet:mode', { mode: 'x', at: 1 }, 60_000);
    worker.filepath = `${saved.file}-another-file.test.ts`;
    const theirs = defaultStore();
    expect(theirs).not.toBe(mine);
    expect(theirs.get('fleet:mode')).toBeUndefined();
  });

  it('is the machine store of LIVEKIT_VOICE_STACK_STATE_DIR when it is set', () => {
    process.env.LIVEKIT_VOICE_STACK_STATE_DIR = saved.dir;
    expect(defaultStore().kind).toBe('machine');
  });
});
