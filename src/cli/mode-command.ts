import type { StateStore } from '../state/state-store.js';
import { FLEET_KEYS, appendFleetLog, type ModeRecord } from '../state/fleet-state.js';
import { readModeStatus, writeMode, writeRollout, type ModeStatus } from '../stack/mode-state.js';
import { openStore } from './open-store.js';
import { UsageError } from './usage-error.js';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** How long the store has to answer a ping before the command says it is unreachable. */
const PING_TIMEOUT_MS = 3_000;

export const MODE_HELP = `Usage: livekit-voice-stack mode <status | set <name> | reset | rollout <name> <percent>> [options]

  mode status                The fleet's mode, rollout and active calls
  mode set <name>            Switch the mode of calls that start from now on, on every worker
  mode reset                 Remove the mode set in the store: new calls get each controller's \`mode\` option again
                             (also clears an entry that cannot be read)
  mode rollout <name> <pct>  Send <pct> % (0 to 100) of new calls to <name>; 0 ends that mode's rollout

Options:
      --json         Print JSON
      --redis <url>  The fleet's state store in Redis [default: REDIS_URL, else this machine's store]

Exit codes: 0 done; 1 the store could not be read or written; 2 a usage error (unknown mode, share out of range).`;

/** `doctor`'s line about the store: its kind, whether it answered, and the round trip. */
export async function storeReport(store: StateStore) {
  const started = performance.now();
  try {
    await ping(store);
    const roundTripMs = Math.round((performance.now() - started) * 100) / 100;
    return { kind: store.kind, reachable: true, roundTripMs, line: `State store: ${store.kind}, reachable, round trip ${roundTripMs} ms` };
  } catch (error) {
    const reason = (error as Error)?.message ?? String(error);
    return {
      kind: store.kind,
      reachable: false,
      error: reason,
      line: `State store: ${store.kind}, unreachable (${reason}): calls go on without shared cooldowns, cache and modes. Fix: check --redis / REDIS_URL.`,
    };
  }
}

