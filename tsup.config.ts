import { rmSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli/index.ts' },
  format: ['esm', 'cjs'],
  // `@internal` members (a chain's core, its sink, its stream bookkeeping) stay out of the published types.
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' }, compilerOptions: { stripInternal: true } },
  // The maps carry the sources (`sourcesContent`): a stack trace names `src/*.ts`, which the package does not ship
  // as files, and a debugger opens them from the map.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = true;
  },
  clean: true,
  // One copy of shared modules (errors, stack) across `.` and `./testing`, in both formats.
  splitting: true,
  target: 'node22',
  // Error classes print as `ConfigError`, not the bundler's `_class2`, in both builds.
  keepNames: true,
  // p-retry and its dependency are ESM-only: bundle them so the CJS build works.
  noExternal: ['p-retry', 'is-network-error'],
  // The binary is ESM only (`bin` is dist/cli.js): drop its CJS twin.
  onSuccess: async () => ['dist/cli.cjs', 'dist/cli.cjs.map'].forEach((file) => rmSync(file, { force: true })),
});
