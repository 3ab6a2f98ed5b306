import type { Logger, VoiceStack } from '../../src/index.js';
import type { VoiceStackEvents } from '../../src/policies/events.js';
import { withoutCall } from './without-call.js';

type LogEntry = { level: string; message: string; fields: Record<string, unknown> };

/** A logger that keeps what it was told: `lines` as `level message {fields}`, `entries` whole, `messages(level)`. */
export function recordingLogger(): Logger & {
  lines: string[];
  entries: LogEntry[];
  messages(level: LogEntry['level']): string[];
} {
  const entries: LogEntry[] = [];
  const lines: string[] = [];
  const write =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      entries.push({ level, message, fields });
      lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
    };
  return {
    entries,
    lines,
    messages: (level) => entries.filter((entry) => entry.level === level).map((entry) => entry.message),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}

type EventName = keyof VoiceStackEvents;
export type Recorded = { [K in EventName]: { name: K; payload: Parameters<VoiceStackEvents[K]>[0] } }[EventName];

/** Records the stack's policy events in order. */
export function recordEvents(stack: VoiceStack) {
  const events: Recorded[] = [];
  for (const name of ['retry', 'fallback', 'holding', 'exhausted', 'recovered'] as const) {
    stack.on(name, ((payload: unknown) => void events.push({ name, payload: withoutCall(payload as object) } as Recorded)) as never);
  }
  return {
    events,
    of<K extends EventName>(name: K): Parameters<VoiceStackEvents[K]>[0][] {
      return events.filter((event) => event.name === name).map((event) => event.payload as Parameters<VoiceStackEvents[K]>[0]);
    },
  };
}

/** How often `needle` occurs in `text`. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
