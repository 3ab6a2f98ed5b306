import { type APIConnectOptions, DEFAULT_API_CONNECT_OPTIONS, stt, tokenize, tts } from '@livekit/agents';
import * as cartesia from '@livekit/agents-plugin-cartesia';
import * as deepgram from '@livekit/agents-plugin-deepgram';
import * as openai from '@livekit/agents-plugin-openai';
import type { AudioFrame } from '@livekit/rtc-node';
import { createVoiceStack, type BuiltinSTTConfig, type BuiltinTTSConfig, type VoiceStack } from '../src/index.js';
import { speechLikeFrames } from '../src/testing/index.js';

/** The TTS endpoint formats the bench measures: a streaming WebSocket (Cartesia) and one-shot HTTP (OpenAI). */
export type TTSFormat = 'cartesia' | 'openai';

/** One TTS under test, called the way an `AgentSession` calls it (agents 1.9 `voice/agent.ts`, `ttsNode`). */
export interface TTSContender {
  readonly name: string;
  readonly sampleRate: number;
  /** A stream for one utterance, with the session's connection options. */
  stream(): tts.SynthesizeStream;
  close(): Promise<void>;
}

/** One timed utterance. Durations in ms from `stream()`. */
export interface Utterance {
  /** Time to the first audio frame. */
  ttfaMs: number;
  /** Time to the end of the utterance (`END_OF_STREAM`, or the stream's end). */
  totalMs: number;
  /** Samples per channel received, and the sample rate of every frame (`-1` if they differ). */
  samples: number;
  sampleRate: number;
  /** The PCM received, when asked for (audio correctness). */
  pcm?: Int16Array;
  error?: string;
}

/** What the bench makes each utterance say: one sentence, as an LLM reply's first sentence reaches the TTS. */
export const UTTERANCE = 'Hello there, this is the bench speaking.';
const noop = () => {};

/** What the session passes to the TTS of a stack (`stack.sessionOptions()` merged over LiveKit's defaults). */
const STACK_CONN: APIConnectOptions = { ...DEFAULT_API_CONNECT_OPTIONS, maxRetry: 0 };

/** A raw plugin TTS on a bench endpoint. `model` picks the OpenAI-format server's behaviour (`healthy`, `rate-limited#3` …). */
export function rawTTS(format: TTSFormat, baseURL: string, model = 'healthy'): tts.TTS {
  const instance =
    format === 'cartesia'
      ? new cartesia.TTS({ apiKey: 'bench', baseUrl: baseURL, model, sampleRate: 24_000 })
      : new openai.TTS({ apiKey: 'bench', baseURL, model, voice: 'alloy' });
  instance.on('error', noop);
  return instance;
}

/**
 * How a session streams from a TTS: directly when it streams, else through a `tts.StreamAdapter` with a sentence
 * tokenizer that it builds for the utterance and closes afterwards.
 */
function sessionStream(instance: tts.TTS, connOptions: APIConnectOptions): tts.SynthesizeStream {
  if (instance.capabilities.streaming) return instance.stream({ connOptions });
  const adapter = new tts.StreamAdapter(instance, new tokenize.basic.SentenceTokenizer());
  adapter.on('error', noop);
  const stream = adapter.stream({ connOptions });
  const close = stream.close.bind(stream);
  stream.close = () => {
    close();
    void adapter.close();
  };
  return stream;
}

export function rawTTSContender(
  name: string,
  format: TTSFormat,
  baseURL: string,
  model?: string,
  connOptions = DEFAULT_API_CONNECT_OPTIONS,
): TTSContender {
  const instance = rawTTS(format, baseURL, model);
  return { name, sampleRate: instance.sampleRate, stream: () => sessionStream(instance, connOptions), close: () => instance.close() };
}

/** LiveKit's `tts.FallbackAdapter` with its defaults over raw plugin TTSs. */
export function ttsFallbackAdapterContender(name: string, children: tts.TTS[]): TTSContender {
  const adapter = new tts.FallbackAdapter({ ttsInstances: children });
  adapter.on('error', noop);
  return {
    name,
    sampleRate: adapter.sampleRate,
    stream: () => sessionStream(adapter, DEFAULT_API_CONNECT_OPTIONS),
    close: async () => {
      await adapter.close();
      await Promise.all(children.map((child) => child.close()));
    },
  };
}

/** A TTS entry of the stack's config on a bench endpoint. */
export function ttsEntry(format: TTSFormat, baseURL: string, model?: string): BuiltinTTSConfig {
  return format === 'cartesia'
    ? { provider: 'cartesia', baseURL, apiKey: 'bench', ...(model && { model }) }
    : { provider: 'openai-compatible', baseURL, model: model ?? 'healthy' };
}

/** `createVoiceStack({ tts: entries }).tts`, streamed with the connection options of `stack.sessionOptions()`. */
export async function stackTTSContender(name: string, entries: BuiltinTTSConfig[]): Promise<TTSContender & { stack: VoiceStack }> {
  const stack = await createVoiceStack({ tts: entries });
  const instance = stack.tts!;
  instance.on('error', noop);
  const connOptions = { ...DEFAULT_API_CONNECT_OPTIONS, ...stack.sessionOptions().connOptions.ttsConnOptions };
  return { name, stack, sampleRate: instance.sampleRate, stream: () => sessionStream(instance, connOptions), close: () => stack.close() };
}

