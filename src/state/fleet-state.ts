import type { StateStore } from './state-store.js';

/**
 * Where the fleet's operational state lives in a {@link StateStore}: one layout that the mode controller and the
 * chains write and that `livekit-voice-stack dashboard` and `mode status` read.
 */
export const FLEET_KEYS = {
  /** {@link ModeRecord}: the mode new calls use. */
  mode: 'fleet:mode',
  /** {@link RolloutRecord}: share of new calls per mode, in percent. */
  rollout: 'fleet:rollout',
  /** `fleet:call:<mode>:<callId>` → {@link CallLease}, one per active call (its TTL is refreshed while the call runs). */
  callPrefix: 'fleet:call:',
  /** `fleet:option:<label>…` → {@link OptionStatus}: an option cooling down or demoted. */
  optionPrefix: 'fleet:option:',
  /** Capped list of {@link FleetLogEntry}: the last fallbacks and apologies across the fleet. */
  log: 'fleet:log',
  /** `string[]`: the mode names the fleet's controllers know (so `mode set` can refuse a typo). */
  modes: 'fleet:modes',
  /** `string`: the `mode` option of the last controller that started, i.e. what new calls get while `mode` is not set. */
  configuredMode: 'fleet:configured-mode',
} as const;

/** The last entries of the fleet log are kept, for a day after the last one. */
export const FLEET_LOG_LIMITS = { max: 200, ttlMs: 24 * 60 * 60 * 1000 } as const;
/** The mode and the rollout are kept a year: they are settings, not caches. */
export const FLEET_SETTING_TTL_MS = 365 * 24 * 60 * 60 * 1000;

export interface ModeRecord {
  mode: string;
  /** `Date.now()` of the change. */
  at: number;
  /** Who changed it (`dashboard`, `cli`, `controller`). */
  by?: string;
}

export interface RolloutRecord {
  /** Percent of new calls per mode, e.g. `{ realtime: 10 }` (the rest go to the current mode). */
  percent: Record<string, number>;
  at: number;
  by?: string;
}

export interface CallLease {
  mode: string;
  startedAt: number;
}

/** An option the fleet avoids for now: cooling after a rate limit, or demoted after failures. */
export interface OptionStatus {
  /** `provider/model`. */
  label: string;
  modality?: string;
  state: 'cooling' | 'demoted';
  /** The error category or message that put it there (`rate_limit`, `auth` …). */
  reason: string;
  /** HTTP status, when the provider answered with one. */
  status?: number;
  /** `Date.now()` when it may be tried again. */
  until: number;
}

/** One line of the fleet log. */
export interface FleetLogEntry {
  at: number;
  kind: 'fallback' | 'apology' | 'mode-fallback' | 'mode' | 'rollout';
  /** What moved: `provider/model` labels or mode names. */
  from?: string;
  to?: string;
  modality?: string;
  /** Why (a short error message, never a secret). */
  reason?: string;
  /** The call it happened in, when known. */
  callId?: string;
}

/** Everything the dashboard shows, read from the store's local view (synchronous, no network). */
export interface FleetSnapshot {
  store: string;
  mode: ModeRecord | undefined;
  rollout: RolloutRecord | undefined;
  /** Mode names the fleet's controllers know. */
  known: string[];
  /** Active calls per mode. */
  activeCalls: Record<string, number>;
  options: OptionStatus[];
  /** Newest first. */
  log: FleetLogEntry[];
  now: number;
}

/**
 * Reads the fleet's state from `store`. Expired entries are not listed, and neither is a value of the wrong shape (a
 * store's bytes are outside input: another version, another app, a hand edit): the dashboard and `mode status` keep
 * working, and `mode set` can replace it.
 */
export function readFleetState(store: StateStore, now = Date.now()): FleetSnapshot {
  const options = store
    .list<OptionStatus>(FLEET_KEYS.optionPrefix)
    .map(([, status]) => status)
    .filter((status) => isRecord(status) && typeof status.label === 'string' && typeof status.until === 'number' && status.until > now)
    .sort((a, b) => a.until - b.until);
  return {
    store: store.kind,
    mode: readMode(store),
    rollout: readRollout(store),
    known: readKnownModes(store),
    activeCalls: countActiveCalls(store),
    options,
    log: store
      .range<FleetLogEntry>(FLEET_KEYS.log)
      .filter((entry) => isRecord(entry) && typeof entry.kind === 'string')
      .reverse(),
    now,
  };
}

/** The mode record, when the store holds a valid one. */
export function readMode(store: StateStore): ModeRecord | undefined {
  const record = store.get<ModeRecord>(FLEET_KEYS.mode);
  return isRecord(record) && typeof record.mode === 'string' ? record : undefined;
}

/** The rollout record, when the store holds a valid one (shares that are not numbers are left out). */
export function readRollout(store: StateStore): RolloutRecord | undefined {
  const record = store.get<RolloutRecord>(FLEET_KEYS.rollout);
  if (!isRecord(record) || !isRecord(record.percent)) return undefined;
  const percent = Object.fromEntries(
    Object.entries(record.percent).filter(([, share]) => typeof share === 'number' && Number.isFinite(share)),
  );
  return { ...record, percent };
}

/** The mode names the fleet's controllers know (strings only). */
export function readKnownModes(store: StateStore): string[] {
  const known = store.get<unknown>(FLEET_KEYS.modes);
  return Array.isArray(known) ? known.filter((name): name is string => typeof name === 'string') : [];
}

/** Active calls of the fleet per mode (valid, unexpired leases). */
export function countActiveCalls(store: StateStore): Record<string, number> {
  const activeCalls: Record<string, number> = {};
  for (const [, lease] of store.list<CallLease>(FLEET_KEYS.callPrefix)) {
    if (isRecord(lease) && typeof lease.mode === 'string') activeCalls[lease.mode] = (activeCalls[lease.mode] ?? 0) + 1;
  }
  return activeCalls;
}

function isRecord<T>(value: T): value is T & Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends one entry to the fleet log (capped, so it never grows without bound). */
export function appendFleetLog(store: StateStore, entry: Omit<FleetLogEntry, 'at'> & { at?: number }): Promise<void> {
  return store.append(FLEET_KEYS.log, { at: Date.now(), ...entry }, FLEET_LOG_LIMITS);
}
