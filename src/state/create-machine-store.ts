import { createHash } from 'node:crypto';
import {
  type FSWatcher,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { machineCounters } from './machine-counters.js';
import { machineStoreDir } from './machine-store-dir.js';
import type { StateStore, StoreLogger } from './state-store.js';
import { type FileEntry, parseFileEntry } from './store-entries.js';

/** Options of {@link createMachineStore}. */
export interface MachineStoreOptions {
  /**
   * The directory shared by every process of the machine. Created with mode 0700: entries can hold an organisation's
   * provider keys (the resolver's cache). It must belong to this user and be writable by nobody else: a chosen `dir`
   * (or `LIVEKIT_VOICE_STACK_STATE_DIR`) that is not makes this function throw; the default one is then replaced by a
   * private directory, with one warning (docs/operations.md, "What the machine store writes to disk").
   * @default `LIVEKIT_VOICE_STACK_STATE_DIR`, else `<os.tmpdir()>/livekit-voice-stack-<user>`
   */
  dir?: string;
  /** How often each process removes expired entries and leftovers of killed writers, in ms. @default 30000 */
  sweepIntervalMs?: number;
  /** Where an unsafe default directory or an entry that is not valid is reported (once each). @default console */
  logger?: StoreLogger;
}

/** Leftover temp files older than this belong to a killed writer. */
const ORPHAN_MS = 60_000;
/** How long a read trusts the mirror while the directory is watched (a lost watch event costs at most this), in ms. */
const REVALIDATE_MS = 1_000;
/**
 * A parsed entry is reused after a `stat` only when its file was written this long before it was read: a replacement
 * then differs from it in mtime, even on a file system with one-second timestamps that reuses inode numbers.
 */
const SETTLED_MS = 2_000;
/** Most keys a process mirrors. */
const MIRROR_MAX = 1_000;

/** The watch generation of each directory, shared by the stores of a process. */
const generations = new Map<string, { generation: number }>();

/** What a process last saw of one key's file. */
interface Mirrored {
  path: string;
  /** The watch generation and the time of the last check; `undefined` entry: no file, or an expired one. */
  generation: number;
  checkedAt: number;
  /** Inode, size, mtime and ctime of the file `entry` was read from, when it had settled. */
  signature: string | undefined;
  /** The file's key and expiry, and its text: each read parses its own copy of the value. */
  entry: { k: string; e: number; text: string } | undefined;
}

/**
 * A store shared by every process on this machine, with no server: one small JSON file per key in one directory,
 * named by a hash of the key (a listing reveals no organisation id).
 *
 * - Reads are synchronous, so a turn never awaits them, and come from an in-process mirror of the entries read
 *   (a map lookup, well under a microsecond). `fs.watch` on the directory invalidates it when any process writes;
 *   without a watch (inotify limits, some network file systems) each read checks the file with one `stat` instead,
 *   which answers an absent key (the healthy path: no cooldown) without an exception, and re-parses a file only when
 *   it changed. A lost watch event costs at most `REVALIDATE_MS` of staleness.
 * - Writes go to a temp file that is then renamed over the entry: a rename is atomic, so a process killed mid-write
 *   leaves a stray temp file (swept later), never a torn entry. `setIfAbsent` creates with `link()`, which fails when
 *   the entry exists: the single-flight lock holds across processes.
 * - Each process sweeps expired entries every `sweepIntervalMs`, so the directory holds only live state.
 *
 * - A file that is not a valid entry (truncated, edited, `null`) reads as absent, with one warning per store.
 *
 * Plain `node:fs`: no native addon, no server, and nothing experimental (no `node:sqlite` warning on users' consoles).
 * @throws {Error} when the chosen `dir` belongs to another user, others can write to it, or it cannot be created.
 */
export function createMachineStore(options: MachineStoreOptions = {}): StateStore {
  const logger = options.logger ?? console;
  const dir = machineStoreDir(options.dir ?? (process.env.LIVEKIT_VOICE_STACK_STATE_DIR || undefined), logger);
  let warnedBad = false;
  /** The entry in `text`, or `undefined` (absent, or not valid: warned once). */
  const parse = (text: string, path: string): FileEntry | undefined => {
    const entry = parseFileEntry(text);
    if (entry === undefined && !warnedBad) {
      warnedBad = true;
      logger.warn(
        `Failed to read the state entry ${path}: it is not a valid entry (${text.length} bytes); it reads as absent. Fix: delete the file; the machine store rewrites what it needs.`,
        { path },
      );
    }
    return entry;
  };
  let sequence = 0;
  const tempPath = () => join(dir, `.tmp-${process.pid}-${++sequence}-${Math.random().toString(36).slice(2, 8)}`);
  const writeTemp = (content: string) => {
    const path = tempPath();
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };

  const readFile = (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined; // absent (or, never in practice, unreadable): no entry
    }
  };
  const readEntry = (path: string): FileEntry | undefined => {
    const text = readFile(path);
    return text === undefined ? undefined : parse(text, path);
  };
  const readText = (path: string): Mirrored['entry'] => {
    const text = readFile(path);
    const entry = text === undefined ? undefined : parse(text, path);
    return entry && { k: entry.k, e: entry.e, text: text! };
  };
  // Any change in the directory other than a temp file bumps the generation: the next read of each key checks its file.
  // Stores of one directory in a process share it, so that a write through one is seen at once through the others.
  const shared = generations.get(resolve(dir)) ?? { generation: 0 };
  generations.set(resolve(dir), shared);
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (!name?.startsWith('.tmp-')) shared.generation++;
    });
    watcher.on('error', () => {
      watcher?.close();
      watcher = undefined;
    });
  } catch {
    watcher = undefined; // no watch available: every read checks its file
  }
  const mirror = new Map<string, Mirrored>();
  const mirrored = (key: string): Mirrored => {
    let item = mirror.get(key);
    if (!item) {
      if (mirror.size >= MIRROR_MAX) mirror.delete(mirror.keys().next().value!);
      item = { path: join(dir, fileName(key)), generation: -1, checkedAt: -Infinity, signature: undefined, entry: undefined };
      mirror.set(key, item);
    }
    return item;
  };
  /** A write of this process: the next read of every key checks its file, without waiting for the watch event. */
  const invalidate = () => void shared.generation++;
  const check = (item: Mirrored, now: number) => {
    const stats = statSync(item.path, { throwIfNoEntry: false });
    const signature = stats && `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
    if (!stats) item.entry = undefined;
    else if (signature !== item.signature) item.entry = readText(item.path);
    // Stat first, read second: a file replaced in between is read new under the old signature, so read again next time.
    item.signature = stats && now - stats.mtimeMs > SETTLED_MS ? signature : undefined;
    item.generation = shared.generation;
    item.checkedAt = now;
  };
  const liveValue = (key: string, now = Date.now()) => {
    const item = mirrored(key);
    if (!watcher || item.generation !== shared.generation || now - item.checkedAt >= REVALIDATE_MS) check(item, now);
    const entry = item.entry;
    return entry && entry.k === key && entry.e > now ? (JSON.parse(entry.text) as FileEntry) : undefined;
  };

  /** Removes the expired entry at `path`, unless another process replaced it meanwhile (then it is put back). */
  const removeIfExpired = (path: string, seen: string | undefined, now: number): void => {
    const aside = tempPath();
    try {
      renameSync(path, aside);
    } catch {
      return; // gone already
    }
    const moved = readFileSync(aside, 'utf8');
    const entry = parseFileEntry(moved);
    if (moved !== seen && entry !== undefined && entry.e > now) {
      try {
        linkSync(aside, path); // a fresh entry written in between: restore it
      } catch {
        // a newer one exists again
      }
    }
    unlinkQuietly(aside);
  };

  /** The live items of a list directory, oldest first, or `undefined` when the list expired (its newest item did). */
  const listItems = (path: string, now = Date.now()): FileEntry[] | undefined => {
    let names: string[];
    try {
      names = readdirSync(path).sort();
    } catch {
      return undefined;
    }
    const items = names.map((name) => readEntry(join(path, name))).filter((item) => item !== undefined);
    return items.length > 0 && items[items.length - 1]!.e > now ? items : undefined;
  };

  const sweep = () => {
    const now = Date.now();
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        if (name.startsWith('.tmp-')) {
          if (now - statSync(path).mtimeMs > ORPHAN_MS) unlinkQuietly(path);
        } else if (name.startsWith('l-')) {
          if (listItems(path, now) === undefined) rmSync(path, { recursive: true, force: true });
        } else if (name.startsWith('e-')) {
          unlinkQuietly(path); // named after its key by an earlier version: never read again
        } else {
          const content = readFileSync(path, 'utf8');
          const entry = parseFileEntry(content);
          if (!entry || entry.e <= now) removeIfExpired(path, content, now);
        }
      } catch {
        // another process swept it first
      }
    }
  };
  const counters = machineCounters(dir);
  sweep();
  const timer = setInterval(() => {
    sweep();
    counters.sweep();
  }, options.sweepIntervalMs ?? 30_000);
  timer.unref();

  return {
    kind: 'machine',
    get: <T>(key: string) => liveValue(key)?.v as T | undefined,
    list: <T>(prefix: string) => {
      const now = Date.now();
      const found: Array<[string, T]> = [];
      for (const name of readdirSync(dir)) {
        if (!name.startsWith('h-')) continue;
        const entry = readEntry(join(dir, name));
        if (entry && entry.k.startsWith(prefix) && entry.e > now) found.push([entry.k, entry.v as T]);
      }
      return found;
    },
    set: async (key, value, ttlMs) => {
      invalidate();
      renameSync(writeTemp(JSON.stringify({ k: key, e: Date.now() + ttlMs, v: value })), join(dir, fileName(key)));
    },
    setIfAbsent: async (key, value, ttlMs) => {
      invalidate();
      const path = join(dir, fileName(key));
      const temp = writeTemp(JSON.stringify({ k: key, e: Date.now() + ttlMs, v: value }));
      try {
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            linkSync(temp, path);
            return true;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          }
          let content: string | undefined;
          try {
            content = readFileSync(path, 'utf8');
          } catch {
            continue; // removed in between: try again
          }
          const entry = parseFileEntry(content);
          const now = Date.now();
          if (entry && entry.e > now) return false;
          removeIfExpired(path, content, now);
        }
        return false;
      } finally {
        unlinkQuietly(temp);
      }
    },
    delete: async (key) => {
      invalidate();
      unlinkQuietly(join(dir, fileName(key)));
    },
    append: async (key, value, { max, ttlMs }) => {
      const listDir = join(dir, `l-${fileName(key)}`);
      mkdirSync(listDir, { recursive: true, mode: 0o700 });
      const now = Date.now();
      const name = `${String(now).padStart(15, '0')}-${String(process.pid).padStart(8, '0')}-${String(++sequence).padStart(8, '0')}`;
      renameSync(writeTemp(JSON.stringify({ k: key, e: now + ttlMs, v: value })), join(listDir, name));
      const names = readdirSync(listDir).sort();
      for (const old of names.slice(0, Math.max(0, names.length - max))) unlinkQuietly(join(listDir, old));
    },
    range: <T>(key: string) => (listItems(join(dir, `l-${fileName(key)}`)) ?? []).map((item) => item.v as T),
    increment: (key, fields, ttlMs) => counters.increment(key, fields, ttlMs),
    counters: (prefix) => counters.read(prefix),
    ping: async () => void statSync(dir),
    close: async () => {
      clearInterval(timer);
      watcher?.close();
      watcher = undefined;
    },
  };
}

/** A file name for `key`: a hash, so that names stay short and a listing of the directory reveals no key. */
function fileName(key: string): string {
  return `h-${createHash('sha256').update(key).digest('base64url')}`;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