/** Resolves when the store answered a round trip within {@link PING_TIMEOUT_MS}. */
async function ping(store: StateStore): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      store.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `mode status | set <name> | reset | rollout <name> <percent>`; returns the exit code (usage errors throw {@link UsageError}). */
export async function modeCommand(args: readonly string[], options: { redis: string | undefined; json: boolean }, io: Io): Promise<number> {
  const [action, name, percent] = args;
  const arity: Record<string, number> = { status: 0, set: 1, reset: 0, rollout: 2 };
  if (action === undefined) throw new UsageError('missing the mode command. Fix: type e.g. livekit-voice-stack mode status');
  if (!(action in arity))
    throw new UsageError(
      `unknown mode command "${action}". Fix: type livekit-voice-stack mode status, set <name>, reset or rollout <name> <percent>`,
    );
  const given = args.length - 1;
  if (given !== arity[action]) {
    const example = { status: 'mode status', set: 'mode set pipeline', reset: 'mode reset', rollout: 'mode rollout realtime 10' }[action];
    throw new UsageError(
      `mode ${action} takes ${arity[action] === 0 ? 'no argument' : arity[action] === 1 ? 'a mode name' : 'a mode name and a percentage'}, got ${given === 0 ? 'none' : `"${args.slice(1).join(' ')}"`}. Fix: type e.g. livekit-voice-stack ${example}`,
    );
  }
  const share = action === 'rollout' ? percentOf(name!, percent!) : 0;

  const where = options.redis ? `the redis store at ${redactURL(options.redis)}` : "this machine's store";
  const unreachable = (error: unknown) => {
    // The store's own message may carry its library-side fix: the one below is the command line's.
    const reason = String((error as Error)?.message ?? error).replace(/\.?\s*Fix: [\s\S]*$/, '');
    io.stderr.write(
      `livekit-voice-stack mode ${action}: Failed to ${action === 'status' ? 'read' : 'change'} the fleet's mode: ${where} did not answer (${reason}). Fix: ${
        options.redis
          ? 'check that Redis runs and that --redis / REDIS_URL has the right host, port and password'
          : 'check LIVEKIT_VOICE_STACK_STATE_DIR'
      } (livekit-voice-stack doctor shows the store).\n`,
    );
    return 1;
  };
  let store: StateStore;
  try {
    store = await openStore(options.redis);
  } catch (error) {
    return unreachable(error);
  }
  try {
    // A store that cannot be read reads as empty: "not set, 0 calls" would be a lie.
    try {
      await ping(store);
    } catch (error) {
      return unreachable(error);
    }
    const status = readModeStatus(store);
    if (action === 'set') {
      checkName(name!, status.known, 'set');
      await writeMode(store, name!, status.known, 'cli');
    } else if (action === 'reset') {
      const from = store.get<ModeRecord>(FLEET_KEYS.mode);
      await store.delete(FLEET_KEYS.mode);
      await appendFleetLog(store, { kind: 'mode', ...(typeof from?.mode === 'string' && { from: from.mode }), to: 'reset' });
    } else if (action === 'rollout') {
      checkName(name!, status.known, 'rollout');
      const next = { ...status.rollout, [name!]: share };
      const total = Object.values(next).reduce((sum, value) => sum + value, 0);
      if (total > 100) {
        const others = Object.entries(status.rollout).filter(([mode]) => mode !== name);
        throw new UsageError(
          `the shares would add up to ${total} % (${Object.entries(next)
            .map(([mode, value]) => `${mode} ${value}`)
            .join(' + ')}). Fix: lower another mode's share first, e.g. livekit-voice-stack mode rollout ${others[0]![0]} 0`,
        );
      }
      await writeRollout(store, next, status.known, 'cli');
    }
    const now = { ...readModeStatus(store), configuredMode: configuredMode(store) };
    if (options.json) io.stdout.write(`${JSON.stringify({ store: store.kind, ...now }, null, 2)}\n`);
    else io.stdout.write(`${formatStatus(store.kind, now)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    return unreachable(error);
  } finally {
    await store.close();
  }
}

/** `<percent>` of `mode rollout`: a number from 0 to 100. */
function percentOf(name: string, text: string): number {
  const share = /^\s*$/.test(text) ? Number.NaN : Number(text.replace(/%$/, ''));
  if (!Number.isFinite(share) || share < 0 || share > 100)
    throw new UsageError(
      `the share must be a percentage from 0 to 100, got "${text}". Fix: type e.g. livekit-voice-stack mode rollout ${name} 10 (0 ends it)`,
    );
  return share;
}

function checkName(name: string, known: readonly string[], action: 'set' | 'rollout'): void {
  if (known.length > 0 && !known.includes(name)) {
    const example = action === 'set' ? `mode set ${known[0]}` : `mode rollout ${known[0]} 10`;
    throw new UsageError(
      `unknown mode "${name}": the fleet's controllers know ${known.map((mode) => `"${mode}"`).join(', ')}. Fix: type e.g. livekit-voice-stack ${example}`,
    );
  }
}

function configuredMode(store: StateStore): string | undefined {
  const value = store.get<unknown>(FLEET_KEYS.configuredMode);
  return typeof value === 'string' ? value : undefined;
}

function formatStatus(kind: string, status: ModeStatus & { configuredMode: string | undefined }): string {
  const total = Object.values(status.activeCalls).reduce((sum, count) => sum + count, 0);
  const rollout = Object.entries(status.rollout).map(([mode, share]) => `${mode} ${share} %`);
  const calls = Object.entries(status.activeCalls).map(([mode, count]) => `${mode} ${count}`);
  const unset = status.configuredMode
    ? `not set: new calls get ${status.configuredMode} (the controllers' \`mode\` option)`
    : "not set: new calls get each controller's `mode` option (none has started with this store)";
  return [
    `store:        ${kind}`,
    `mode:         ${status.mode ?? unset}`,
    `rollout:      ${rollout.length ? rollout.join(', ') : 'none'}`,
    `active calls: ${total}${calls.length ? ` (${calls.join(', ')})` : ''}`,
    `known modes:  ${status.known.length ? status.known.join(', ') : 'none yet (no controller has started with this store)'}`,
  ].join('\n');
}

/** `redis://user:pass@host:6379` → `redis://host:6379`. */
export function redactURL(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'the --redis URL';
  }
}
