import { stt } from '@livekit/agents';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../../src/index.js';
import { mockDeepgramSTT, speechLikeFrames, type MockDeepgramSTT } from '../../../src/testing/index.js';
import { listen, listenExpectingFailure, providerSTT } from '../../helpers/listen.js';

let deepgram: MockDeepgramSTT;
beforeAll(async () => {
  deepgram = await mockDeepgramSTT({ transcript: 'Hello, Deepgram.', apiKey: 'dg-key' });
});
afterAll(() => deepgram.close());
beforeEach(() => deepgram.reset());

describe('deepgram STT against a local Deepgram', () => {
  it('streams audio over the live WebSocket into the final transcript, with model, language and the Token header', async () => {
    const stack = await createVoiceStack(
      { stt: { provider: 'deepgram', language: 'fr', keyterms: ['LiveKit'], baseURL: deepgram.baseURL } },
      { env: { DEEPGRAM_API_KEY: 'dg-key' } },
    );
    try {
      const heard = await listen(stack.stt!);
      expect(heard.final).toBe('Hello, Deepgram.');
      expect(heard.language).toBe('fr');
      expect(heard.types).toEqual(expect.arrayContaining([stt.SpeechEventType.START_OF_SPEECH, stt.SpeechEventType.INTERIM_TRANSCRIPT]));
      const [session] = deepgram.requests;
      expect(session).toMatchObject({ transport: 'websocket', path: '/v1/listen', model: 'nova-3', language: 'fr', sampleRate: 16_000 });
      expect(session?.query).toMatchObject({ encoding: 'linear16', keyterm: 'LiveKit' });
      expect(session?.headers.authorization).toBe('Token dg-key');
      expect(session!.audioBytes).toBeGreaterThan(0);
      expect(stack.toJSON().providers.stt).toEqual(['deepgram/nova-3']);
    } finally {
      await stack.close();
    }
  });

  it('defaults to nova-3 in English', async () => {
    const stack = await createVoiceStack({ stt: { provider: 'deepgram', apiKey: 'dg-key', baseURL: deepgram.baseURL } });
    try {
      expect((await listen(stack.stt!)).final).toBe('Hello, Deepgram.');
      expect(deepgram.requests[0]).toMatchObject({ model: 'nova-3', language: 'en' });
    } finally {
      await stack.close();
    }
  });

  it('recognize() uses the prerecorded endpoint with the same key', async () => {
    deepgram.use({ transcript: 'One shot.' });
    const stack = await createVoiceStack({ stt: { provider: 'deepgram', apiKey: 'dg-key', model: 'nova-2', baseURL: deepgram.baseURL } });
    try {
      const event = await stack.stt!.recognize(speechLikeFrames());
      expect(event.type).toBe(stt.SpeechEventType.FINAL_TRANSCRIPT);
      expect(event.alternatives?.[0]?.text).toBe('One shot.');
      const [request] = deepgram.requests;
      expect(request).toMatchObject({ transport: 'http', model: 'nova-2', language: 'en' });
      expect(request?.headers.authorization).toBe('Token dg-key');
      expect(request!.audioBytes).toBe(speechLikeFrames().reduce((total, frame) => total + frame.data.byteLength, 0));
    } finally {
      await stack.close();
    }
  });

  it('a 503 on connect is an APIStatusError with its status', async () => {
    const stack = await createVoiceStack({ stt: { provider: 'deepgram', apiKey: 'dg-key', baseURL: deepgram.baseURL } });
    try {
      deepgram.use({ status: 503, times: 1 });
      const refused = await listenExpectingFailure(providerSTT(stack));
      expect(refused.errors.map(({ error }) => error.statusCode)).toEqual([503]);
      expect(refused.events).toEqual([]);
    } finally {
      await stack.close();
    }
  });

  // Known pitfall of @livekit/agents-plugin-deepgram 1.9 (stt.ts `#runWS`): its close monitor is a Task passed to
  // Promise.all instead of the Task's result, so an unexpected close is swallowed: no reconnect, no error event, and
  // the stream keeps sending audio into the closed socket (the agent goes deaf). This test documents the behaviour
  // the resilience layer has to detect; it fails once the plugin reconnects or reports the drop.
  it('known plugin bug: a close mid-stream leaves the stream deaf, with no error and no reconnect', async () => {
    const stack = await createVoiceStack({ stt: { provider: 'deepgram', apiKey: 'dg-key', baseURL: deepgram.baseURL } });
    try {
      deepgram.use({ closeAfterAudioMs: 100, times: 1 });
      const dropped = await listenExpectingFailure(providerSTT(stack), speechLikeFrames(), 1_500);
      expect(dropped.events.filter((event) => event.type === stt.SpeechEventType.FINAL_TRANSCRIPT)).toEqual([]);
      expect(dropped.errors).toEqual([]);
      expect(deepgram.requests).toHaveLength(1);
      expect(deepgram.requests[0]!.closed).toBe(true);
    } finally {
      await stack.close();
    }
  });

  it('a wrong key is refused on connect: no transcript, one error', async () => {
    const stack = await createVoiceStack({ stt: { provider: 'deepgram', apiKey: 'wrong', baseURL: deepgram.baseURL } });
    try {
      const refused = await listenExpectingFailure(providerSTT(stack));
      expect(refused.events).toEqual([]);
      expect(refused.errors.map(({ error }) => error.statusCode)).toEqual([401]);
      expect(deepgram.requests).toHaveLength(0);
    } finally {
      await stack.close();
    }
  });
});
