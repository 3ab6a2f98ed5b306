import { createHash } from 'node:crypto';
import { ConfigError } from '../errors/index.js';
import {
  appendFleetLog,
  countActiveCalls,
  FLEET_KEYS,
  FLEET_SETTING_TTL_MS,
  type ModeRecord,
  readKnownModes,
  readMode,
  readRollout,
  type RolloutRecord,
} from '../state/fleet-state.js';
import type { StateStore } from '../state/state-store.js';

/** A percentage of new calls per mode, e.g. `{ realtime: 10 }`: 10 % of calls get `realtime`, the rest the current mode. */
export type Rollout = Record<string, number>;

/** What the fleet shares about modes, as `livekit-voice-stack mode status` prints it. */
export interface ModeStatus {
  /** The mode set in the store, if any (else each controller's `mode` option applies). */
  mode: string | undefined;
  rollout: Rollout;
  /** The mode names the controllers of the fleet know (for `mode set` to check a name). */
  known: string[];
  /** Active calls of the fleet per mode (unexpired leases). */
  activeCalls: Record<string, number>;
}

/** How long the list of known modes lasts without a controller starting: 30 days. */
const KNOWN_MODES_TTL_MS = 30 * 24 * 3_600_000;

/** The store key of one active call's lease. */
export const leaseKey = (mode: string, callId: string) => `${FLEET_KEYS.callPrefix}${mode}:${callId}`;

/** What the fleet shares about modes; a value of the wrong shape in the store reads as absent. */
export function readModeStatus(store: StateStore): ModeStatus {
  return {
    mode: readMode(store)?.mode,
    rollout: readRollout(store)?.percent ?? {},
    known: readKnownModes(store),
    activeCalls: countActiveCalls(store),
  };
}

/** Adds `names` to the modes the fleet knows, so that the CLI can check a name it is asked to set. */
export function addKnownModes(store: StateStore, names: readonly string[]): Promise<void> {
  const known = new Set([...readKnownModes(store), ...names]);
  return store.set(FLEET_KEYS.modes, [...known], KNOWN_MODES_TTL_MS);
}

/** Sets the fleet's mode for calls that start afterwards, and logs the change in the fleet log. */
export async function writeMode(store: StateStore, mode: string, known: readonly string[], by: string): Promise<void> {
  checkMode(mode, known, 'mode');
  const from = readMode(store)?.mode;
  await store.set(FLEET_KEYS.mode, { mode, at: Date.now(), by } satisfies ModeRecord, FLEET_SETTING_TTL_MS);
  if (from !== mode) await appendFleetLog(store, { kind: 'mode', ...(from && { from }), to: mode });
}

/** Replaces the fleet's rollout (an empty object ends it). */
export async function writeRollout(store: StateStore, rollout: Rollout, known: readonly string[], by: string): Promise<void> {
  checkRollout(rollout, known);
  const percent = Object.fromEntries(Object.entries(rollout).filter(([, share]) => share > 0));
  await store.set(FLEET_KEYS.rollout, { percent, at: Date.now(), by } satisfies RolloutRecord, FLEET_SETTING_TTL_MS);
  const summary = Object.entries(percent).map(([name, share]) => `${name} ${share}%`);
  await appendFleetLog(store, { kind: 'rollout', to: summary.join(', ') || 'none' });
}

/** Throws a {@link ConfigError} for an unknown mode, a share outside 0–100, or shares adding up to more than 100. */
export function checkRollout(rollout: Rollout, known: readonly string[]): void {
  let total = 0;
  for (const [name, percent] of Object.entries(rollout)) {
    checkMode(name, known, `rollout.${name}`);
    if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw new ConfigError(
        [{ path: `rollout.${name}`, message: `expected a percentage from 0 to 100, got ${String(percent)}. Fix: e.g. { ${name}: 10 }.` }],
        'setRollout()',
      );
    }
    total += percent;
  }
  if (total > 100) {
    throw new ConfigError(
      [{ path: 'rollout', message: `the percentages add up to ${total}. Fix: keep their sum at 100 or less.` }],
      'setRollout()',
    );
  }
}

/**
 * The mode of a call: its id's bucket (a hash, 0.01 % wide) falls in one rollout mode's share (modes in name order,
 * each share after the previous), else the current mode. So a call id always gets the same mode for a given rollout,
 * and raising a share only adds calls to it.
 */
export function pickMode(callId: string, current: string, rollout: Rollout): string {
  const bucket = createHash('sha256').update(callId).digest().readUInt32BE(0) % 10_000;
  let edge = 0;
  for (const name of Object.keys(rollout).sort()) {
    edge += Math.round(rollout[name]! * 100);
    if (bucket < edge) return name;
  }
  return current;
}

function checkMode(name: string, known: readonly string[], path: string): void {
  if (known.length > 0 && !known.includes(name)) {
    const names = known.map((mode) => `"${mode}"`).join(', ');
    throw new ConfigError([{ path, message: `unknown mode "${name}". Fix: use one of ${names}.` }], 'createModeController()');
  }
}
