import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { FLEET_KEYS } from '../../src/state/fleet-state.js';

/** `nobody`: "another local user" for tests, which run as root. */
export const NOBODY = 65_534;

/**
 * Gives each test a shared temp directory of its own (mode 1777, as /tmp: `TMPDIR`) and a home (`HOME`), with no
 * `XDG_RUNTIME_DIR` nor `LIVEKIT_VOICE_STACK_STATE_DIR`: the machine store's default directory lands in it.
 * Returns where: `tmp()` and `default()` (the default directory's path).
 */
export function useSharedTmp() {
  let root = '';
  const names = ['TMPDIR', 'HOME', 'XDG_RUNTIME_DIR', 'LIVEKIT_VOICE_STACK_STATE_DIR'] as const;
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lvs-shared-tmp-'));
    chmodSync(root, 0o755);
    mkdirSync(join(root, 'tmp'));
    chmodSync(join(root, 'tmp'), 0o1777);
    mkdirSync(join(root, 'home'), { mode: 0o700 });
    process.env.TMPDIR = join(root, 'tmp');
    process.env.HOME = join(root, 'home');
    delete process.env.XDG_RUNTIME_DIR;
    delete process.env.LIVEKIT_VOICE_STACK_STATE_DIR;
  });
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(root, { recursive: true, force: true });
  });
  return {
    root: () => root,
    defaultDir: () => join(root, 'tmp', `livekit-voice-stack-${userInfo().username}`),
  };
}

/**
 * Another user's directory at `dir` (owned by `nobody`, mode 0777) holding a planted mode `planted`, under both the
 * earlier (`e-<base64 key>`) and the current (`h-<sha256>`) file names.
 */
export function plantModeDir(dir: string): string {
  mkdirSync(dir);
  const entry = JSON.stringify({ k: FLEET_KEYS.mode, e: Date.now() + 3_600_000, v: { mode: 'planted', at: Date.now() } });
  writeFileSync(join(dir, `e-${Buffer.from(FLEET_KEYS.mode).toString('base64url')}`), entry);
  writeFileSync(join(dir, `h-${createHash('sha256').update(FLEET_KEYS.mode).digest('base64url')}`), entry);
  for (const name of readdirSync(dir)) chownSync(join(dir, name), NOBODY, NOBODY);
  chownSync(dir, NOBODY, NOBODY);
  chmodSync(dir, 0o777);
  return dir;
}
