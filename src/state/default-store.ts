import { createMachineStore } from './create-machine-store.js';
import { createMemoryStore } from './create-memory-store.js';
import type { StateStore, StoreLogger } from './state-store.js';

/** Where the default store says what it picked: the stack's logger (`debug` is optional: `console` fits). */
export type DefaultStoreLogger = StoreLogger & { debug?(message: string, fields?: Record<string, unknown>): void };

const machines = new Map<string, StateStore>();
/** Memory stores of test runs, per run of a test file (vitest's worker state of the run, then the file). */
const testStores = new WeakMap<object, Map<string, StateStore>>();
/** The process's own test scope, when the runner does not say which file runs (jest, node --test, a child of a test). */
const processScope = {};
let said = false;

/**
 * The store used when none is given (by stacks, resolvers and mode controllers):
 *
 * - `LIVEKIT_VOICE_STACK_STATE_DIR` set: the machine store of that directory (read at each call), one instance per
 *   directory in a process. A test that spawns processes sharing state sets it.
 * - Under a test runner (vitest, jest, `node --test`, or a process one of them started): a memory store of the test
 *   file's run, so that test runs and test files never see each other's cooldowns, cache or modes (said once at
 *   debug level). Vitest's files share one store per file even with `isolate: false`.
 * - Else the machine store of the default directory, shared by every process of this user on the machine.
 *
 * Never throws: a machine store that cannot be opened (an unusable directory) gives a memory store, with a warning.
 */
export function defaultStore(logger: DefaultStoreLogger = console): StateStore {
  const dir = process.env.LIVEKIT_VOICE_STACK_STATE_DIR || '';
  if (dir === '') {
    const scope = testScope();
    if (scope) return testStore(scope, logger);
  }
  let store = machines.get(dir);
  if (!store) {
    try {
      store = createMachineStore({ logger, ...(dir && { dir }) });
    } catch (error) {
      logger.warn(
        `${(error as Error).message.replace(/\.$/, '')}; this process keeps its state in memory meanwhile (not shared with other processes).`,
        { dir },
      );
      store = createMemoryStore();
    }
    machines.set(dir, store);
  }
  return store;
}

/** The running test file's scope: `[run, file]`, or `undefined` outside a test runner. */
function testScope(): [object, string] | undefined {
  const vitest = (globalThis as { __vitest_worker__?: { filepath?: string } }).__vitest_worker__;
  if (vitest) return [vitest, vitest.filepath ?? ''];
  const env = process.env;
  // Inherited by the processes a test starts: an agent spawned by a test is part of the test run.
  if (env.VITEST || env.JEST_WORKER_ID !== undefined || env.NODE_TEST_CONTEXT) return [processScope, ''];
  return undefined;
}

function testStore([run, file]: [object, string], logger: DefaultStoreLogger): StateStore {
  let files = testStores.get(run);
  if (!files) testStores.set(run, (files = new Map()));
  let store = files.get(file);
  if (!store) {
    files.set(file, (store = createMemoryStore()));
    if (!said) {
      said = true;
      logger.debug?.(
        'state store: a memory store per test file (a test runner was detected), so that runs and files share no cooldowns, cache or modes; pass `store`, or set LIVEKIT_VOICE_STACK_STATE_DIR, to share state',
      );
    }
  }
  return store;
}
