import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import { providerTTS, speak } from '../helpers/speak.js';
import {
  mockDeepgramSTT,
  mockElevenLabsTTS,
  type MockDeepgramSTT,
  type MockElevenLabsTTS,
  speechLikeFrames,
} from '../../src/testing/index.js';

type Message = Record<string, unknown>;

/** A raw client of a mock's socket: every message it got, and how it closed. */
async function client(url: string) {
  const socket = new WebSocket(url);
  const messages: Message[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('message', (data, isBinary) => !isBinary && messages.push(JSON.parse(String(data)) as Message));
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  return { socket, messages, closed };
}

/** Resolves with how the socket closed, or `'still open'` after `ms` (a mock that never closes). */
const closedWithin = (closed: Promise<{ code: number; reason: string }>, ms: number) =>
  Promise.race([closed, new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), ms).unref())]);

describe('ElevenLabs multi-context socket limits', () => {
  let elevenlabs: MockElevenLabsTTS;
  let quick: MockElevenLabsTTS;
  beforeAll(async () => {
    elevenlabs = await mockElevenLabsTTS();
    quick = await mockElevenLabsTTS({ inactivityTimeoutMs: 300 });
  });
  afterAll(async () => {
    await elevenlabs.close();
    await quick.close();
  });
  const streamURL = (mock: MockElevenLabsTTS) =>
    `${mock.baseURL.replace(/^http/, 'ws')}/text-to-speech/voice-1/multi-stream-input?model_id=eleven_flash_v2_5`;

  it('a sixth open context: `max_active_conversations`, then a 1008 close', async () => {
    const { socket, messages, closed } = await client(streamURL(elevenlabs));
    for (let index = 1; index <= 6; index++) socket.send(JSON.stringify({ text: ' ', context_id: `ctx-${index}` }));
    expect(await closedWithin(closed, 3_000)).toEqual({ code: 1008, reason: expect.stringMatching(/^Maximum simultaneous contexts/) });
    expect(messages).toEqual([
      {
        error: 'max_active_conversations',
        code: 1008,
        message:
          'Maximum simultaneous contexts per WebSocket connection exceeded (5). Please close an existing context before opening a new one.',
      },
    ]);
  });

  it('closed contexts do not count: six contexts one after the other keep the socket open', async () => {
    const { socket, closed } = await client(streamURL(elevenlabs));
    for (let index = 1; index <= 6; index++) {
      socket.send(JSON.stringify({ text: ' ', context_id: `ctx-${index}` }));
      socket.send(JSON.stringify({ context_id: `ctx-${index}`, close_context: true }));
    }
    // time itself: nothing must happen within this window
    expect(await closedWithin(closed, 200)).toBe('still open');
    socket.close();
  });

  it('no input for the inactivity timeout: a 1008 close; a " " keep-alive holds it open', async () => {
    const { socket, messages, closed } = await client(streamURL(quick));
    const started = Date.now();
    // time itself: keep-alives every 100 ms hold a socket whose timeout is 300 ms open for 600 ms
    for (let index = 0; index < 6; index++) {
      socket.send(JSON.stringify({ text: ' ', context_id: 'ctx-1' }));
      await new Promise((resolve) => setTimeout(resolve, 100)); // time itself (see above)
    }
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(await closedWithin(closed, 3_000)).toEqual({ code: 1008, reason: expect.stringMatching(/^Have not received a new text input/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(messages.at(-1)).toMatchObject({ error: 'input_timeout_exceeded', code: 1008 });
  });
});

describe('the ElevenLabs option after the service closed its idle socket', () => {
  let quick: MockElevenLabsTTS;
  beforeAll(async () => {
    quick = await mockElevenLabsTTS({ inactivityTimeoutMs: 300 });
  });
  afterAll(() => quick.close());

  it('the next utterance after the 1008 inactivity close is spoken (the plugin opens a new socket)', async () => {
    const stack = await createVoiceStack({ tts: { provider: 'elevenlabs', baseURL: quick.baseURL, apiKey: 'xi-test-key' } }, { env: {} });
    try {
      expect((await speak(providerTTS(stack), 'Hello.')).samples).toBeGreaterThan(0);
      await expect.poll(() => quick.connections.size, { timeout: 5_000 }).toBe(0);
      expect((await speak(providerTTS(stack), 'Still there?')).samples).toBeGreaterThan(0);
      expect(quick.requests.map((request) => request.text)).toEqual(['Hello.', 'Still there?']);
    } finally {
      await stack.close();
    }
  });
});

describe('Deepgram live stream timing', () => {
  let deepgram: MockDeepgramSTT;
  let quick: MockDeepgramSTT;
  beforeAll(async () => {
    deepgram = await mockDeepgramSTT();
    quick = await mockDeepgramSTT({ idleTimeoutMs: 300 });
  });
  afterAll(async () => {
    await deepgram.close();
    await quick.close();
  });
  const listenURL = (query: string, mock = deepgram) =>
    `${mock.baseURL.replace(/^http/, 'ws')}/v1/listen?sample_rate=16000&channels=1&${query}`;

  it('UtteranceEnd comes once `utterance_end_ms` of audio followed the last finalized word, not with the final', async () => {
    const { socket, messages } = await client(listenURL('interim_results=true&endpointing=300&utterance_end_ms=1000'));
    try {
      // Speech, then 500 ms of silence: enough for the endpoint (300 ms), not for the utterance end (1000 ms).
      const speech = speechLikeFrames({ leadingSilenceMs: 200, speechMs: 1200, trailingSilenceMs: 500 });
      for (const frame of speech) socket.send(Buffer.from(frame.data.buffer), { binary: true });
      await expect.poll(() => messages.some((message) => message.type === 'Results' && message.speech_final === true)).toBe(true);
      socket.send(JSON.stringify({ type: 'KeepAlive' })); // a round trip: everything the mock sent for that audio is here
      await expect.poll(() => deepgram.requests[0]?.messages.length).toBe(1);
      expect(messages.filter((message) => message.type === 'UtteranceEnd')).toEqual([]);

      // 1 s more of silence: now the gap is there.
      const silence = Buffer.alloc(16_000 * 2);
      for (let offset = 0; offset < silence.length; offset += 640) socket.send(silence.subarray(offset, offset + 640), { binary: true });
      await expect.poll(() => messages.filter((message) => message.type === 'UtteranceEnd')).toHaveLength(1);
      const end = messages.find((message) => message.type === 'UtteranceEnd')!;
      expect(end.last_word_end).toBeGreaterThan(1);
      expect(end.last_word_end).toBeLessThan(1.9);
    } finally {
      socket.close();
      deepgram.reset();
    }
  });

  it('no audio and no KeepAlive for the idle timeout: closed with 1011 NET-0001; KeepAlive holds it open', async () => {
    const { socket, closed } = await client(listenURL('interim_results=true', quick));
    // time itself: KeepAlive every 100 ms holds a stream whose idle timeout is 300 ms open for 600 ms
    for (let index = 0; index < 6; index++) {
      socket.send(JSON.stringify({ type: 'KeepAlive' }));
      await new Promise((resolve) => setTimeout(resolve, 100)); // time itself (see above)
    }
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(await closedWithin(closed, 3_000)).toEqual({ code: 1011, reason: 'NET-0001' });
  });
});
