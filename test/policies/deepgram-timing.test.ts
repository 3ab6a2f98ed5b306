import { stt } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import {
  mockDeepgramSTT,
  mockInferenceSTT,
  mockOpenAIEndpoint,
  mockOpenAISpeechEndpoint,
  pushFrames,
  speechLikeFrames,
  type MockDeepgramSTT,
  type MockInferenceSTT,
} from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { recordEvents } from '../helpers/recorders.js';
import { startAudioSession } from '../helpers/audio-session.js';

// Deepgram's timing as the service has it ("Using Interim Results", "Configure Endpointing and Interim Results"):
// interim results about every second while speech goes on, a long utterance finalized in segments (`is_final`
// without `speech_final`), `speech_final` only at the endpoint, empty results while it hears no words. The mock
// decides what is speech by periodicity, not by the energy the chain's deaf-stream check measures: these tests show
// the chain and a session neither lose words nor take a noisy but healthy line for a deaf stream.

const LONG = 'so I would like to move my appointment from Tuesday morning to Thursday afternoon if the doctor has any time left that week';
const WORDS = LONG.split(' ');
const llm = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'It is noon.' });
const speech = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1' });
useMswServer(...llm.handlers, ...speech.handlers);
const credentials = { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' };
let deepgram: MockDeepgramSTT;
let gateway: MockInferenceSTT;
beforeAll(async () => {
  [deepgram, gateway] = await Promise.all([
    mockDeepgramSTT({ transcript: 'What time is it?' }),
    mockInferenceSTT({ transcript: 'What time is it?', auth: credentials }),
  ]);
});
afterAll(() => Promise.all([deepgram.close(), gateway.close()]));
beforeEach(() => {
  for (const mock of [llm, speech, deepgram, gateway]) mock.reset();
});
const env = {
  DEEPGRAM_API_KEY: 'dg-key',
  OPENAI_API_KEY: 'sk-test',
  LIVEKIT_API_KEY: credentials.apiKey,
  LIVEKIT_API_SECRET: credentials.apiSecret,
};
const STALL_MS = 1_500;

/** Streams frames through `instance.stream()` like a live call; collects events until `until` holds (or 10 s). */
async function stream(instance: stt.STT, frames: AudioFrame[], until: (events: stt.SpeechEvent[]) => boolean): Promise<stt.SpeechEvent[]> {
  const live = instance.stream();
  const events: stt.SpeechEvent[] = [];
  const timer = setTimeout(() => live.close(), 10_000);
  const pushing = pushFrames(live, frames, { pace: 2, end: false }).catch(() => undefined);
  try {
    for await (const event of live) {
      if (event.type === stt.SpeechEventType.RECOGNITION_USAGE) continue;
      events.push(event);
      if (until(events)) break;
    }
  } finally {
    clearTimeout(timer);
    live.close();
    await pushing;
  }
  return events;
}

const finals = (events: stt.SpeechEvent[]) =>
  events.filter((event) => event.type === stt.SpeechEventType.FINAL_TRANSCRIPT).map((event) => event.alternatives?.[0]?.text ?? '');
const ended = (events: stt.SpeechEvent[]) => events.some((event) => event.type === stt.SpeechEventType.END_OF_SPEECH);

/** RMS of the frames, to show a noisy line is loud enough for an energy measure (about -40 dBFS is 300). */
function rmsOf(frames: AudioFrame[]): number {
  let energy = 0;
  let count = 0;
  for (const frame of frames) for (const sample of frame.data) ((energy += sample * sample), count++);
  return Math.sqrt(energy / count);
}

describe('Deepgram timing through the STT chain', () => {
  it('a 7 s utterance: interims all along, a segment final without speech_final, the endpoint once, every word once', async () => {
    deepgram.use({ transcript: LONG });
    const stack = await createVoiceStack(
      {
        stt: [
          { provider: 'deepgram', baseURL: deepgram.baseURL },
          { provider: 'inference', baseURL: gateway.baseURL },
        ],
        retry: { stallTimeoutMs: STALL_MS },
      },
      { env },
    );
    const recorder = recordEvents(stack);
    try {
      const events = await stream(stack.stt!, speechLikeFrames({ speechMs: 7_000, trailingSilenceMs: 1_000 }), ended);
      const types = events.map((event) => event.type);
      // Interim results kept coming while the user spoke (about one per second), so the chain never saw a silent
      // provider for STALL_MS of speech.
      expect(types.filter((type) => type === stt.SpeechEventType.INTERIM_TRANSCRIPT).length).toBeGreaterThanOrEqual(5);
      // Two finals: the segment at 5 s (is_final alone: no END_OF_SPEECH after it) and the endpoint's.
      expect(finals(events)).toHaveLength(2);
      expect(finals(events).join(' ')).toBe(LONG);
      expect(types.filter((type) => type === stt.SpeechEventType.END_OF_SPEECH)).toHaveLength(1);
      expect(types.at(-1)).toBe(stt.SpeechEventType.END_OF_SPEECH);
      expect(types.indexOf(stt.SpeechEventType.END_OF_SPEECH)).toBeGreaterThan(types.lastIndexOf(stt.SpeechEventType.FINAL_TRANSCRIPT));
      // Interims of the second segment start after the first segment's words.
      const afterSegment = events.slice(types.indexOf(stt.SpeechEventType.FINAL_TRANSCRIPT) + 1);
      const interim = afterSegment.find((event) => event.type === stt.SpeechEventType.INTERIM_TRANSCRIPT)?.alternatives?.[0]?.text;
      expect(interim && LONG.startsWith(interim)).toBe(false);
    } finally {
      await stack.close();
    }
    expect(recorder.of('fallback')).toEqual([]);
    expect(gateway.requests).toEqual([]);
    expect(deepgram.requests.filter((request) => request.transport === 'websocket')).toHaveLength(1);
  });

  it('a noisy line (steady noise at -30 dBFS, louder than the -40 dBFS energy gate): no false deaf-stream switch, the words are heard', async () => {
    const noise = 0.03;
    const line = speechLikeFrames({ leadingSilenceMs: 0, speechMs: 0, trailingSilenceMs: 4 * STALL_MS, noise });
    const words = speechLikeFrames({ noise, trailingSilenceMs: 1_000 });
    expect(rmsOf(line)).toBeGreaterThan(3 * 300);
    const stack = await createVoiceStack(
      {
        stt: [
          { provider: 'deepgram', baseURL: deepgram.baseURL },
          { provider: 'inference', baseURL: gateway.baseURL },
        ],
        retry: { stallTimeoutMs: STALL_MS },
      },
      { env },
    );
    const recorder = recordEvents(stack);
    try {
      const events = await stream(stack.stt!, [...line, ...words], ended);
      expect(finals(events), recorder.of('fallback')[0]?.error.message).toEqual(['What time is it?']);
    } finally {
      await stack.close();
    }
    // Deepgram heard noise for 6 s (empty results, which its plugin does not pass on) and then the words: the chain
    // stayed with it.
    expect(recorder.of('fallback')).toEqual([]);
    expect(gateway.requests).toEqual([]);
    expect(deepgram.requests.filter((request) => request.transport === 'websocket')).toHaveLength(1);
    expect(deepgram.requests[0]!.transcripts).toEqual(['What time is it?']);
  });

  it('a real deaf stream on the same noisy line is still caught: the socket closed mid-utterance, the chain reconnects and hears the user', async () => {
    const noise = 0.03;
    // Closed by Deepgram after its first interim; plugin 1.9 swallows the close and keeps sending into the socket.
    deepgram.use({ closeAfterAudioMs: 700, times: 1 });
    const stack = await createVoiceStack(
      {
        stt: [
          { provider: 'deepgram', baseURL: deepgram.baseURL },
          { provider: 'inference', baseURL: gateway.baseURL },
        ],
        retry: { stallTimeoutMs: STALL_MS },
      },
      { env },
    );
    const recorder = recordEvents(stack);
    try {
      const frames = Array.from({ length: 3 }, () => speechLikeFrames({ noise, speechMs: 2_000 })).flat();
      expect(finals(await stream(stack.stt!, frames, (events) => finals(events).length > 0))).toEqual(['What time is it?']);
    } finally {
      await stack.close();
    }
    // The deaf socket was replaced (a stall: it had answered, then went silent while speech went in).
    const fallbacks = recorder.of('fallback');
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]!.error).toMatchObject({ category: 'stall', modality: 'stt' });
    expect(deepgram.requests[0]!.transcripts).toEqual([]);
    expect([...deepgram.requests.slice(1), ...gateway.requests].flatMap((request) => request.transcripts)).toEqual(['What time is it?']);
  });
});

