import { createModeController, type Logger, type StateStore, voiceStackConfigFromEnv } from 'livekit-voice-stack';

/**
 * S4's two modes from its own variables: `LLM_MODE=openai_realtime|runpod_streaming`, OpenAI Realtime (`OPENAI_API_KEY`,
 * `OPENAI_MODEL`) and the self-hosted pipeline (`WHISPER_ENDPOINT`, `RUNPOD_A100_ENDPOINT`, `RUNPOD_LLM_MODEL`,
 * ElevenLabs). The realtime mode also gets the pipeline's TTS, which speaks the apology when Realtime fails mid-call;
 * a call whose Realtime handshake is refused starts on the pipeline.
 */
export function createModes(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: {
    store?: StateStore;
    logger?: Logger;
    realtimeCheckMs?: number;
    /** Where Realtime is (a proxy, or the simulation's mock). */ realtimeBaseURL?: string;
  } = {},
) {
  const config = voiceStackConfigFromEnv(env);
  if (!config.modes)
    throw new Error('Failed to build the modes: LLM_MODE is not set. Fix: set LLM_MODE=openai_realtime or runpod_streaming.');
  const { modes } = config.modes;
  const mode = config.modes.mode as 'openai_realtime' | 'runpod_streaming';
  const pipeline = modes.runpod_streaming ?? {};
  // The pipeline's TTS also speaks the apology when Realtime fails mid-call.
  const realtime = { ...modes.openai_realtime, ...(pipeline.tts && { tts: pipeline.tts }) };
  if (options.realtimeBaseURL && realtime.llm && !Array.isArray(realtime.llm))
    realtime.llm = { ...realtime.llm, baseURL: options.realtimeBaseURL } as typeof realtime.llm;
  return createModeController({
    modes: { openai_realtime: realtime, runpod_streaming: pipeline },
    mode,
    fallbackMode: 'runpod_streaming',
    ...(options.store && { store: options.store }),
    ...(options.realtimeCheckMs !== undefined && { realtimeCheckMs: options.realtimeCheckMs }),
    createOptions: { env, ...(options.logger && { logger: options.logger }) },
  });
}
