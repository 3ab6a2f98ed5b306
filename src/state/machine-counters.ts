import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { VoiceStackError } from '../errors/index.js';
import { addFields, checkIncrement, counterFieldsOf, type CounterFields } from './counter-fields.js';

/** A lock older than this belongs to a process killed inside its (sub-millisecond) update: it is taken over. */
const STALE_LOCK_MS = 5_000;
/** An increment waits at most this long for a key's lock before it fails. */
const LOCK_WAIT_MS = 30_000;
/** A writer that waited this long for a lock claims the next turn; a claim older than `CLAIM_MS` is ignored. */
const CLAIM_AFTER_MS = 20;
const CLAIM_MS = 1_000;
/** Leftover temp files older than this belong to a killed writer. */
const ORPHAN_MS = 60_000;
/** A counter file larger than this is not ours: it reads as absent. */
const MAX_FILE_BYTES = 1 << 20;
/** Most keys one read returns. */
const MAX_KEYS = 20_000;

/** Counters of the machine store; see {@link machineCounters}. */
export interface MachineCounters {
  increment(key: string, fields: CounterFields, ttlMs: number): Promise<void>;
  read(prefix: string): Promise<Array<[string, CounterFields]>>;
  /** Removes expired keys and leftovers of killed writers. */
  sweep(now?: number): void;
}

/**
 * The machine store's counters: one JSON file per key in the `n/` subdirectory (outside the directory the store
 * watches, so that a flush does not make every process re-check its mirror). An increment takes the key's lock (a
 * `.lock-` file created with O_EXCL, so one process at a time), reads the file, adds, and renames a new file over it:
 * concurrent processes lose no count, and a reader always sees a whole file. The file's mtime is its expiry, so the
 * sweep needs a `stat`, not a read. A process killed while holding a lock (a sub-millisecond window) leaves it for
 * {@link STALE_LOCK_MS}; then the next writer takes it over. A writer that waited {@link CLAIM_AFTER_MS} claims the
 * next turn (a `.next-` file), so that no process starves behind others incrementing in a loop.
 */