describe('Deepgram timing through a session', () => {
  it('noise, then a 7 s utterance finalized in two segments: one user turn with every word, one reply', async () => {
    deepgram.use({ transcript: LONG });
    const stack = await createVoiceStack(
      {
        stt: { provider: 'deepgram', baseURL: deepgram.baseURL },
        llm: { provider: 'openai', model: 'gpt-4.1-mini' },
        tts: { provider: 'openai' },
        retry: { stallTimeoutMs: STALL_MS },
      },
      { env },
    );
    const recorder = recordEvents(stack);
    const call = await startAudioSession(stack);
    try {
      const replied = call.nextReply(15_000);
      await call.input.speak([
        ...speechLikeFrames({ leadingSilenceMs: 0, speechMs: 0, trailingSilenceMs: 3 * STALL_MS, noise: 0.03 }),
        ...speechLikeFrames({ speechMs: 7_000, trailingSilenceMs: 1_000, noise: 0.03 }),
      ]);
      await replied;
      expect(call.messages()).toEqual([
        ['user', LONG],
        ['assistant', 'It is noon.'],
      ]);
      // The LLM was asked once, with the whole utterance.
      expect(llm.chatRequests()).toHaveLength(1);
      expect(JSON.stringify(llm.chatRequests()[0]!.body)).toContain(WORDS.slice(-4).join(' '));
      expect(call.closed).toEqual([]);
    } finally {
      await call.close();
      await stack.close();
    }
    expect(recorder.of('fallback')).toEqual([]);
    expect(deepgram.requests.filter((request) => request.transport === 'websocket')).toHaveLength(1);
  });
});
