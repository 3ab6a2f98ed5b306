import { createModeController, type CreateVoiceStackOptions, type VoiceStackConfig } from 'livekit-voice-stack';

/** The same agent on LiveKit Inference or on the direct plugins. */
export const MODES = {
  inference: {
    stt: { provider: 'inference', model: 'deepgram/nova-3', language: 'en' },
    llm: { provider: 'inference', model: 'openai/gpt-4.1-mini' },
    tts: { provider: 'inference', model: 'cartesia/sonic-turbo' },
  },
  plugins: {
    stt: { provider: 'deepgram', model: 'nova-3', language: 'en' },
    llm: { provider: 'openai', model: 'gpt-4.1-mini' },
    tts: { provider: 'cartesia' },
  },
} satisfies Record<string, VoiceStackConfig>;

export type Mode = keyof typeof MODES;

/**
 * `USE_LIVEKIT_INFERENCE=true` prefers Inference; the plugins are the fallback mode, used automatically when the
 * Inference stack cannot start (no LiveKit key, gateway unreachable: its health probe fails). Flipping the flag back
 * is the rollback: calls in progress keep their stack, new calls take the plugins.
 */
export function createModes(
  env: Record<string, string | undefined> = process.env,
  { probe = true, ...options }: CreateVoiceStackOptions & { probe?: boolean } = {},
) {
  const preferInference = /^(1|true|yes|on)$/i.test(env.USE_LIVEKIT_INFERENCE ?? '');
  return createModeController({
    modes: MODES,
    mode: preferInference ? 'inference' : 'plugins',
    fallbackMode: 'plugins',
    probe: probe && { timeoutMs: 3_000 }, // an unreachable gateway fails the probe, like a missing key fails the build
    createOptions: { env, ...options },
  });
}
