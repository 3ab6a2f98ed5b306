import { ConnectionPool, inference, llm, stt, tts, version } from '@livekit/agents';
import type { RawData, WebSocket } from 'ws';
import { VoiceStackError } from '../errors/index.js';

/**
 * Every place the library reaches into LiveKit internals (private fields, protected methods, prototypes) of
 * @livekit/agents 1.9 and its plugins goes through this module. `checkLiveKitInternals()` checks their shapes when a
 * stack is created, and each accessor checks its own again where it is used, so that a LiveKit release that changed
 * one fails with an error naming the version and what changed instead of misbehaving silently. docs/architecture.md
 * ("LiveKit internals") lists them and why each is needed.
 */

/** The @livekit/agents versions this release is tested with (the `peerDependencies` range says the same). */
const TESTED_LIVEKIT_AGENTS = '1.9.x';

/**
 * `Failed to <what>: <package> no longer has <missing> … Fix: pin …`. `where` names the package whose internals
 * changed: @livekit/agents with its installed version, or a plugin.
 */
export function liveKitInternalsError(what: string, missing: string, where = `@livekit/agents ${version}`): VoiceStackError {
  return new VoiceStackError(
    'LIVEKIT_INCOMPATIBLE',
    `Failed to ${what}: ${where} no longer has ${missing}, which livekit-voice-stack relies on. ` +
      `Fix: pin @livekit/agents and its plugins to ${TESTED_LIVEKIT_AGENTS}, the versions this release is tested with, or upgrade livekit-voice-stack.`,
  );
}

type Shape = { readonly what: string; readonly missing: string; readonly holds: () => boolean };

const isFunction = (value: unknown): boolean => typeof value === 'function';
const method = (target: unknown, name: string): boolean => isFunction((target as Record<string, unknown> | undefined)?.[name]);

/** The shapes of the core package that every stack may rely on (prototype members: no instance is created). */
const CORE_SHAPES: readonly Shape[] = [
  {
    what: 'guard one-shot TTS syntheses',
    missing: '`tts.ChunkedStream.prototype.mainTask` (its failure would become an unhandled rejection)',
    holds: () => method(tts.ChunkedStream.prototype, 'mainTask'),
  },
  {
    what: 'read what Cartesia and LiveKit Inference TTS send',
    missing: '`ConnectionPool.prototype.prewarm` (the way to reach a plugin’s private connection pool)',
    holds: () => method(ConnectionPool.prototype, 'prewarm'),
  },
  {
    what: 'guard LiveKit Inference STT sockets',
    missing: '`inference.STT.prototype.connectWs` (a non-JSON frame would crash the process)',
    holds: () => method(inference.STT.prototype, 'connectWs'),
  },
  {
    what: 'forward STT metrics once',
    missing: '`stt.SpeechStream.prototype.monitorMetrics` (the STT chain overrides it)',
    holds: () => method(stt.SpeechStream.prototype, 'monitorMetrics'),
  },
  {
    what: 'hand the LLM chain’s reply to the session',
    missing: '`llm.LLMStream.prototype.monitorMetrics` (the LLM chain overrides it to end the reply with its task)',
    holds: () => method(llm.LLMStream.prototype, 'monitorMetrics'),
  },
  {
    what: 'capture an LLM attempt’s failure',
    missing: '`inference.LLMStream.prototype.run` (a stream’s work, wrapped to keep its failure)',
    holds: () => method(inference.LLMStream.prototype, 'run'),
  },
];

/**
 * Checks the shapes of LiveKit internals the library relies on (a few property reads: `createVoiceStack()` runs it
 * every time). Throws a `VoiceStackError` (code `LIVEKIT_INCOMPATIBLE`) naming the installed version and the first
 * shape that changed.
 */
export function checkLiveKitInternals(shapes: readonly Shape[] = CORE_SHAPES): void {
  for (const shape of shapes) if (!shape.holds()) throw liveKitInternalsError(shape.what, shape.missing);
}

/**
 * Routes `inference.LLM`'s OpenAI SDK client (its private `client`, which the constructor takes no option for) through
 * `fetch`: the option's `ResponseObserver` sees the headers LiveKit drops (`Retry-After`), and msw sees the requests.
 * Returns the new client.
 */
