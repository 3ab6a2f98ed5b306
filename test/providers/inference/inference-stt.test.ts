import { stt } from '@livekit/agents';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../../src/index.js';
import { mockInferenceSTT, type MockInferenceSTT } from '../../../src/testing/index.js';
import { verifyLiveKitToken } from '../../../src/testing/openai-endpoint.js';
import { eventually } from '../../helpers/eventually.js';
import { listen, listenExpectingFailure, providerSTT } from '../../helpers/listen.js';

const credentials = { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' };
const env = { LIVEKIT_API_KEY: credentials.apiKey, LIVEKIT_API_SECRET: credentials.apiSecret };
let gateway: MockInferenceSTT;
beforeAll(async () => {
  gateway = await mockInferenceSTT({ transcript: 'Bonjour tout le monde.', auth: credentials });
});
afterAll(() => gateway.close());
beforeEach(() => gateway.reset());

describe('inference STT against a local Inference gateway', () => {
  it('turns audio frames into the final transcript, with model, language, fallback and a signed token', async () => {
    const stack = await createVoiceStack(
      {
        stt: { provider: 'inference', model: 'deepgram/nova-3:fr', fallback: ['assemblyai/universal-streaming'], baseURL: gateway.baseURL },
      },
      { env },
    );
    try {
      const heard = await listen(stack.stt!);
      expect(heard.final).toBe('Bonjour tout le monde.');
      expect(heard.language).toBe('fr');
      expect(heard.types).toContain(stt.SpeechEventType.INTERIM_TRANSCRIPT);
      const [session] = gateway.requests;
      expect(session).toMatchObject({ model: 'deepgram/nova-3', language: 'fr', sampleRate: 16_000 });
      expect(session?.query.model).toBe('deepgram/nova-3');
      expect(session?.body).toMatchObject({ fallback: { models: [{ model: 'assemblyai/universal-streaming' }] } });
      expect(session!.audioBytes).toBeGreaterThan(0);
      expect(verifyLiveKitToken(session!.headers.authorization!.replace('Bearer ', ''), credentials)).toBe(true);
      expect(stack.toJSON().providers.stt).toEqual(['inference/deepgram/nova-3']);
    } finally {
      await stack.close();
    }
  });

  it('defaults to deepgram/nova-3 and takes LIVEKIT_INFERENCE_URL from the environment', async () => {
    const stack = await createVoiceStack(
      { stt: { provider: 'inference', language: 'en' } },
      { env: { ...env, LIVEKIT_INFERENCE_URL: gateway.baseURL } },
    );
    try {
      expect((await listen(stack.stt!)).final).toBe('Bonjour tout le monde.');
      expect(gateway.requests[0]).toMatchObject({ model: 'deepgram/nova-3', language: 'en' });
    } finally {
      await stack.close();
    }
  });

  it('scripted failures reach the STT as LiveKit errors: 429 on connect, an error event, a close mid-stream', async () => {
    const stack = await createVoiceStack({ stt: { provider: 'inference', baseURL: gateway.baseURL } }, { env });
    try {
      gateway.use({ status: 429, times: 1 });
      const refused = await listenExpectingFailure(providerSTT(stack));
      expect(refused.errors.map(({ error }) => error.statusCode)).toEqual([429]);

      gateway.use({ error: true, errorCode: 2007, message: 'inactivity timeout', times: 1 });
      const inactive = await listenExpectingFailure(providerSTT(stack));
      expect(inactive.errors).toHaveLength(1);
      expect(inactive.errors[0]!.error).toMatchObject({ statusCode: 2007, retryable: false });

      gateway.use({ closeAfterAudioMs: 100, times: 1 });
      const dropped = await listenExpectingFailure(providerSTT(stack));
      expect(dropped.errors[0]!.error.message).toContain('LiveKit STT connection closed unexpectedly');
      expect(dropped.events.filter((event) => event.type === stt.SpeechEventType.FINAL_TRANSCRIPT)).toEqual([]);

      expect(gateway.requests).toHaveLength(2); // the refused handshake never became a session
      expect((await listen(stack.stt!)).final).toBe('Bonjour tout le monde.');
    } finally {
      await stack.close();
    }
  });

  it('a wrong secret is refused by the gateway: no transcript', async () => {
    const stack = await createVoiceStack(
      { stt: { provider: 'inference', baseURL: gateway.baseURL } },
      { env: { ...env, LIVEKIT_API_SECRET: 'not-the-secret' } },
    );
    try {
      const refused = await listenExpectingFailure(providerSTT(stack));
      expect(refused.events).toEqual([]);
      expect(refused.errors.map(({ error }) => error.statusCode)).toEqual([401]);
      expect(gateway.requests).toHaveLength(0);
    } finally {
      await stack.close();
    }
  });

  // Reference §2.6: on Node 20, a `session.closed` that arrives after the client closed its event channel threw
  // synchronously inside the `ws` handler and killed the process. The mock answers every `session.close` this way.
  it('survives the gateway answering session.close with session.closed (the Node 20 crash)', async () => {
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    const stack = await createVoiceStack({ stt: { provider: 'inference', baseURL: gateway.baseURL } }, { env });
    try {
      for (let i = 0; i < 3; i++) expect((await listen(stack.stt!)).final).toBe('Bonjour tout le monde.');
      // The gateway closes each socket after its session.closed: once all three are closed, the late messages arrived.
      await eventually(() => gateway.requests.length === 3 && gateway.requests.every((session) => session.closed));
      expect(gateway.requests.map((session) => session.messages.some((message) => message.type === 'session.close'))).toEqual([
        true,
        true,
        true,
      ]);
      expect(gateway.requests.every((session) => session.closed)).toBe(true);
      expect(crashes).toEqual([]);
    } finally {
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      await stack.close();
    }
  });

  // inference.STT parses frames inside the `ws` handler: without the guard a non-JSON frame ends the process on Node 22 too.
  it('drops a frame that is not JSON and still delivers the transcript', async () => {
    gateway.use({ malformed: true, transcript: 'Still here.' });
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (message: string) => void warnings.push(message), error() {} };
    const stack = await createVoiceStack({ stt: { provider: 'inference', baseURL: gateway.baseURL } }, { env, logger });
    try {
      expect((await listen(stack.stt!)).final).toBe('Still here.');
      expect(warnings).toContain('Dropped a LiveKit Inference STT message that the client could not handle');
    } finally {
      await stack.close();
    }
  });
});