/**
 * Speaks one utterance as a session does: text pushed, input ended, every audio frame read until `END_OF_STREAM`.
 * An utterance without audio is an error; `deadlineMs` bounds a hung one.
 */
export async function timeUtterance(
  contender: TTSContender,
  options: { text?: string; deadlineMs?: number; keepPCM?: boolean } = {},
): Promise<Utterance> {
  const start = performance.now();
  const stream = contender.stream();
  let ttfa = Number.NaN;
  let samples = 0;
  let sampleRate = 0;
  const parts: Int16Array[] = [];
  let error: string | undefined;
  const deadline = setTimeout(() => {
    error = `no end after ${options.deadlineMs ?? 60_000} ms`;
    stream.close();
  }, options.deadlineMs ?? 60_000);
  try {
    stream.pushText(options.text ?? UTTERANCE);
    stream.endInput();
    for await (const audio of stream) {
      if (audio === tts.SynthesizeStream.END_OF_STREAM) break;
      if (Number.isNaN(ttfa)) ttfa = performance.now() - start;
      const frame: AudioFrame = audio.frame;
      samples += frame.samplesPerChannel;
      sampleRate = sampleRate === 0 || sampleRate === frame.sampleRate ? frame.sampleRate : -1;
      if (options.keepPCM) parts.push(frame.data.slice());
    }
  } catch (cause) {
    error ??= cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  } finally {
    clearTimeout(deadline);
    stream.close();
  }
  const totalMs = performance.now() - start;
  if (!error && samples === 0) error = 'no audio';
  return {
    ttfaMs: ttfa,
    totalMs,
    samples,
    sampleRate,
    ...(options.keepPCM && { pcm: concat(parts) }),
    ...(error && { error }),
  };
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** One STT under test, streamed as a session streams (one `stt.stream({ connOptions })` per call). */
export interface STTContender {
  readonly name: string;
  readonly stt: stt.STT;
  readonly connOptions: APIConnectOptions;
  close(): Promise<void>;
}

/** A raw Deepgram plugin STT on a bench mock, as an agent would build it by hand. */
export function rawSTT(baseURL: string, model = 'nova-3'): stt.STT {
  const instance = new deepgram.STT({ apiKey: 'bench', baseUrl: baseURL.replace(/^http/, 'ws'), model: model as 'nova-3', language: 'en' });
  instance.on('error', noop);
  return instance;
}

export function rawSTTContender(name: string, baseURL: string): STTContender {
  const instance = rawSTT(baseURL);
  return { name, stt: instance, connOptions: DEFAULT_API_CONNECT_OPTIONS, close: () => instance.close() };
}

/** LiveKit's `stt.FallbackAdapter` with its defaults over raw plugin STTs. */
export function sttFallbackAdapterContender(name: string, children: stt.STT[]): STTContender {
  const adapter = new stt.FallbackAdapter({ sttInstances: children });
  adapter.on('error', noop);
  return {
    name,
    stt: adapter,
    connOptions: DEFAULT_API_CONNECT_OPTIONS,
    close: async () => {
      await adapter.close();
      await Promise.all(children.map((child) => child.close()));
    },
  };
}

export async function stackSTTContender(
  name: string,
  entries: BuiltinSTTConfig[],
  retry?: { stallTimeoutMs: number },
): Promise<STTContender> {
  const stack = await createVoiceStack({ stt: entries, ...(retry && { retry }) });
  const instance = stack.stt!;
  instance.on('error', noop);
  return {
    name,
    stt: instance,
    connOptions: { ...DEFAULT_API_CONNECT_OPTIONS, ...stack.sessionOptions().connOptions.sttConnOptions },
    close: () => stack.close(),
  };
}

export function deepgramEntry(baseURL: string, model?: string): BuiltinSTTConfig {
  return { provider: 'deepgram', baseURL, apiKey: 'bench', ...(model && { model }) };
}

/** One utterance: 100 ms of silence, `speechMs` of speech, `silenceMs` of silence, 20 ms frames at 16 kHz. */
export function utteranceFrames(speechMs = 600, silenceMs = 500): { frames: AudioFrame[]; endOfSpeech: number } {
  const leadingSilenceMs = 100;
  const frames = speechLikeFrames({ leadingSilenceMs, speechMs, trailingSilenceMs: silenceMs });
  return { frames, endOfSpeech: Math.round((leadingSilenceMs + speechMs) / 20) };
}

/** A recognition: when the final transcripts came (ms from the stream's start) and what they said. */
export interface Finals {
  at: number[];
  texts: string[];
  /** Resolves at the next final transcript (or when the stream ends). */
  next(): Promise<void>;
}

/** Reads a speech stream's events in the background, recording final transcripts. */
export function watchFinals(stream: stt.SpeechStream, start: number): Finals {
  const finals: Finals = { at: [], texts: [], next: () => waiting };
  let wake: () => void = noop;
  let waiting = new Promise<void>((resolve) => (wake = resolve));
  void (async () => {
    try {
      for await (const event of stream) {
        if (event.type !== stt.SpeechEventType.FINAL_TRANSCRIPT) continue;
        finals.at.push(performance.now() - start);
        finals.texts.push(event.alternatives?.[0]?.text ?? '');
        wake();
        waiting = new Promise<void>((resolve) => (wake = resolve));
      }
    } catch {
      // a failed stream ends like a closed one: no more finals
    } finally {
      wake();
    }
  })();
  return finals;
}
