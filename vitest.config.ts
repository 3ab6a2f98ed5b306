import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

/** Long process-level tests (spawned processes, soaks, a browser): `npm run test:slow`, after `npm test`. */
const SLOW = 'test/**/*.slow.test.ts';
/**
 * The soaks hold real-time deadlines (timeouts of a few hundred ms, whose faults they count): they run after the other
 * slow files, one at a time, so that no other file of the run takes CPU from them.
 */
const SOAKS = 'test/policies/*soak.slow.test.ts';
/** Files the composition tests write to run in a process of their own (git-ignored), never a project's own tests. */
const GENERATED = 'test/.generated/**';

export default defineConfig({
  // Examples and docs import the package by name, as users do: resolve it to the sources (no build needed).
  resolve: {
    alias: [
      { find: /^livekit-voice-stack\/testing$/, replacement: src('testing/index.ts') },
      { find: /^livekit-voice-stack$/, replacement: src('index.ts') },
    ],
  },
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // `vitest run --project fast` (npm test) or `--project slow --project slow-soaks` (npm run test:slow); a file path
    // picks its project.
    // test/types/*.test-d.ts are checked by `npm run typecheck` (a failed expectTypeOf is a type error).
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, GENERATED, SLOW],
          // One module graph per worker, not per file: importing @livekit/agents and the plugins again for every file
          // was most of the suite's time. Files share the process, so env stubs are undone after each test.
          isolate: false,
          unstubEnvs: true,
          unstubGlobals: true,
          // Both cores (vitest's default leaves one idle: CPUs - 1). Files of one worker share its modules, not its tests.
          maxWorkers: 2,
        },
      },
      // Two at once: the slow files mostly wait on the processes they start (each of which gets a core of its own).
      {
        extends: true,
        test: {
          name: 'slow',
          include: [SLOW],
          exclude: [...configDefaults.exclude, GENERATED, SOAKS],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      { extends: true, test: { name: 'slow-soaks', include: [SOAKS], maxWorkers: 1, sequence: { groupOrder: 2 } } },
    ],
  },
});
