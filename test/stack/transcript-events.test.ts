import { describe, expect, it } from 'vitest';
import { createVoiceStack, type TranscriptEvent } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { withoutCall } from '../helpers/without-call.js';

const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'Answer from the chain.' });
useMswServer(...openrouter.handlers);

describe('transcript events', () => {
  it('label each reply with the option that served it, and the apology with the spoken policy', async () => {
    const stack = await createVoiceStack(
      { llm: { provider: 'openrouter', models: ['a/one', 'b/two'] }, retry: { windowMs: 300, initialDelayMs: 50, maxDelayMs: 100 } },
      { env: { OPENROUTER_API_KEY: 'k' }, logger: { debug() {}, info() {}, warn() {}, error() {} } },
    );
    const transcripts: TranscriptEvent[] = [];
    stack.on('transcript', (event) => transcripts.push(withoutCall(event) as TranscriptEvent));
    const session = await startTextSession(stack);
    try {
      openrouter.use({ model: 'a/one', status: 429, retryAfter: 60, times: 1 });
      await session.ask('First question');
      openrouter.use({ status: 500 });
      const { text } = await session.ask('Second question');
      expect(transcripts).toEqual([
        { role: 'assistant', text: 'Answer from the chain.', final: true, provider: 'openrouter', model: 'b/two' },
        { role: 'assistant', text, final: true, provider: 'livekit-voice-stack', model: 'spoken-policy' },
      ]);
    } finally {
      await session.close();
      await stack.close();
    }
  });
});
