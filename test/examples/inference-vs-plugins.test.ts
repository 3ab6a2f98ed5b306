import { describe, expect, it } from 'vitest';
import type { ModeFallbackEvent } from '../../src/index.js';
import { createModes } from '../../examples/inference-vs-plugins/modes.js';

const pluginKeys = { DEEPGRAM_API_KEY: 'dg-test', OPENAI_API_KEY: 'sk-test', CARTESIA_API_KEY: 'sk_car_test' };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('examples/inference-vs-plugins', () => {
  it('the flag prefers Inference, and calls fall back to the plugins when Inference cannot start', async () => {
    const modes = createModes({ USE_LIVEKIT_INFERENCE: 'true', ...pluginKeys }, { probe: false, logger: quiet });
    const fallbacks: ModeFallbackEvent[] = [];
    modes.on('fallback', (event) => fallbacks.push(event));
    const call = await modes.stackForCall();
    expect(call.mode).toBe('plugins');
    expect(call.stack.toJSON().providers).toEqual({
      stt: ['deepgram/nova-3'],
      llm: ['openai/gpt-4.1-mini'],
      tts: [expect.stringMatching(/^cartesia\//)],
    });
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toMatchObject({ from: 'inference', to: 'plugins' });
    expect(String((fallbacks[0]!.error as Error).message)).toContain('LIVEKIT_API_KEY');
    call.release();
    await modes.close();
  });

  it('with LiveKit keys the same flag serves calls from Inference; without it, from the plugins', async () => {
    const keys = { LIVEKIT_API_KEY: 'lk', LIVEKIT_API_SECRET: 'lk-secret', ...pluginKeys };
    const inference = createModes({ USE_LIVEKIT_INFERENCE: 'true', ...keys }, { probe: false, logger: quiet });
    const call = await inference.stackForCall();
    expect(call.mode).toBe('inference');
    expect(call.stack.toJSON().providers.llm).toEqual(['inference/openai/gpt-4.1-mini']);
    call.release();
    await inference.close();

    const plugins = createModes({ USE_LIVEKIT_INFERENCE: 'false', ...keys }, { probe: false, logger: quiet });
    const pluginCall = await plugins.stackForCall();
    expect(pluginCall.mode).toBe('plugins');
    pluginCall.release();
    await plugins.close();
  });
});
