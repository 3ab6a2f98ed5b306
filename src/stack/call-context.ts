import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { getJobContext, type voice } from '@livekit/agents';
import type { CallFields } from '../policies/events.js';

/** The call whose stream is running: chains' events emitted inside it carry its fields. */
const currentCall = new AsyncLocalStorage<CallFields>();

/** The call fields of the code running now, if it runs inside a call's stream. */
export function activeCall(): CallFields | undefined {
  return currentCall.getStore();
}

/**
 * The fields that tell one call's events from another's: the session id (given, or a new UUID), and inside a job
 * entrypoint the room name and job id.
 */
export function callFieldsOf(sessionId: string | undefined): CallFields {
  let job: ReturnType<typeof getJobContext> | undefined;
  try {
    job = getJobContext(false);
  } catch {
    job = undefined;
  }
  const roomName = job?.job.room?.name || job?.room.name || undefined;
  return { sessionId: sessionId ?? randomUUID(), ...(roomName && { roomName }), ...(job?.job.id && { jobId: job.job.id }) };
}

/** The connection-option objects a session passes to `stt.stream()`, `llm.chat()` and `tts.stream()`: one set per session. */
export function sessionConnOptions(session: voice.AgentSession): object[] {
  const { sttConnOptions, llmConnOptions, ttsConnOptions } = session.connOptions;
  return [sttConnOptions, llmConnOptions, ttsConnOptions];
}

type Method = (...args: never[]) => unknown;

/**
 * Makes the streams a shared instance creates run inside the call that asked for them. A session passes its own
 * connection-option objects to `chat()`, `stream()` and `synthesize()`; `calls` maps them to the call's fields, and
 * the stream (whose task starts in its constructor) inherits the call as its async context, so the chain's events
 * know which call they belong to even when many calls share one stack.
 */
export function bindStreamsToCalls(instance: object | undefined, calls: WeakMap<object, CallFields>): void {
  if (!instance) return;
  const target = instance as Record<string, Method>;
  const wrap = (name: string, connOptionsOf: (args: unknown[]) => unknown) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    target[name] = function (this: unknown, ...args: never[]) {
      const key = connOptionsOf(args);
      const call = typeof key === 'object' && key !== null ? calls.get(key) : undefined;
      return call ? currentCall.run(call, () => original.apply(this, args)) : original.apply(this, args);
    } as Method;
  };
  wrap('chat', (args) => (args[0] as { connOptions?: unknown } | undefined)?.connOptions);
  wrap('stream', (args) => (args[0] as { connOptions?: unknown } | undefined)?.connOptions);
  wrap('synthesize', (args) => args[1]);
}
