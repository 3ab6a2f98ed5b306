#!/usr/bin/env node
// Runs the type check and a subset of the suite against the newest published 1.x of @livekit/agents and its plugins,
// in a temporary copy of this checkout (the checkout itself is left alone). Not part of `npm test`: run it before
// widening the peer range, and when LiveKit publishes a release (docs/architecture.md, "LiveKit internals").
//
//   npm run test:livekit-latest                 the subset below
//   npm run test:livekit-latest -- test/stack   other test paths (passed to vitest)
//   LIVEKIT_AGENTS_VERSION=1.8.1 npm run …      another version of @livekit/agents (plugins: their newest 1.x)
//   KEEP=1 npm run …                            keep the temporary copy (its path is printed)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = [
  '@livekit/agents',
  '@livekit/agents-plugin-openai',
  '@livekit/agents-plugin-deepgram',
  '@livekit/agents-plugin-cartesia',
  '@livekit/agents-plugin-elevenlabs',
];
// What touches LiveKit most: its internals, every provider against its mock, the chains, the realtime guard.
const SUBSET = [
  'test/architecture.test.ts',
  'test/providers',
  'test/stack/realtime-fallback.test.ts',
  'test/stack/stt-session.test.ts',
  'test/stack/stt-health.test.ts',
  'test/config/stt-config.test.ts',
  'test/config/tts-config.test.ts',
  'test/policies/llm-chain.test.ts',
  'test/policies/stt-chain.test.ts',
  'test/policies/tts-chain.test.ts',
];

/** The newest published 1.x of `name` (prereleases left out). */
function newest1x(name) {
  const versions = JSON.parse(execFileSync('npm', ['view', name, 'versions', '--json'], { encoding: 'utf8' }));
  const stable = [].concat(versions).filter((version) => /^1\.\d+\.\d+$/.test(version));
  return stable.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
}

function run(command, args, cwd) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } }).status ?? 1;
}

const wanted = Object.fromEntries(PACKAGES.map((name) => [name, newest1x(name)]));
if (process.env.LIVEKIT_AGENTS_VERSION) wanted['@livekit/agents'] = process.env.LIVEKIT_AGENTS_VERSION;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pinned = Object.fromEntries(PACKAGES.map((name) => [name, pkg.devDependencies[name]]));
console.log('pinned (tested):', pinned);
console.log('newest 1.x:     ', wanted);

const copy = mkdtempSync(join(tmpdir(), 'lvs-livekit-latest-'));
const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter(Boolean);
for (const file of tracked) {
  try {
    cpSync(join(root, file), join(copy, file), { recursive: true });
  } catch {
    // deleted in the working tree
  }
}
for (const [name, version] of Object.entries(wanted)) pkg.devDependencies[name] = version;
writeFileSync(join(copy, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`copy: ${copy}`);

let status = run('npm', ['install', '--no-audit', '--no-fund'], copy);
if (status === 0) {
  run('npm', ['ls', ...PACKAGES], copy);
  const typecheck = run('npx', ['tsc', '--noEmit'], copy);
  const paths = process.argv.slice(2);
  const tests = run('npx', ['vitest', 'run', ...(paths.length ? paths : SUBSET), '--maxWorkers=1'], copy);
  status = typecheck || tests;
  console.log(`\ntype check: ${typecheck ? 'FAILED' : 'ok'}; tests: ${tests ? 'FAILED' : 'ok'}`);
}
if (process.env.KEEP) console.log(`kept: ${copy}`);
else rmSync(copy, { recursive: true, force: true });
process.exit(status);
