// The consumer test (`npm run test:consumer`, after `npm run build`): what ships is what is tested. It packs the
// library, installs the tarball into a project outside this repository (so nothing resolves from our node_modules),
// and there, as a user would:
// - type-checks every ```ts block of README.md and docs/ plus the harness, strict, `module`/`moduleResolution`
//   NodeNext, with `skipLibCheck: true` (which @livekit/agents' own types need), on every TypeScript version of
//   TYPESCRIPT_VERSIONS, and checks that our own .d.ts files also pass with `skipLibCheck: false`;
// - runs the README usage example, getting-started step 2 and docs/testing.md's examples with vitest (ESM, `"type":
//   "module"`), against the /testing mocks, with no logger set up by the host;
// - runs a CommonJS program (`.cts`, compiled by tsc to `require()`) against the CJS build, and loads both builds in
//   one process (two real copies) to check that each error class recognises its errors across them;
// - checks that the published .d.ts files show no `@internal` declaration (published-types.ts);
// - in a second project with msw 2 (the peer range's other major), runs docs/testing.md's complete example and
//   `stack.health()` against the llama.cpp mock (project-msw2/).
// The project's node_modules is kept between runs (in the OS temp dir, one per checkout), so a run re-installs only
// the tarball; `npm install --prefer-offline` fills it from npm's cache. Once packed, the steps run in two lanes at
// once (one per core): the msw 3 project's install, TypeScript 5.9 checks and CommonJS program; the msw 2 project,
// then TypeScript 7's checks and the vitest run of the msw 3 project once its install is done.
import { execFile, execFileSync, type ExecFileOptions, type ExecFileSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asModule, codeBlock, codeBlocks, repositoryRoot } from '../helpers/docs-code-blocks.js';
import { internalLeaks } from './published-types.js';

/** The msw 2 range the peer dependency allows, installed in a second project (the dev dependency is msw 3). */
const MSW2 = '^2.15.0';

/** Each is type-checked; the first also emits the CommonJS program. */
const TYPESCRIPT_VERSIONS = ['5.9.3', '7.0.2'];

const started = performance.now();
const repo = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};
const work = join(tmpdir(), `livekit-voice-stack-consumer-${createHash('sha256').update(repositoryRoot).digest('hex').slice(0, 8)}`);
const project = join(work, 'project');
const fixtures = join(repositoryRoot, 'test/consumer/project');

function run(command: string, args: string[], options: ExecFileSyncOptions = {}): string {
  const label = `${command === process.execPath ? 'node' : command} ${args.join(' ')}`;
  const start = performance.now();
  try {
    return String(execFileSync(command, args, { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }));
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`Failed: ${label}\n${stdout ?? ''}${stderr ?? ''}`);
  } finally {
    console.log(`  ${((performance.now() - start) / 1000).toFixed(1).padStart(5)} s  ${label}`);
  }
}

/** {@link run}, without blocking the other lane. */
function runAsync(command: string, args: string[], options: ExecFileOptions = {}): Promise<string> {
  const label = `${command === process.execPath ? 'node' : command} ${args.join(' ')}`;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: project, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      console.log(`  ${((performance.now() - start) / 1000).toFixed(1).padStart(5)} s  ${label}`);
      if (error) reject(new Error(`Failed: ${label}\n${stdout ?? ''}${stderr ?? ''}`));
      else resolve(String(stdout));
    });
  });
}

// 1. Pack. The tarball's name changes with its content, so npm installs this build, never a cached one.
mkdirSync(join(work, 'pack'), { recursive: true });
for (const file of readdirSync(join(work, 'pack'))) rmSync(join(work, 'pack', file));
const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', join(work, 'pack')], { cwd: repositoryRoot })) as {
  filename: string;
  shasum: string;
}[];
const tarball = join(work, 'pack', `livekit-voice-stack-${packed!.shasum.slice(0, 12)}.tgz`);
cpSync(join(work, 'pack', packed!.filename), tarball);

