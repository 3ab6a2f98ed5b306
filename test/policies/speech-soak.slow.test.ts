import { stt, tts } from '@livekit/agents';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import {
  mockCartesiaTTS,
  mockDeepgramSTT,
  mockInferenceSTT,
  mockInferenceTTS,
  pushFrames,
  speechLikeFrames,
  type STTScenario,
  type TTSScenario,
} from '../../src/testing/index.js';
import { sleep } from '../../src/testing/sleep.js';
import { recordEvents, recordingLogger } from '../helpers/recorders.js';
import { gc, random, resources, settled } from '../helpers/soak-probes.js';
import { SPEECH_KEYS } from '../helpers/speech-secrets.js';
import { forgetfulStore } from '../helpers/state.js';

// The speech side of the soak (mirrors test/policies/soak.slow.test.ts): hundreds of TTS utterances and STT streams
// through the chains with random faults, over real local WebSocket servers (countable sockets; the msw-backed OpenAI
// formats are covered by the fault matrices). Bounded by default; SOAK=1 for a long run.
const UTTERANCES = process.env.SOAK ? 5_000 : 200;
const STREAMS = process.env.SOAK ? 2_000 : 120;
const STT_BATCH = 10;

// Every failure is tried again on the next utterance (as in distinct outages): the failover path runs all the time.
const forgetful = forgetfulStore();
const TTS_FAULTS: TTSScenario[] = [
  {},
  {},
  {},
  { status: 429, retryAfter: 0.05 },
  { status: 503 },
  { reset: true },
  { delayMs: 150 }, // beyond the 80 ms first-audio timeout
  { audioMs: 600, chunkMs: 100, stallAfterChunks: 3 }, // after audio: the utterance ends with what was heard
  { audioMs: 600, chunkMs: 100, dropAfterChunks: 3 },
  { error: true },
  { malformed: true },
];
const STT_FAULTS: STTScenario[] = [
  {},
  {},
  {},
  { status: 429, retryAfter: 0.05 },
  { status: 503 },
  { reset: true },
  { error: true },
  { closeAfterAudioMs: 100 }, // Deepgram: swallowed by its plugin, caught by the deaf-stream check
  { stallAfterAudioMs: 100 },
  { connectDelayMs: 150 },
];

