import { llm, tts, voice } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createVoiceStack, defineAdapter } from '../../src/index.js';
import { mockOpenAIEndpoint, mockOpenAISpeechEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { captureUnhandledRejections, speak, synthesizeOnce } from '../helpers/speak.js';
import { recordEvents, recordingLogger } from '../helpers/recorders.js';

const backup = mockOpenAIEndpoint({ baseURL: 'https://backup.llm.test/v1', reply: 'Hello from the backup.' });
const speech = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1' });
useMswServer(...backup.handlers, ...speech.handlers);

/** A custom LLM whose chat() throws before it returns a stream, as one that rejects a tool's schema does. */
class PickyLLM extends llm.LLM {
  chats = 0;
  label(): string {
    return 'picky';
  }
  override get model(): string {
    return 'picky-1';
  }
  chat(): llm.LLMStream {
    this.chats++;
    throw new Error('Failed to chat: the tool "lookup" has a schema this model does not support.');
  }
}

/** A custom TTS whose synthesize() and stream() throw before any stream exists. */
class BrokenTTS extends tts.TTS {
  readonly label = 'broken';
  calls = 0;
  constructor() {
    super(24_000, 1, { streaming: true });
  }
  synthesize(): tts.ChunkedStream {
    this.calls++;
    throw new Error('Failed to synthesize: the voice is not loaded.');
  }
  stream(): tts.SynthesizeStream {
    this.calls++;
    throw new Error('Failed to synthesize: the voice is not loaded.');
  }
}

const picky = defineAdapter({ modality: 'llm', provider: 'picky', options: z.object({}), create: () => new PickyLLM() });
const broken = defineAdapter({ modality: 'tts', provider: 'broken', options: z.object({}), create: () => new BrokenTTS() });

describe('an option whose chat() throws synchronously', () => {
  it("is that option's failure: the next option answers, with a fallback event, and nothing escapes to the session", async () => {
    backup.reset();
    const logger = recordingLogger();
    const stack = await createVoiceStack(
      { llm: [{ provider: 'picky' }, { provider: 'openai-compatible', model: 'backup', baseURL: 'https://backup.llm.test/v1' }] },
      { adapters: [picky], logger, env: {} },
    );
    const recorder = recordEvents(stack);
    const sessionErrors: unknown[] = [];
    const agent = new voice.Agent({
      instructions: 'You are a helpful voice assistant.',
      tools: {
        lookup: llm.tool({ description: 'Looks up an order.', parameters: z.object({ id: z.string() }), execute: async () => 'ok' }),
      },
    });
    const session = await startTextSession(stack, { agent });
    session.session.on(voice.AgentSessionEventTypes.Error, (event) => void sessionErrors.push(event.error));
    try {
      const unhandled = await captureUnhandledRejections(async () => {
        expect((await session.ask('Where is my order?')).text).toBe('Hello from the backup.');
        expect((await session.ask('And now?')).text).toBe('Hello from the backup.');
      });
      expect(unhandled).toEqual([]);
      expect(sessionErrors).toEqual([]);
      expect(backup.chatRequests('backup')).toHaveLength(2);
      const [fallback] = recorder.of('fallback');
      expect(fallback).toMatchObject({ modality: 'llm', from: 'picky/picky-1', to: 'openai-compatible/backup' });
      expect(fallback!.error.message).toContain('the tool "lookup" has a schema this model does not support');
      expect(logger.lines.some((line) => line.startsWith('warn LLM option picky/picky-1 failed'))).toBe(true);
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('alone in the chain: the turn gets the apology, and the session goes on', async () => {
    const stack = await createVoiceStack(
      { llm: { provider: 'picky' }, retry: { windowMs: 1_000 } },
      { adapters: [picky], logger: recordingLogger(), env: {} },
    );
    const recorder = recordEvents(stack);
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toContain("Sorry, I can't answer right now.");
      expect(recorder.of('exhausted')).toHaveLength(1);
      expect((await session.ask('Still there?')).text).toContain("Sorry, I can't answer right now.");
    } finally {
      await session.close();
      await stack.close();
    }
  });
});

describe('a TTS option whose synthesize() or stream() throws synchronously', () => {
  it("is that option's failure: the next option speaks, one-shot and streamed, with no unhandled rejection", async () => {
    speech.reset();
    const stack = await createVoiceStack(
      { tts: [{ provider: 'broken' }, { provider: 'openai' }] },
      { adapters: [broken], logger: recordingLogger(), env: { OPENAI_API_KEY: 'sk-test' } },
    );
    const recorder = recordEvents(stack);
    try {
      const samples: number[] = [];
      const unhandled = await captureUnhandledRejections(async () => {
        samples.push((await speak(stack.tts!, 'Streamed sentence.')).samples);
        samples.push((await synthesizeOnce(stack.tts!, 'One shot.')).samples);
      });
      expect(unhandled).toEqual([]);
      expect(samples.every((count) => count > 0)).toBe(true);
      expect(speech.requests.map((request) => request.text)).toEqual(['Streamed sentence.', 'One shot.']);
      expect(recorder.of('fallback')[0]).toMatchObject({ modality: 'tts', from: 'broken/unknown', to: 'openai/gpt-4o-mini-tts' });
    } finally {
      await stack.close();
    }
  });
});