// 2. A fresh project: its package.json, the README's Cartesia `overrides` entry, and what it installs as the docs say.
// Everything but the installed packages (and npm's lockfile of them) is written afresh.
mkdirSync(project, { recursive: true });
for (const entry of readdirSync(project)) {
  if (entry !== 'node_modules' && entry !== 'package-lock.json') rmSync(join(project, entry), { recursive: true, force: true });
}
cpSync(fixtures, project, { recursive: true });
const overrides = JSON.parse(`{${/```json\n("overrides"[\s\S]*?)```/.exec(readFileSync(join(repositoryRoot, 'README.md'), 'utf8'))![1]}}`);
const dev = repo.devDependencies;
writeFileSync(
  join(project, 'package.json'),
  JSON.stringify(
    {
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: {
        'livekit-voice-stack': `file:${tarball}`,
        '@livekit/agents': dev['@livekit/agents'],
        '@livekit/agents-plugin-openai': dev['@livekit/agents-plugin-openai'],
        '@livekit/agents-plugin-deepgram': dev['@livekit/agents-plugin-deepgram'],
        '@livekit/agents-plugin-cartesia': dev['@livekit/agents-plugin-cartesia'],
        // docs/custom-adapters.md: `npm install zod openai@6`
        openai: '6',
        zod: '4',
      },
      devDependencies: {
        msw: dev.msw,
        vitest: dev.vitest,
        '@types/node': dev['@types/node'],
        ...Object.fromEntries(TYPESCRIPT_VERSIONS.map((version) => [`typescript-${version}`, `npm:typescript@${version}`])),
      },
      ...overrides,
    },
    null,
    2,
  ),
);
// 6. The other msw major of the peer range (`^2.15.0 || ^3.0.0`): a second project with msw 2, where the mocks and the
// health probe must work as well (a probe once awaited a discarded body's cancel(), which never settles under msw 2).
const msw2 = join(work, 'project-msw2');
mkdirSync(join(msw2, 'test'), { recursive: true });
for (const entry of readdirSync(msw2)) {
  if (entry !== 'node_modules' && entry !== 'package-lock.json') rmSync(join(msw2, entry), { recursive: true, force: true });
}
mkdirSync(join(msw2, 'test'), { recursive: true });
writeFileSync(
  join(msw2, 'package.json'),
  JSON.stringify(
    {
      name: 'consumer-msw2',
      private: true,
      type: 'module',
      dependencies: {
        'livekit-voice-stack': `file:${tarball}`,
        '@livekit/agents': dev['@livekit/agents'],
        '@livekit/agents-plugin-openai': dev['@livekit/agents-plugin-openai'],
      },
      devDependencies: { msw: MSW2, vitest: dev.vitest },
    },
    null,
    2,
  ),
);
// docs/testing.md: "With msw 2 use server.listen({ onUnhandledRequest: localOnly })".
writeFileSync(
  join(msw2, 'test/testing-example.spec.ts'),
  codeBlock('docs/testing.md', 'A complete vitest example').replace('onUnhandledFrame: localOnly', 'onUnhandledRequest: localOnly'),
);
cpSync(join(repositoryRoot, 'test/consumer/project-msw2'), msw2, { recursive: true });

// 3–6 in two lanes (see the top): an install must finish before its project's checks and runs.
const install = (cwd: string) =>
  runAsync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
