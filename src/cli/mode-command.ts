import { VoiceStackError } from '../errors/index.js';
import type { StateStore } from '../state/state-store.js';
import { readModeStatus, writeMode, writeRollout } from '../stack/mode-state.js';
import { openStore } from './open-store.js';

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** `doctor`'s line about the store: its kind, whether it answered, and the round trip. */
export async function storeReport(store: StateStore) {
  const started = performance.now();
  try {
    await Promise.race([
      store.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3000 ms')), 3_000).unref()),
    ]);
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

/** `mode status | set <name> | rollout <name> <percent>`; returns the exit code. */
export async function modeCommand(args: readonly string[], options: { redis: string | undefined; json: boolean }, io: Io): Promise<number> {
  const [action, name, percent, ...extra] = args;
  const usage = 'Usage: livekit-voice-stack mode status | set <name> | rollout <name> <percent>';
  const valid =
    extra.length === 0 &&
    ((action === 'status' && name === undefined) ||
      (action === 'set' && name !== undefined && percent === undefined) ||
      (action === 'rollout' && name !== undefined && percent !== undefined));
  if (!valid) {
    io.stderr.write(`livekit-voice-stack: ${action ? `unknown mode command "${args.join(' ')}"` : 'mode needs a command'}. ${usage}\n`);
    return 2;
  }
  const store = await openStore(options.redis);
  try {
    const status = readModeStatus(store);
    if (action === 'set') {
      await writeMode(store, name!, status.known, 'cli');
    } else if (action === 'rollout') {
      const share = Number(percent);
      await writeRollout(store, { ...status.rollout, [name!]: share }, status.known, 'cli');
    }
    const now = readModeStatus(store);
    if (options.json) io.stdout.write(`${JSON.stringify({ store: store.kind, ...now }, null, 2)}\n`);
    else io.stdout.write(`${formatStatus(store.kind, now)}\n`);
    return 0;
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    io.stderr.write(
      VoiceStackError.isInstance(error)
        ? `${message}\n`
        : `livekit-voice-stack: Failed to ${action === 'status' ? 'read' : 'write'} the modes in the ${store.kind} store: ${message}. Fix: check that it is reachable (livekit-voice-stack doctor).\n`,
    );
    return 1;
  } finally {
    await store.close();
  }
}

function formatStatus(kind: string, status: ReturnType<typeof readModeStatus>): string {
  const total = Object.values(status.activeCalls).reduce((sum, count) => sum + count, 0);
  const rollout = Object.entries(status.rollout).map(([mode, share]) => `${mode} ${share} %`);
  const calls = Object.entries(status.activeCalls).map(([mode, count]) => `${mode} ${count}`);
  return [
    `store:        ${kind}`,
    `mode:         ${status.mode ?? 'not set (each worker uses its `mode` option)'}`,
    `rollout:      ${rollout.length ? rollout.join(', ') : 'none'}`,
    `active calls: ${total}${calls.length ? ` (${calls.join(', ')})` : ''}`,
    `known modes:  ${status.known.length ? status.known.join(', ') : 'none yet (no controller has started with this store)'}`,
  ].join('\n');
}
