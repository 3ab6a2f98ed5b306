import { initializeLogger, log, loggerOptions } from '@livekit/agents';
import { terminalLogger } from './terminal-logger.js';

/** The logger the stack writes to. `console` fits; so does a wrapper around pino or LiveKit's logger. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * LiveKit's own logger when the app initialised it (`cli.runApp` or `initializeLogger()`), so our lines land
 * beside LiveKit's; otherwise warnings and errors go to the console and the rest is dropped.
 */
export function defaultLogger(): Logger {
  const livekit = (): ReturnType<typeof log> | undefined => {
    try {
      return log().child({ name: 'livekit-voice-stack' });
    } catch {
      return undefined;
    }
  };
  return Object.fromEntries(
    LEVELS.map((level) => [
      level,
      (message: string, fields: Record<string, unknown> = {}) => {
        const pino = livekit();
        if (pino) pino[level](fields, message);
        else if (level === 'warn' || level === 'error') console[level](`[livekit-voice-stack] ${message}`, fields);
      },
    ]),
  ) as unknown as Logger;
}

// LiveKit keeps its logger under this global key (log_core.js in 1.9); initializeLogger() can only build a JSON or
// pretty pino on stdout, so the terminal logger is put there directly. A host's initializeLogger() replaces it.
const LIVEKIT_LOGGER_KEY = Symbol.for('@livekit/agents:logger');
/** The options object of the logger the library set up: a host that initialises its own replaces it. */
let ownOptions: object | undefined;

/**
 * Sets up LiveKit's logger unless the host already did (outside `cli.runApp`, plugin constructors otherwise throw
 * `logger not initialized`): readable lines on stderr, warnings and errors only (`LOG_LEVEL` or
 * `LIVEKIT_VOICE_STACK_LOG_LEVEL` may lower it). A later `initializeLogger()` by the host takes over.
 */
export function ensureLiveKitLogger(env: Readonly<Record<string, string | undefined>> = process.env): void {
  if (loggerOptions()) return;
  const requested = (env.LIVEKIT_VOICE_STACK_LOG_LEVEL ?? env.LOG_LEVEL ?? '').toLowerCase();
  const level = (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const).find((name) => name === requested) ?? 'warn';
  initializeLogger({ pretty: false, level });
  const globals = globalThis as Record<symbol, unknown>;
  // If a LiveKit release keeps its logger elsewhere, its own JSON logger stays: still a working logger.
  if (globals[LIVEKIT_LOGGER_KEY] !== log()) return;
  globals[LIVEKIT_LOGGER_KEY] = terminalLogger({ level });
  ownOptions = loggerOptions();
}

/** True while LiveKit's logger is the one {@link ensureLiveKitLogger} set up (the host has not set up its own). */
export function libraryOwnsLogger(): boolean {
  return ownOptions !== undefined && loggerOptions() === ownOptions;
}

let bannerShown = false;

/**
 * The startup banner: once per process on stderr when the library set up the logger (the terminal of a script or a
 * `tsx agent.ts`), else to `logger` at info for each stack (the host's logger decides what shows).
 */
export function logBanner(
  logger: Logger,
  { custom, level, message, fields }: { custom: boolean; level: 'info' | 'warn'; message: string; fields: Record<string, unknown> },
): void {
  if (custom || !libraryOwnsLogger()) return logger[level](message, fields);
  if (bannerShown) return;
  bannerShown = true;
  process.stderr.write(`livekit-voice-stack${level === 'warn' ? ' warn' : ''}: ${message}\n`);
}