const installed = install(project).then(() => {
  // The published .d.ts files show no `@internal` declaration of src/ (stripInternal).
  const leaks = internalLeaks(join(project, 'node_modules/livekit-voice-stack/dist'));
  if (leaks.length) throw new Error(`The published types show @internal declarations:\n${leaks.join('\n')}`);

  // 3. The docs' code blocks: every one to type-check, and the runnable ones under the names the harness imports.
  mkdirSync(join(project, 'blocks/all'), { recursive: true });
  codeBlocks().forEach((block, index) =>
    writeFileSync(
      join(project, 'blocks/all', `${String(index).padStart(2, '0')}-${block.source.replace(/[^a-z0-9]+/gi, '-')}.ts`),
      asModule(block.code),
    ),
  );
  const runnable = {
    'readme-usage': asModule(codeBlock('README.md', 'Usage')),
    'getting-started-describe': `${codeBlock('docs/getting-started.md', '2. Describe the stack')}\nexport { stack };\n`,
    'testing-speech-tts': asModule(codeBlock('docs/testing.md', 'Speech mocks (TTS)')),
    'testing-speech-stt': asModule(codeBlock('docs/testing.md', 'Speech mocks (STT)')),
  };
  for (const [name, code] of Object.entries(runnable)) writeFileSync(join(project, 'blocks', `${name}.ts`), code);
  writeFileSync(join(project, 'test/testing-example.spec.ts'), codeBlock('docs/testing.md', 'A complete vitest example'));

  // 4.'s compiler options: as users compile, strict NodeNext, skipLibCheck (for @livekit/agents).
  const compilerOptions = {
    strict: true,
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    types: ['node'],
    skipLibCheck: true,
    outDir: 'dist', // vitest leaves dist/ alone
    rootDir: '.',
  };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src', 'test', 'blocks'] }, null, 2));
  // Our .d.ts files (ESM and CJS) and only what they import, so that checking every library file stays quick.
  writeFileSync(join(project, 'libcheck.ts'), `import 'livekit-voice-stack';\nimport 'livekit-voice-stack/testing';\n`);
  writeFileSync(join(project, 'libcheck.cts'), `import 'livekit-voice-stack';\nimport 'livekit-voice-stack/testing';\n`);
  writeFileSync(
    join(project, 'tsconfig.libcheck.json'),
    JSON.stringify(
      {
        extends: './tsconfig.json',
        compilerOptions: { skipLibCheck: false, noEmit: true },
        include: [],
        files: ['libcheck.ts', 'libcheck.cts'],
      },
      null,
      2,
    ),
  );
});

// 4. Type-check on every TypeScript version, as users compile: strict NodeNext, skipLibCheck (for @livekit/agents).
const ours = /node_modules\/livekit-voice-stack\//;
async function typeCheck(index: number, version: string): Promise<void> {
  const tsc = join(project, 'node_modules', `typescript-${version}`, 'bin/tsc');
  await runAsync(process.execPath, [tsc, '-p', 'tsconfig.json', ...(index === 0 ? [] : ['--noEmit'])]);
  // Without skipLibCheck, @livekit/agents' own .d.ts files have errors; ours must have none.
  const output = await runAsync(process.execPath, [tsc, '-p', 'tsconfig.libcheck.json']).catch((error: Error) => error.message);
  const problems = output.split('\n').filter((line) => ours.test(line));
  if (problems.length) throw new Error(`Our .d.ts files fail with skipLibCheck: false (TypeScript ${version}):\n${problems.join('\n')}`);
}

const lanes = await Promise.allSettled([
  // The first TypeScript version emits the CommonJS program, then it runs.
  (async () => {
    await installed;
    await typeCheck(0, TYPESCRIPT_VERSIONS[0]!);
    console.log((await runAsync(process.execPath, ['dist/src/main.cjs'])).trim());
  })(),
  // 6. msw 2, then (5.) the docs' examples under vitest (ESM) and the other TypeScript versions.
  (async () => {
    await install(msw2);
    await runAsync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--dir', 'test', '--reporter=dot', '--testTimeout=60000'], {
      cwd: msw2,
    });
    await installed;
    for (const [index, version] of TYPESCRIPT_VERSIONS.entries()) if (index > 0) await typeCheck(index, version);
    await runAsync(process.execPath, [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--dir',
      'test',
      '--reporter=dot',
      '--testTimeout=60000',
      '--hookTimeout=60000',
    ]);
  })(),
]);
const failed = lanes.find((lane) => lane.status === 'rejected');
if (failed) throw (failed as PromiseRejectedResult).reason;

console.log(
  `consumer test passed: ESM + CJS × TypeScript ${TYPESCRIPT_VERSIONS.join(', ')}, msw 3 and ${MSW2}, in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
