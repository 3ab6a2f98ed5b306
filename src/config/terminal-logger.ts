import { maskText } from './secrets.js';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type TerminalLevel = keyof typeof LEVELS;

/** LiveKit's close-time warning (with the caller's words as a field): expected on every `session.close()`. */
const EXPECTED_AT_CLOSE = /^skipping user input, speech scheduling is paused$/;

/** The pino methods LiveKit 1.9 calls on its logger (`log()`, `log().child(…)`), writing one readable line each. */
export interface TerminalLogger {
  level: string;
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  fatal(...args: unknown[]): void;
  child(bindings: Record<string, unknown>): TerminalLogger;
  isLevelEnabled(level: string): boolean;
  flush(): void;
}

/**
 * A pino-shaped logger for a terminal: `livekit-voice-stack warn: <message> (key=value …)` on stderr, secrets masked.
 * What the library installs as LiveKit's logger when the host set none up, instead of JSON lines on stdout.
 */
export function terminalLogger(
  options: { level?: TerminalLevel; write?: (line: string) => void; bindings?: Record<string, unknown> } = {},
): TerminalLogger {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const bindings = options.bindings ?? {};
  const threshold = () => LEVELS[logger.level as TerminalLevel] ?? LEVELS.warn;
  const emit = (level: TerminalLevel, args: unknown[]) => {
    const [first, second] = args;
    const fields = first !== null && typeof first === 'object' && !(first instanceof Error) ? (first as Record<string, unknown>) : {};
    const error = first instanceof Error ? first : [fields.error, fields.err].find((value) => value instanceof Error);
    const message = typeof first === 'string' ? first : typeof second === 'string' ? second : (error?.message ?? '');
    // Expected on every close, and it carries what the caller said: not for the terminal.
    if (EXPECTED_AT_CLOSE.test(message) && LEVELS[level] < LEVELS.error) level = 'debug';
    if (LEVELS[level] < threshold()) return;
    const name = typeof bindings.name === 'string' ? bindings.name : 'livekit';
    const detail = error && !message.includes(error.message) ? `: ${error.message}` : '';
    const extras = summary({ ...bindings, name: undefined, ...fields, error: undefined, err: undefined });
    write(`${maskText(`${name} ${level}: ${message}${detail}${extras ? ` (${extras})` : ''}`)}\n`);
  };
  const logger: TerminalLogger = {
    level: options.level ?? 'warn',
    trace: (...args) => emit('trace', args),
    debug: (...args) => emit('debug', args),
    info: (...args) => emit('info', args),
    warn: (...args) => emit('warn', args),
    error: (...args) => emit('error', args),
    fatal: (...args) => emit('fatal', args),
    child: (more) => {
      const child = terminalLogger({ write, bindings: { ...bindings, ...more } });
      // A child follows its parent's level, as pino's do unless given their own.
      Object.defineProperty(child, 'level', { get: () => logger.level, set: (value: string) => (logger.level = value) });
      return child;
    },
    isLevelEnabled: (level) => (LEVELS[level as TerminalLevel] ?? 0) >= threshold(),
    flush: () => undefined,
  };
  return logger;
}

/** `key=value` for the short scalar fields; objects and long values are left to a host's structured logger. */
function summary(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(
      ([key, value]) => !key.startsWith('lk.') && ['string', 'number', 'boolean'].includes(typeof value) && String(value).length <= 80,
    )
    .slice(0, 6)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
}
