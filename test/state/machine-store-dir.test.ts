import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachineStore, createModeController } from '../../src/index.js';
import { FLEET_KEYS } from '../../src/state/fleet-state.js';
import { recordingLogger } from '../helpers/recorders.js';
import { plantModeDir, useSharedTmp } from '../helpers/shared-tmp.js';

// Another local user can create `<tmpdir>/livekit-voice-stack-<user>` before us (the temp directory is shared): the
// machine store must not trust it. The suite runs as root; "another user" is `nobody` (uid 65534).
const config = { llm: { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model: 'm' } };
const shared = useSharedTmp();
const plant = () => plantModeDir(shared.defaultDir());

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
    const dir = join(shared.root(), 'own');
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
    const dir = join(shared.root(), 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(() => createMachineStore({ dir })).toThrow(
      /Failed to open the machine store at .*shared: other users can write to it \(mode 777\)\. Fix:/,
    );
  });
});
