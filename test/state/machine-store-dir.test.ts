import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMachineStore, createModeController } from '../../src/index.js';
import { FLEET_KEYS } from '../../src/state/fleet-state.js';
import { recordingLogger } from '../helpers/recorders.js';

// Another local user can create `<tmpdir>/livekit-voice-stack-<user>` before us (the temp directory is shared): the
// machine store must not trust it. The suite runs as root; "another user" is `nobody` (uid 65534).
const NOBODY = 65_534;
const config = { llm: { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model: 'm' } };
let root: string;
const saved = {
  TMPDIR: process.env.TMPDIR,
  HOME: process.env.HOME,
  XDG: process.env.XDG_RUNTIME_DIR,
  DIR: process.env.LIVEKIT_VOICE_STACK_STATE_DIR,
};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lvs-planted-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'tmp'), { mode: 0o1777 });
  chmodSync(join(root, 'tmp'), 0o1777); // a shared temp directory, as /tmp
  mkdirSync(join(root, 'home'), { mode: 0o700 });
  process.env.TMPDIR = join(root, 'tmp');
  process.env.HOME = join(root, 'home');
  delete process.env.XDG_RUNTIME_DIR;
  delete process.env.LIVEKIT_VOICE_STACK_STATE_DIR; // the default directory
});
afterEach(() => {
  for (const [name, value] of [
    ['TMPDIR', saved.TMPDIR],
    ['HOME', saved.HOME],
    ['XDG_RUNTIME_DIR', saved.XDG],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.env.LIVEKIT_VOICE_STACK_STATE_DIR = saved.DIR;
  rmSync(root, { recursive: true, force: true });
});

/** The other user's directory at the default path, holding a planted mode under both naming schemes. */
function plant(): string {
  const dir = join(root, 'tmp', `livekit-voice-stack-${userInfo().username}`);
  mkdirSync(dir);
  const entry = JSON.stringify({ k: FLEET_KEYS.mode, e: Date.now() + 3_600_000, v: { mode: 'planted', at: Date.now() } });
  writeFileSync(join(dir, `e-${Buffer.from(FLEET_KEYS.mode).toString('base64url')}`), entry);
  writeFileSync(join(dir, `h-${createHash('sha256').update(FLEET_KEYS.mode).digest('base64url')}`), entry);
  for (const name of readdirSync(dir)) chownSync(join(dir, name), NOBODY, NOBODY);
  chownSync(dir, NOBODY, NOBODY);
  chmodSync(dir, 0o777);
  return dir;
}

describe('the default machine store directory', () => {
  it('refuses a directory another user made (mode 0777): the planted mode is not read; one warning; a private directory instead', async () => {
    const planted = plant();
    const logger = recordingLogger();
    const store = createMachineStore({ logger });
    const controller = createModeController({ modes: { planted: config, mine: config }, mode: 'mine', store });
    try {
      expect(controller.mode).toBe('mine');
      expect(store.get(FLEET_KEYS.mode)).toBeUndefined();
      await controller.setMode('mine');
      // Nothing written where the other user can rename or delete it.
      expect(readdirSync(planted)).toHaveLength(2);
      const warnings = logger.messages('warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/Failed to use the state directory .*: it belongs to another user \(uid 65534\)\. Fix: remove it/);
      // The other processes of this user find the same private directory: they still share state.
      const again = createMachineStore({ logger });
      expect(again.get(FLEET_KEYS.mode)).toMatchObject({ mode: 'mine' });
      await again.close();
      expect(logger.messages('warn')).toHaveLength(1);
    } finally {
      await controller.close();
      await store.close();
    }
  });

  it('names files by a hash: a listing reveals no organisation id', async () => {
    const dir = join(root, 'own');
    const store = createMachineStore({ dir });
    await store.set('resolver:abc:org:acme-corp', { config: {} }, 60_000);
    await store.append('fleet:log', { kind: 'fallback', callId: 'acme-corp' }, { max: 5, ttlMs: 60_000 });
    const names = readdirSync(dir).join(' ');
    expect(names).not.toContain(Buffer.from('acme-corp').toString('base64url').slice(0, 8));
    expect(names).not.toContain(Buffer.from('resolver:abc:org:acme-corp').toString('base64url'));
    expect(store.list('resolver:')).toEqual([['resolver:abc:org:acme-corp', { config: {} }]]);
    await store.close();
  });

  it('a chosen directory that others can write is refused with the fix', () => {
    const dir = join(root, 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(() => createMachineStore({ dir })).toThrow(
      /Failed to open the machine store at .*shared: other users can write to it \(mode 777\)\. Fix:/,
    );
  });
});