export function routeInferenceLLMFetch(instance: object, fetch: typeof globalThis.fetch): object {
  const holder = instance as { client?: { withOptions?: (options: { fetch: typeof globalThis.fetch }) => unknown } };
  if (!method(holder.client, 'withOptions'))
    throw liveKitInternalsError('route LiveKit Inference LLM requests', '`inference.LLM#client.withOptions()` (its OpenAI SDK client)');
  holder.client = holder.client!.withOptions!({ fetch }) as typeof holder.client;
  return holder.client!;
}

/**
 * A child stream's `run()` throws its failure into LiveKit's retry loop, which only logs it: keep it for the chain
 * (and tell `onFailure`). The stream starts `run()` on a later tick (`startSoon`), so wrapping it right after
 * construction is in time.
 */
export function captureRunFailure(
  stream: object,
  onFailure?: (error: unknown) => void,
): { readonly error: unknown; readonly failed: boolean } {
  const record = { error: undefined as unknown, failed: false };
  const target = stream as { run?: () => Promise<void> };
  const run = target.run;
  if (!isFunction(run)) throw liveKitInternalsError('capture a stream’s failure', `\`run()\` on ${stream.constructor?.name ?? 'a stream'}`);
  target.run = async () => {
    try {
      await run!.call(stream);
    } catch (error) {
      record.failed = true;
      record.error = error;
      onFailure?.(error);
      throw error;
    }
  };
  return record;
}

/**
 * The abort signal an LLM stream's plugin hands its HTTP client with each request (`llm.LLMStream#abortController`,
 * which `inference.LLMStream` passes to the OpenAI SDK), or undefined should a LiveKit version no longer have it.
 */
export function requestSignalOf(stream: llm.LLMStream): AbortSignal | undefined {
  const signal = (stream as unknown as { abortController?: { signal?: unknown } }).abortController?.signal;
  return signal instanceof AbortSignal ? signal : undefined;
}

type Audio = tts.SynthesizedAudio;

/**
 * Has `stream` run `run` bare as its request task (`llm.LLMStream#mainTask`), instead of LiveKit's task with its
 * retry loop, tracing spans and metrics monitor. Should a LiveKit version rename that task, the stream keeps working
 * through LiveKit's own: the caller's stream must not depend on the replacement.
 */
export function runAsMainTask(stream: llm.LLMStream, run: () => Promise<void>): void {
  const target = stream as unknown as { mainTask?: unknown };
  if (isFunction(target.mainTask)) target.mainTask = run;
}

/**
 * Catches the failure of a child's `ChunkedStream` (its private `mainTask` starts on the next microtask, so patching it
 * right after `synthesize()` returns is in time) and throws it from the stream's iteration instead: LiveKit runs it
 * in a promise nobody awaits, so a failure is both emitted and rejected into the void.
 */
export function guardChunkedStream(stream: tts.ChunkedStream): tts.ChunkedStream {
  const target = stream as unknown as { mainTask?: () => Promise<void>; next: () => Promise<IteratorResult<Audio>> };
  const mainTask = target.mainTask;
  if (!isFunction(mainTask)) throw liveKitInternalsError('guard a one-shot TTS synthesis', '`tts.ChunkedStream#mainTask()`');
  let failure: { error: unknown } | undefined;
  target.mainTask = () =>
    mainTask!.call(stream).catch((error: unknown) => {
      failure = { error };
    });
  const next = target.next;
  target.next = async () => {
    const result = await next.call(stream);
    if (result.done && failure) {
      const { error } = failure;
      failure = undefined;
      throw error;
    }
    return result;
  };
  return stream;
}

/** What a `VADStream` keeps internally (agents 1.9 `vad.ts`), for the segmentation fixes of `vad-segmented-stt.ts`. */
export interface VADStreamInternals {
  inputClosed: boolean;
  closed: boolean;
  inputWriter: WritableStreamDefaultWriter<unknown>;
  outputWriter: WritableStreamDefaultWriter<unknown>;
  outputReader: ReadableStreamDefaultReader<unknown>;
  output: { writable: WritableStream<unknown> };
  _pumpTask?: Promise<void>;
}

/** A `VADStream`'s internals, checked. */
export function vadStreamInternals(stream: object): VADStreamInternals {
  const internals = stream as Partial<VADStreamInternals>;
  const missing = (['inputWriter', 'outputWriter', 'outputReader'] as const).filter((name) => !internals[name]);
  if (typeof internals.closed !== 'boolean' || typeof internals.inputClosed !== 'boolean') missing.push('closed/inputClosed' as never);
  if (!(internals.output?.writable instanceof WritableStream)) missing.push('output.writable' as never);
  if (missing.length) throw liveKitInternalsError('segment speech with the VAD', `\`VADStream#${missing.join('`, `#')}\``);
  return internals as VADStreamInternals;
}

