import { lstatSync, mkdirSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { StoreLogger } from './state-store.js';
import { VoiceStackError } from '../errors/index.js';

/** `<os.tmpdir()>/livekit-voice-stack-<user>`: the default directory, when `LIVEKIT_VOICE_STACK_STATE_DIR` is not set. */
export function sharedTmpStateDir(): string {
  return join(tmpdir(), `livekit-voice-stack-${safeUser()}`);
}

let warned = false;

/**
 * The directory of a machine store, created (mode 0700) if missing and checked: it must be a real directory (not a
 * symbolic link), owned by this user and writable by nobody else, since its entries are trusted (a planted mode, a
 * cached organisation record with another `baseURL`). A `dir` the caller chose is refused with an error; the default
 * one, which any local user can create first in the shared temp directory, is replaced by a private one with one
 * warning per process: `$XDG_RUNTIME_DIR/livekit-voice-stack`, else `~/.cache/livekit-voice-stack/state` (the same
 * for every process of the user, so they still share state), else a new temp directory of this process.
 * @throws {VoiceStackError} `STORE_UNAVAILABLE` when a chosen `dir` is unsafe or cannot be created.
 */
export function machineStoreDir(chosen: string | undefined, logger: StoreLogger = console): string {
  if (chosen !== undefined) {
    const problem = prepare(chosen);
    if (problem)
      throw new VoiceStackError(
        'STORE_UNAVAILABLE',
        `Failed to open the machine store at ${chosen}: ${problem}. Fix: give a directory that this user owns and only it can write (mode 0700), or remove it so that it is created.`,
      );
    return chosen;
  }
  const shared = sharedTmpStateDir();
  const problem = prepare(shared);
  if (!problem) return shared;
  const candidates = [
    ...(process.env.XDG_RUNTIME_DIR ? [join(process.env.XDG_RUNTIME_DIR, 'livekit-voice-stack')] : []),
    join(homedir(), '.cache', 'livekit-voice-stack', 'state'),
  ];
  let dir = candidates.find((candidate) => prepare(candidate) === undefined);
  dir ??= mkdtempSync(join(tmpdir(), `livekit-voice-stack-${safeUser()}-`)); // 0700, ours: private to this process
  if (!warned) {
    warned = true;
    logger.warn(
      `Failed to use the state directory ${shared}: ${problem}. Fix: remove it (another user may have planted it), or set LIVEKIT_VOICE_STACK_STATE_DIR; this process keeps its state in ${dir} meanwhile.`,
      { dir },
    );
  }
  return dir;
}

/** Creates `dir` (0700) if missing; what is wrong with it, or `undefined` when it is safe to use. */
function prepare(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return `it cannot be created (${codeOf(error)})`;
  }
  let stats;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    return `it cannot be read (${codeOf(error)})`;
  }
  if (stats.isSymbolicLink()) return 'it is a symbolic link';
  if (!stats.isDirectory()) return 'it is not a directory';
  if (process.platform === 'win32') return undefined; // no owner or mode bits to check: the user profile's ACLs apply
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return `it belongs to another user (uid ${stats.uid})`;
  if (stats.mode & 0o022) return `other users can write to it (mode ${(stats.mode & 0o777).toString(8)})`;
  return undefined;
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

function safeUser(): string {
  try {
    return userInfo().username.replace(/[^\w.-]/g, '_') || String(process.getuid?.() ?? 'user');
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}
