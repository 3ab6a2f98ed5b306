import { initializeLogger, log, loggerOptions } from '@livekit/agents';

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

/**
 * Initialises LiveKit's logger (warnings and errors, pretty on a terminal) unless the host already did: outside
 * `cli.runApp`, plugin constructors otherwise throw `logger not initialized`. A later `initializeLogger()` call by the
 * host replaces it.
 */
export function ensureLiveKitLogger(): void {
  if (!loggerOptions()) initializeLogger({ pretty: Boolean(process.stdout.isTTY), level: 'warn' });
}
