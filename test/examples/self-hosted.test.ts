import { describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import {
  mockOpenAIEndpoint,
  mockOpenAISpeechEndpoint,
  mockOpenAITranscriptionEndpoint,
  startTextSession,
} from '../../src/testing/index.js';
import { selfHostedConfig } from '../../examples/self-hosted/config.js';
import { useMswServer } from '../helpers/msw.js';
import { listen } from '../helpers/listen.js';

const env = {
  STT_BASE_URL: 'http://whisper.lan:8001/v1',
  OPENAI_BASE_URL: 'http://vllm.lan:8000/v1',
  TTS_BASE_URL: 'http://kokoro.lan:8880/v1',
};
const whisper = mockOpenAITranscriptionEndpoint({ baseURL: env.STT_BASE_URL, transcript: 'What are your opening hours?' });
const vllm = mockOpenAIEndpoint({ baseURL: env.OPENAI_BASE_URL, reply: 'We are open from nine to five.' });
const kokoro = mockOpenAISpeechEndpoint({ baseURL: env.TTS_BASE_URL, audioMs: 300 });
useMswServer(...whisper.handlers, ...vllm.handlers, ...kokoro.handlers);

describe('examples/self-hosted', () => {
  it('transcribes, answers and speaks on three self-hosted base URLs', async () => {
    const stack = await createVoiceStack(selfHostedConfig(env), { env: {} });
    try {
      expect(stack.toJSON().providers).toEqual({
        stt: ['openai-compatible/Systran/faster-whisper-small'],
        llm: ['openai-compatible/Qwen/Qwen3-8B'],
        tts: ['openai-compatible/kokoro'],
      });
      expect((await listen(stack.stt!)).final).toBe('What are your opening hours?');

      const session = await startTextSession(stack);
      expect((await session.ask('What are your opening hours?')).text).toBe('We are open from nine to five.');
      await session.close();

      let samples = 0;
      for await (const audio of stack.tts!.synthesize('We are open from nine to five.')) samples += audio.frame.samplesPerChannel;
      expect(samples).toBeGreaterThan(0);
      expect(kokoro.requests[0]).toMatchObject({ model: 'kokoro', voice: 'af_bella' });
      expect(vllm.chatRequests('Qwen/Qwen3-8B')).toHaveLength(1);
      expect(whisper.requests[0]).toMatchObject({ model: 'Systran/faster-whisper-small' });
    } finally {
      await stack.close();
    }
  });
});
