import { ReadableStream, type ReadableStreamDefaultController } from 'node:stream/web';
import { voice } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import { mockDeepgramSTT, mockOpenAIEndpoint, mockOpenAITranscriptionEndpoint, speechLikeFrames } from '../../src/testing/index.js';
import { eventually } from '../helpers/eventually.js';
import { useMswServer } from '../helpers/msw.js';

const whisper = mockOpenAITranscriptionEndpoint({ baseURL: 'http://whisper.internal:8000/v1', transcript: 'What time is it?' });
const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'It is noon.' });
useMswServer(...whisper.handlers, ...openai.handlers);

/** The session's microphone, fed by the test. */
class TestAudioInput extends voice.AudioInput {
  readonly #controller: ReadableStreamDefaultController<AudioFrame>;

  constructor() {
    super();
    let controller!: ReadableStreamDefaultController<AudioFrame>;
    this.multiStream.addInputStream(new ReadableStream<AudioFrame>({ start: (c) => void (controller = c) }) as never);
    this.#controller = controller;
  }

  async speak(frames: AudioFrame[]): Promise<void> {
    for (const frame of frames) {
      this.#controller.enqueue(frame);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

/** Runs one spoken user turn through a real AgentSession and returns the history's messages. */
async function spokenTurn(stack: Awaited<ReturnType<typeof createVoiceStack>>, turnDetection: 'vad' | 'stt'): Promise<string[][]> {
  const session = new voice.AgentSession({ ...stack.sessionOptions(), turnHandling: { turnDetection } });
  const detach = stack.attach(session);
  const input = new TestAudioInput();
  session.input.audio = input;
  let replied = false;
  session.on(voice.AgentSessionEventTypes.ConversationItemAdded, ({ item }) => {
    if (item.type === 'message' && item.role === 'assistant') replied = true;
  });
  try {
    await session.start({ agent: new voice.Agent({ instructions: 'Answer briefly.' }) });
    await input.speak(speechLikeFrames({ trailingSilenceMs: 1_000 }));
    await eventually(() => replied, 8_000); // the caller asserts on the history, reply or not
    return session.history.items.filter((item) => item.type === 'message').map((item) => [item.role, item.textContent ?? '']);
  } finally {
    detach();
    await session.close();
  }
}

describe('STT in a live AgentSession (audio in, user turn, reply)', () => {
  it('openai-compatible: the VAD from sessionOptions() segments the call into the user turn', async () => {
    whisper.reset();
    openai.reset();
    const stack = await createVoiceStack(
      {
        stt: { provider: 'openai-compatible', baseURL: 'http://whisper.internal:8000/v1', model: 'Systran/faster-whisper-small' },
        llm: { provider: 'openai', model: 'gpt-4.1-mini' },
      },
      { env: { OPENAI_API_KEY: 'sk-test' } },
    );
    try {
      expect(await spokenTurn(stack, 'vad')).toEqual([
        ['user', 'What time is it?'],
        ['assistant', 'It is noon.'],
      ]);
      expect(whisper.requests).toHaveLength(1);
      expect(openai.chatRequests()).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });

  it('deepgram: the streaming transcript becomes the user turn', async () => {
    openai.reset();
    const deepgram = await mockDeepgramSTT({ transcript: 'What time is it?' });
    const stack = await createVoiceStack(
      { stt: { provider: 'deepgram', baseURL: deepgram.baseURL }, llm: { provider: 'openai', model: 'gpt-4.1-mini' } },
      { env: { OPENAI_API_KEY: 'sk-test', DEEPGRAM_API_KEY: 'dg-key' } },
    );
    try {
      expect(await spokenTurn(stack, 'stt')).toEqual([
        ['user', 'What time is it?'],
        ['assistant', 'It is noon.'],
      ]);
      expect(deepgram.requests[0]?.headers.authorization).toBe('Token dg-key');
    } finally {
      await stack.close();
      await deepgram.close();
    }
  });
});