/**
 * The connection pool a LiveKit plugin opens its WebSockets through: Inference keeps it in its public `pool` field;
 * Cartesia keeps it private and reaches it only from `prewarm()`, which calls `pool.prewarm()`. That prototype method
 * is swapped for the duration of that one synchronous call, so nothing connects and no other pool is affected.
 */
function poolOf(instance: object): ConnectionPool<unknown> | undefined {
  const direct = (instance as { pool?: unknown }).pool;
  if (direct instanceof ConnectionPool) return direct;
  const prewarm = (instance as { prewarm?: unknown }).prewarm;
  if (typeof prewarm !== 'function') return undefined;
  const prototype = ConnectionPool.prototype as { prewarm: () => void };
  const original = prototype.prewarm;
  let found: ConnectionPool<unknown> | undefined;
  prototype.prewarm = function (this: ConnectionPool<unknown>) {
    found = this;
  };
  try {
    prewarm.call(instance);
  } catch {
    // a plugin whose prewarm does something else: found stays undefined
  } finally {
    prototype.prewarm = original;
  }
  return found;
}

/**
 * Calls `onMessage` with every JSON message received on the WebSockets a LiveKit plugin opens through its
 * `ConnectionPool` (Cartesia TTS, LiveKit Inference TTS), beside the plugin's own listener. It reads; it never
 * answers or consumes. The plugins swallow some in-band errors (Cartesia logs a 4xx error message at debug level and
 * ends the synthesis as if it were done; Inference drops the `code` of its `error` event): this is how the chain
 * still learns what the provider said, without reimplementing either protocol. Relies on the pool's private
 * `connectCb`.
 */
export function observePooledSockets(instance: object, onMessage: (message: Record<string, unknown>) => void): void {
  const pool = poolOf(instance) as unknown as { connectCb?: (timeout: number) => Promise<WebSocket> } | undefined;
  const connect = pool?.connectCb;
  if (!pool || !isFunction(connect))
    throw liveKitInternalsError(
      `read what ${instance.constructor?.name ?? 'a plugin'} receives`,
      'a `ConnectionPool` with `connectCb` behind the plugin’s `pool` or `prewarm()`',
    );
  const listener = (data: RawData, isBinary: boolean) => {
    if (isBinary) return;
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message && typeof message === 'object') onMessage(message as Record<string, unknown>);
  };
  pool.connectCb = async (timeout) => {
    const socket = await connect!.call(pool, timeout);
    if (typeof socket?.on === 'function') socket.on('message', listener);
    return socket;
  };
}

/** What the OpenAI plugin's `RealtimeSession` keeps internally and the realtime guard replaces or reads (plugin 1.9). */
export interface RealtimeSessionInternals {
  createWsConn(): Promise<WebSocket>;
  currentGeneration?: unknown;
  messageChannel: { put(event: { type: string }): Promise<void> };
  _options: { baseURL: string; model: string; apiKey?: string; connOptions: { timeoutMs: number } };
}

/** Checks that the plugin's `RealtimeSession` still connects through a `createWsConn()` method the guard can replace. */
export function checkRealtimeSessionClass(RealtimeSession: { prototype: object }): void {
  if (!method(RealtimeSession.prototype, 'createWsConn') || !method(RealtimeSession.prototype, 'close'))
    throw liveKitInternalsError(
      'guard OpenAI Realtime sessions',
      '`realtime.RealtimeSession#createWsConn()` and `#close()`',
      `@livekit/agents-plugin-openai (beside @livekit/agents ${version})`,
    );
}

/** A `RealtimeSession`'s internals, checked. */
export function realtimeSessionInternals(session: object): RealtimeSessionInternals {
  const internals = session as Partial<RealtimeSessionInternals>;
  if (!method(internals.messageChannel, 'put') || typeof internals._options?.baseURL !== 'string')
    throw liveKitInternalsError(
      'reconnect an OpenAI Realtime session',
      '`RealtimeSession#messageChannel.put()` and `#_options.baseURL`',
      `@livekit/agents-plugin-openai (beside @livekit/agents ${version})`,
    );
  return internals as RealtimeSessionInternals;
}