export function machineCounters(dir: string): MachineCounters {
  const root = join(dir, 'n');
  let sequence = 0;
  const unique = () => `${process.pid}-${++sequence}-${randomBytes(4).toString('hex')}`;
  const ensureRoot = () => mkdirSync(root, { recursive: true, mode: 0o700 });

  /**
   * Takes `lock`, unless another writer has waited long and claimed the next turn (`next`): a process that increments
   * in a tight loop would otherwise take the lock again before the waiters' next try, starving them.
   */
  const tryLock = (lock: string, next: string, token: string, waitedMs: number): boolean => {
    try {
      const claim = readFileSync(next, 'utf8');
      if (claim !== token && Date.now() - statSync(next).mtimeMs < CLAIM_MS) return false;
    } catch {
      // no claim
    }
    try {
      const fd = openSync(lock, 'wx', 0o600);
      try {
        writeSync(fd, token);
      } finally {
        closeSync(fd);
      }
      unlinkIfHolds(next, token);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      takeOverIfStale(lock);
      if (waitedMs > CLAIM_AFTER_MS) claimNext(next, token);
      return false;
    }
  };
  const claimNext = (next: string, token: string) => {
    try {
      writeFileSync(next, token, { flag: 'wx', mode: 0o600 });
    } catch {
      // someone else's turn first (a stale claim is ignored by everyone after CLAIM_MS, then replaced here)
      try {
        if (Date.now() - statSync(next).mtimeMs >= CLAIM_MS) unlinkQuietly(next);
      } catch {
        // gone
      }
    }
  };
  const unlinkIfHolds = (path: string, token: string) => {
    try {
      if (readFileSync(path, 'utf8') === token) unlinkSync(path);
    } catch {
      // not there
    }
  };
  const takeOverIfStale = (lock: string) => {
    let seen: string;
    try {
      if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return;
      seen = readFileSync(lock, 'utf8');
    } catch {
      return; // released meanwhile
    }
    const aside = join(root, `.tmp-stale-${unique()}`);
    try {
      renameSync(lock, aside);
    } catch {
      return; // another writer took it over first
    }
    // Moved a fresh lock taken in between (not the stale one we saw): put it back.
    if (readFileSync(aside, 'utf8') !== seen) {
      try {
        linkSync(aside, lock);
      } catch {
        // a newer lock exists
      }
    }
    unlinkQuietly(aside);
  };
  /** Releases a lock we hold (after a long stall it may have been taken over: then it is not ours to remove). */
  const unlock = (lock: string, token: string) => unlinkIfHolds(lock, token);

  const readFile = (path: string): { k: string; e: number; v: CounterFields } | undefined => {
    try {
      if (statSync(path).size > MAX_FILE_BYTES) return undefined;
      const entry = JSON.parse(readFileSync(path, 'utf8')) as { k?: unknown; e?: unknown; v?: unknown };
      if (typeof entry?.k !== 'string' || typeof entry.e !== 'number') return undefined;
      return { k: entry.k, e: entry.e, v: counterFieldsOf(entry.v) };
    } catch {
      return undefined; // absent or not ours: no counters
    }
  };

  return {
    async increment(key, fields, ttlMs) {
      checkIncrement(key, fields);
      ensureRoot();
      const name = fileName(key);
      const path = join(root, name);
      const lock = join(root, `.lock-${name}`);
      const next = join(root, `.next-${name}`);
      const token = unique();
      const started = Date.now();
      for (let attempt = 0; !tryLock(lock, next, token, Date.now() - started); attempt++) {
        if (Date.now() - started > LOCK_WAIT_MS)
          throw new VoiceStackError(
            'STORE_UNAVAILABLE',
            `Failed to increment "${key}" in the machine store: its lock stayed taken for ${LOCK_WAIT_MS} ms. Fix: check the state directory (${dir}).`,
            { isRetryable: true },
          );
        await new Promise((resolve) => setTimeout(resolve, Math.min(10, 1 + attempt) * (0.5 + Math.random())));
      }
      try {
        const now = Date.now();
        const current = readFile(path);
        const base = current && current.k === key && current.e > now ? current.v : {};
        const expiresAt = now + Math.max(1, ttlMs);
        const temp = join(root, `.tmp-${unique()}`);
        writeFileSync(temp, JSON.stringify({ k: key, e: expiresAt, v: addFields({ ...base }, fields) }), { mode: 0o600 });
        utimesSync(temp, now / 1000, expiresAt / 1000);
        renameSync(temp, path);
      } finally {
        unlock(lock, token);
      }
    },

    async read(prefix) {
      let names: string[];
      try {
        names = readdirSync(root);
      } catch {
        return [];
      }
      const now = Date.now();
      const found: Array<[string, CounterFields]> = [];
      for (const name of names) {
        if (name.startsWith('.') || found.length >= MAX_KEYS) continue;
        const known = keyOf(name);
        if (known !== undefined && !known.startsWith(prefix)) continue;
        const entry = readFile(join(root, name));
        if (entry && entry.e > now && entry.k.startsWith(prefix) && fileName(entry.k) === name) found.push([entry.k, entry.v]);
      }
      return found;
    },

    sweep(now = Date.now()) {
      let names: string[];
      try {
        names = readdirSync(root);
      } catch {
        return;
      }
      for (const name of names) {
        const path = join(root, name);
        try {
          if (name.startsWith('.tmp-') || name.startsWith('.next-')) {
            if (now - statSync(path).mtimeMs > ORPHAN_MS) unlinkQuietly(path);
          } else if (!name.startsWith('.') && statSync(path).mtimeMs <= now) {
            // Expired (its mtime is its expiry): removed under its lock, so that no increment is lost to the removal.
            const lock = join(root, `.lock-${name}`);
            const token = unique();
            if (!tryLock(lock, join(root, `.next-${name}`), token, 0)) continue;
            try {
              if (statSync(path).mtimeMs <= now) unlinkQuietly(path);
            } finally {
              unlock(lock, token);
            }
          }
        } catch {
          // removed by another process's sweep
        }
      }
    },
  };
}

/** Readable and prefix-searchable when short, a hash when long (file names are capped at 255 bytes). */
function fileName(key: string): string {
  const encoded = Buffer.from(key).toString('base64url');
  return encoded.length <= 200 ? `e-${encoded}` : `h-${createHash('sha256').update(key).digest('base64url')}`;
}

function keyOf(name: string): string | undefined {
  return name.startsWith('e-') ? Buffer.from(name.slice(2), 'base64url').toString() : undefined;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
