import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { eventually } from './eventually.js';

/** A full garbage collection, for heap measurements (`--expose-gc` turned on at run time). */
export function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Open timers and sockets of the process, to check a soak leaves none behind. */
export function resources(): { timers: number; sockets: number } {
  const info = process.getActiveResourcesInfo();
  return { timers: info.filter((name) => name === 'Timeout').length, sockets: info.filter((name) => /TCP|TLS|Pipe/.test(name)).length };
}

/** A seeded random generator, so that a failing soak can be replayed. */
export function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/**
 * Waits (up to `timeoutMs`) until the process has no more timers and sockets than `target`: what a warm-up or a batch
 * left closing (aborted streams, idle keep-alive sockets, LiveKit's delay() timers) has gone. Resolves either way:
 * the caller asserts on what it then measures.
 */
export async function settled(target: { timers: number; sockets: number }, timeoutMs = 10_000): Promise<boolean> {
  return eventually(() => {
    const now = resources();
    return now.timers <= target.timers && now.sockets <= target.sockets;
  }, timeoutMs);
}
