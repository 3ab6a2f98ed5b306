import { stt } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../../src/index.js';
import { mockOpenAITranscriptionEndpoint, pushFrames, speechLikeFrames } from '../../../src/testing/index.js';
import { useMswServer } from '../../helpers/msw.js';
import { listen, listenExpectingFailure, providerSTT } from '../../helpers/listen.js';

const openai = mockOpenAITranscriptionEndpoint({
  baseURL: 'https://api.openai.com/v1',
  transcript: 'Hello from Whisper.',
  auth: { bearer: 'sk-test' },
});
const whisper = mockOpenAITranscriptionEndpoint({ baseURL: 'http://whisper.internal:8000/v1', transcript: 'Bonjour de faster-whisper.' });
useMswServer(...openai.handlers, ...whisper.handlers);

const speechBytes = (ms: number) => (16_000 * 2 * ms) / 1000;

describe('openai STT against a mocked transcriptions endpoint', () => {
  it('segments live audio with the bundled VAD and uploads each utterance; model, language and key are sent', async () => {
    openai.reset();
    const stack = await createVoiceStack(
      { stt: { provider: 'openai', language: 'fr', prompt: 'LiveKit' } },
      { env: { OPENAI_API_KEY: 'sk-test' } },
    );
    try {
      expect(stack.sessionOptions().vad).toBeDefined();
      const heard = await listen(stack.stt!);
      expect(heard.final).toBe('Hello from Whisper.');
      expect(heard.types).toEqual([
        stt.SpeechEventType.START_OF_SPEECH,
        stt.SpeechEventType.END_OF_SPEECH,
        stt.SpeechEventType.FINAL_TRANSCRIPT,
      ]);
      expect(openai.requests).toHaveLength(1);
      const [request] = openai.requests;
      expect(request).toMatchObject({ model: 'gpt-4o-transcribe', language: 'fr', sampleRate: 16_000 });
      expect(request?.body).toMatchObject({ prompt: 'LiveKit', response_format: 'json', file: { type: 'audio/wav' } });
      expect(request?.headers.authorization).toBe('Bearer sk-test');
      // The VAD cut the utterance out of the call: at least the 1.2 s of speech, not the 2.2 s of audio pushed.
      expect(request!.audioBytes).toBeGreaterThanOrEqual(speechBytes(1_200));
      expect(request!.audioBytes).toBeLessThan(speechBytes(2_200));
      expect(stack.toJSON().providers.stt).toEqual(['openai/gpt-4o-transcribe']);
      expect(stack.stt!.model).toBe('gpt-4o-transcribe');
    } finally {
      await stack.close();
    }
  });

  it('recognize() sends one buffer', async () => {
    openai.reset();
    const stack = await createVoiceStack({ stt: { provider: 'openai', model: 'whisper-1', apiKey: 'sk-test' } });
    try {
      const event = await stack.stt!.recognize(speechLikeFrames());
      expect(event.alternatives?.[0]?.text).toBe('Hello from Whisper.');
      expect(openai.requests[0]).toMatchObject({ model: 'whisper-1', language: 'en' });
    } finally {
      await stack.close();
    }
  });

  it('does not take OPENAI_BASE_URL (the LLM server) for speech', async () => {
    openai.reset();
    const stack = await createVoiceStack(
      { stt: { provider: 'openai', apiKey: 'sk-test' } },
      { env: { OPENAI_BASE_URL: 'http://vllm.internal:8000/v1' } },
    );
    try {
      await stack.stt!.recognize(speechLikeFrames());
      expect(openai.requests).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });
});

describe('openai-compatible STT against a mocked self-hosted server', () => {
  it('reaches its own base URL with its model and language, with no key required, and puts its VAD in sessionOptions()', async () => {
    whisper.reset();
    const stack = await createVoiceStack({
      stt: {
        provider: 'openai-compatible',
        baseURL: 'http://whisper.internal:8000/v1',
        model: 'Systran/faster-whisper-small',
        language: 'fr',
      },
    });
    try {
      expect(stack.sessionOptions().vad?.label).toBe('inference.VAD');
      const heard = await listen(stack.stt!);
      expect(heard.final).toBe('Bonjour de faster-whisper.');
      const [request] = whisper.requests;
      expect(request).toMatchObject({ path: '/v1/audio/transcriptions', model: 'Systran/faster-whisper-small', language: 'fr' });
      expect(request!.audioBytes).toBeGreaterThan(0);
      expect(stack.toJSON().providers.stt).toEqual(['openai-compatible/Systran/faster-whisper-small']);
    } finally {
      await stack.close();
    }
  });

  it("a failed upload fails the stream with the status (LiveKit's StreamAdapter would log and skip it)", async () => {
    whisper.reset();
    whisper.use({ status: 503, message: 'model is loading' });
    const stack = await createVoiceStack({
      stt: { provider: 'openai-compatible', baseURL: 'http://whisper.internal:8000/v1', model: 'whisper-1' },
    });
    try {
      const failed = await listenExpectingFailure(providerSTT(stack));
      expect(failed.errors.map(({ error }) => error.statusCode)).toEqual([503]);
      expect(failed.errors[0]!.error.message).toContain('model is loading');
      expect(failed.events.map((event) => event.type)).toEqual([stt.SpeechEventType.START_OF_SPEECH, stt.SpeechEventType.END_OF_SPEECH]);
      expect(whisper.requests).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });
});

describe('VAD segmentation', () => {
  // agents 1.9's VADStream.endInput() and a second close() reject unhandled; the segmentation VAD must not.
  it('a stream whose input ends transcribes the last utterance and ends; ending and closing raise no unhandled rejection', async () => {
    whisper.reset();
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const stack = await createVoiceStack({
      stt: { provider: 'openai-compatible', baseURL: 'http://whisper.internal:8000/v1', model: 'whisper-1' },
    });
    try {
      const stream = stack.stt!.stream();
      await pushFrames(stream, speechLikeFrames(), { end: true });
      const types: stt.SpeechEventType[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types).toEqual([stt.SpeechEventType.START_OF_SPEECH, stt.SpeechEventType.END_OF_SPEECH, stt.SpeechEventType.FINAL_TRANSCRIPT]);
      stream.close();
      stream.close();
      // Once the stack is closed nothing of the stream runs; Node reports what it left unhandled on the next turn.
      await stack.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(whisper.requests).toHaveLength(1);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      await stack.close();
    }
  });
});

describe('STT chains', () => {
  it('a failing self-hosted server falls back to OpenAI within the same utterance stream', async () => {
    openai.reset();
    whisper.reset();
    whisper.use({ status: 500 });
    const stack = await createVoiceStack({
      stt: [
        { provider: 'openai-compatible', baseURL: 'http://whisper.internal:8000/v1', model: 'whisper-1' },
        { provider: 'openai', apiKey: 'sk-test' },
      ],
    });
    try {
      const frames = [...speechLikeFrames(), ...speechLikeFrames()];
      expect((await listen(stack.stt!, frames)).final).toBe('Hello from Whisper.');
      expect(whisper.requests).toHaveLength(1);
      expect(openai.requests).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });

  it('an array of STT entries becomes one STT whose VAD is in sessionOptions()', async () => {
    openai.reset();
    whisper.reset();
    const stack = await createVoiceStack({
      stt: [
        { provider: 'openai-compatible', baseURL: 'http://whisper.internal:8000/v1', model: 'whisper-1' },
        { provider: 'openai', apiKey: 'sk-test' },
      ],
    });
    try {
      expect(stack.sessionOptions().vad).toBeDefined();
      expect(stack.toJSON().providers.stt).toEqual(['openai-compatible/whisper-1', 'openai/gpt-4o-transcribe']);
      expect((await listen(stack.stt!)).final).toBe('Bonjour de faster-whisper.');
      expect(openai.requests).toHaveLength(0);
    } finally {
      await stack.close();
    }
  });
});
