import { inference, tts, version } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { createVoiceStack, VoiceStackError } from '../../src/index.js';
import { routeInferenceLLMFetch, vadStreamInternals } from '../../src/providers/livekit-internals.js';

/** Runs `run` with `target[name]` gone (as a LiveKit release that renamed it would leave it), then puts it back. */
async function without<T>(target: object, name: string, run: () => Promise<T>): Promise<T> {
  const descriptor = Object.getOwnPropertyDescriptor(target, name)!;
  delete (target as Record<string, unknown>)[name];
  try {
    return await run();
  } finally {
    Object.defineProperty(target, name, descriptor);
  }
}

const incompatible = (missing: string) =>
  new RegExp(
    `^Failed to [^:]+: @livekit/agents ${version.replace(/\./g, '\\.')} no longer has ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*` +
      'Fix: pin @livekit/agents and its plugins to 1\\.9\\.x',
  );

describe('LiveKit internals under guard', () => {
  it('a stack is created on the installed (tested) version', async () => {
    const stack = await createVoiceStack({ llm: { provider: 'llama-cpp' } }, { env: {} });
    await stack.close();
  });

  it('a changed prototype fails createVoiceStack() with the version and what changed, for any config', async () => {
    const error = await without(inference.STT.prototype, 'connectWs', () =>
      createVoiceStack({ llm: { provider: 'llama-cpp' } }, { env: {} }).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(VoiceStackError.isInstance(error)).toBe(true);
    expect((error as VoiceStackError).code).toBe('LIVEKIT_INCOMPATIBLE');
    expect((error as Error).message).toMatch(incompatible('`inference.STT.prototype.connectWs`'));
    // Put back: the next stack is created again.
    const stack = await createVoiceStack({ llm: { provider: 'llama-cpp' } }, { env: {} });
    await stack.close();
  });

  it('the one-shot TTS guard: ChunkedStream#mainTask gone', async () => {
    await without(tts.ChunkedStream.prototype, 'mainTask', async () => {
      await expect(createVoiceStack({ llm: { provider: 'llama-cpp' } }, { env: {} })).rejects.toThrow(
        incompatible('`tts.ChunkedStream.prototype.mainTask`'),
      );
    });
  });

  it('a private field of an instance: inference.LLM without its OpenAI client', () => {
    const llm = new inference.LLM({
      model: 'openai/gpt-4.1-mini',
      apiKey: 'lk-key',
      apiSecret: 'lk-secret',
      baseURL: 'http://127.0.0.1:9/v1',
    });
    delete (llm as unknown as Record<string, unknown>).client;
    expect(() => routeInferenceLLMFetch(llm, fetch)).toThrow(incompatible('`inference.LLM#client.withOptions()`'));
  });

  it('a VAD stream without the fields the segmentation fixes use names them', () => {
    expect(() => vadStreamInternals({ closed: false, inputClosed: false })).toThrow(
      incompatible('`VADStream#inputWriter`, `#outputWriter`, `#outputReader`, `#output.writable`'),
    );
  });
});