describe('speech soak: TTS utterances and STT streams with random faults', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  beforeAll(() => void process.on('unhandledRejection', onRejection));
  afterAll(() => void process.off('unhandledRejection', onRejection));

  it(
    `${UTTERANCES} TTS utterances end in audio or exactly one 'exhausted', leaking nothing`,
    { timeout: process.env.SOAK ? 1_800_000 : 300_000 }, // a hang guard, not a speed limit: a busy machine takes several times longer
    async () => {
      const next = random(7);
      const pick = () => TTS_FAULTS[Math.floor(next() * TTS_FAULTS.length)]!;
      const [cartesia, inference] = await Promise.all([mockCartesiaTTS({ audioMs: 100 }), mockInferenceTTS({ audioMs: 100 })]);
      const logger = recordingLogger();
      const stack = await createVoiceStack(
        {
          tts: [
            { provider: 'cartesia', baseURL: cartesia.baseURL, apiKey: SPEECH_KEYS.cartesia },
            {
              provider: 'inference',
              model: 'cartesia/sonic-turbo',
              baseURL: inference.baseURL,
              apiKey: SPEECH_KEYS.livekitKey,
              apiSecret: SPEECH_KEYS.livekitSecret,
            },
          ],
          retry: { windowMs: 150, initialDelayMs: 5, maxDelayMs: 20, stallTimeoutMs: 60 },
        },
        { env: {}, logger, store: forgetful },
      );
      const recorder = recordEvents(stack);
      const chain = stack.tts as tts.TTS;
      const children = stack.options.tts.map((option) => option.instance as tts.TTS);
      const listeners = () => children.map((child) => child.listenerCount('error') + child.listenerCount('metrics_collected'));
      const connOptions = { maxRetry: 0, retryIntervalMs: 0, timeoutMs: 80 };
      /** Speaks one utterance; resolves with how many samples were heard. */
      const utter = async (index: number) => {
        cartesia.reset();
        inference.reset();
        cartesia.use({ ...pick(), times: 1 });
        inference.use({ ...pick(), times: 1 });
        const stream = chain.stream({ connOptions });
        stream.pushText(`Sentence number ${index}.`);
        stream.endInput();
        let samples = 0;
        try {
          for await (const audio of stream) {
            if (audio === tts.SynthesizeStream.END_OF_STREAM) break;
            samples += audio.frame.samplesPerChannel;
          }
        } finally {
          stream.close();
        }
        return samples;
      };
      const outcomes = { spoken: 0, silent: 0, exhausted: 0 };
      const problems: string[] = [];
      const run = async (count: number, from: number) => {
        for (let index = from; index < from + count; index++) {
          recorder.events.length = 0;
          logger.lines.length = 0;
          logger.entries.length = 0;
          const samples = await utter(index);
          const exhausted = recorder.of('exhausted').length;
          if (samples > 0) outcomes.spoken++;
          else outcomes.silent++;
          outcomes.exhausted += exhausted;
          if (samples > 0 && exhausted > 0) problems.push(`utterance ${index}: audio and 'exhausted'`);
          if (samples === 0 && exhausted !== 1) problems.push(`utterance ${index}: no audio and ${exhausted} 'exhausted'`);
        }
      };

      try {
        const idle = resources();
        await run(20, 0); // warm up (pools, lazy imports), then take the baseline once the warm-up's timers ran out
        await settled({ timers: idle.timers, sockets: Infinity }); // pooled sockets stay
        gc();
        const baseline = { ...resources(), listeners: listeners() };
        let heapAtThird = 0;
        for (let done = 0; done < UTTERANCES; done += 50) {
          await run(Math.min(50, UTTERANCES - done), 20 + done);
          if (!heapAtThird && done >= UTTERANCES / 3) {
            gc();
            heapAtThird = process.memoryUsage().heapUsed;
          }
        }
        await settled({ timers: baseline.timers, sockets: Infinity }); // what the last batch left closing
        gc();
        const heap = process.memoryUsage().heapUsed;

        expect(problems).toEqual([]);
        expect(outcomes.spoken).toBeGreaterThan(UTTERANCES / 2);
        expect(outcomes.exhausted).toBeGreaterThan(0); // both options failed for some: the path was exercised
        expect(rejections).toEqual([]);
        expect(listeners()).toEqual(baseline.listeners);
        // LiveKit's streams leave short delay() timers behind when closed (agents 1.9 utils): they run out within seconds.
        await vi.waitFor(() => expect(resources().timers).toBeLessThanOrEqual(baseline.timers), { timeout: 8_000, interval: 100 });
        // Pooled sockets: each plugin keeps at most one per instance, so the count cannot grow with the utterances.
        await vi.waitFor(() => expect(resources().sockets).toBeLessThanOrEqual(baseline.sockets + 4), { timeout: 5_000, interval: 100 });
        expect(heap - heapAtThird).toBeLessThan(4 * 1024 * 1024);
      } finally {
        await stack.close();
        await Promise.all([cartesia.close(), inference.close()]);
      }
    },
  );

  it(
    `${STREAMS} STT streams end (transcribed, or their loss explained by a failover), leaking nothing`,
    { timeout: process.env.SOAK ? 1_800_000 : 300_000 }, // a hang guard, not a speed limit: a busy machine takes several times longer
    async () => {
      const next = random(11);
      const pick = () => STT_FAULTS[Math.floor(next() * STT_FAULTS.length)]!;
      const transcript = 'What time is it?';
      const [deepgram, inference] = await Promise.all([
        mockDeepgramSTT({ transcript, endOfSpeechMs: 200 }),
        mockInferenceSTT({ transcript, endOfSpeechMs: 200 }),
      ]);
      const logger = recordingLogger();
      const stack = await createVoiceStack(
        {
          stt: [
            { provider: 'deepgram', baseURL: deepgram.baseURL, apiKey: SPEECH_KEYS.deepgram },
            { provider: 'inference', baseURL: inference.baseURL, apiKey: SPEECH_KEYS.livekitKey, apiSecret: SPEECH_KEYS.livekitSecret },
          ],
          // The mocks answer after 300 ms of speech; the deaf-stream check allows 400 ms.
          retry: { windowMs: 300, initialDelayMs: 5, maxDelayMs: 20, stallTimeoutMs: 400 },
        },
        { env: {}, logger, store: forgetful },
      );
      const recorder = recordEvents(stack);
      const chain = stack.stt as stt.STT;
      const children = stack.options.stt.map((option) => option.instance as stt.STT);
      const listeners = () => children.map((child) => child.listenerCount('error') + child.listenerCount('metrics_collected'));
      const frames = speechLikeFrames({ leadingSilenceMs: 0, speechMs: 700, trailingSilenceMs: 400 });
      const listen = async () => {
        const stream = chain.stream({ connOptions: { maxRetry: 0, retryIntervalMs: 0, timeoutMs: 100 } });
        const timer = setTimeout(() => stream.close(), 5_000);
        const pushing = pushFrames(stream, frames, { pace: 1, end: false });
        // time itself: the deadline for the transcript once the audio is spent, not a wait (a stream that hears nothing ends there).
        const stop = new AbortController();
        const deadline = pushing.then(() => sleep(1_000, stop.signal).catch(() => undefined));
        const heard = (async () => {
          for await (const event of stream) if (event.type === stt.SpeechEventType.FINAL_TRANSCRIPT) return event.alternatives?.[0]?.text;
          return undefined;
        })();
        try {
          // A stream ends at its transcript, or once its audio (and a moment for the answer) is spent.
          return await Promise.race([heard, deadline.then(() => undefined)]);
        } finally {
          clearTimeout(timer);
          stop.abort();
          stream.close();
          await pushing.catch(() => undefined);
        }
      };
      const outcomes = { transcribed: 0, lost: 0, failovers: 0 };
      const problems: string[] = [];
      const run = async (count: number) => {
        for (let done = 0; done < count; done += STT_BATCH) {
          deepgram.reset();
          inference.reset();
          recorder.events.length = 0;
          logger.lines.length = 0;
          logger.entries.length = 0;
          deepgram.use(...Array.from({ length: STT_BATCH }, () => ({ ...pick(), times: 1 })));
          inference.use(...Array.from({ length: STT_BATCH }, () => ({ ...pick(), times: 1 })));
          const heard = await Promise.all(Array.from({ length: Math.min(STT_BATCH, count - done) }, () => listen()));
          const failovers = recorder.of('fallback').length + recorder.of('retry').length;
          const lost = heard.filter((text) => text === undefined).length;
          if (heard.some((text) => text !== undefined && text !== transcript)) problems.push(`wrong transcript: ${heard.join(' | ')}`);
          if (lost > failovers) problems.push(`${lost} streams heard nothing with only ${failovers} failovers`);
          outcomes.transcribed += heard.length - lost;
          outcomes.lost += lost;
          outcomes.failovers += failovers;
        }
      };

      try {
        const idle = resources();
        await run(STT_BATCH); // warm up, then take the baseline once the warm-up's timers ran out
        await settled({ timers: idle.timers, sockets: Infinity }); // pooled sockets stay
        gc();
        const baseline = { ...resources(), listeners: listeners() };
        let heapAtThird = 0;
        for (let done = 0; done < STREAMS; done += 30) {
          await run(Math.min(30, STREAMS - done));
          if (!heapAtThird && done >= STREAMS / 3) {
            gc();
            heapAtThird = process.memoryUsage().heapUsed;
          }
        }
        await settled({ timers: baseline.timers, sockets: Infinity }); // what the last batch left closing
        gc();
        const heap = process.memoryUsage().heapUsed;

        expect(problems).toEqual([]);
        expect(outcomes.transcribed).toBeGreaterThan(STREAMS / 2);
        expect(outcomes.failovers).toBeGreaterThan(STREAMS / 10);
        expect(rejections).toEqual([]);
        expect(listeners()).toEqual(baseline.listeners);
        // LiveKit's inference.STT leaves 5 s delay() timers behind each closed stream (agents 1.9): wait them out.
        await vi.waitFor(() => expect(resources().timers).toBeLessThanOrEqual(baseline.timers), { timeout: 8_000, interval: 200 });
        await vi.waitFor(() => expect(resources().sockets).toBeLessThanOrEqual(baseline.sockets), { timeout: 5_000, interval: 200 });
        expect(heap - heapAtThird).toBeLessThan(4 * 1024 * 1024);
      } finally {
        await stack.close();
        await Promise.all([deepgram.close(), inference.close()]);
      }
    },
  );
});
