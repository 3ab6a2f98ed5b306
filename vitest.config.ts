import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // Examples and docs import the package by name, as users do: resolve it to the sources (no build needed).
  resolve: {
    alias: [
      { find: /^livekit-voice-stack\/testing$/, replacement: src('testing/index.ts') },
      { find: /^livekit-voice-stack$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
    pool: 'forks',
  },
});
