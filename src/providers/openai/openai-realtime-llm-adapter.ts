import { openAIRealtimeLLMOptions } from './openai-realtime-llm-options.js';
import { MissingAPIKeyError } from '../../errors/index.js';
import { defineAdapter } from '../define-adapter.js';
import { loadOpenAIPlugin } from '../load-plugin.js';
import { guardRealtimeModel } from './guarded-realtime-model.js';
import { probeRealtime } from './realtime-socket.js';

/**
 * `{ provider: 'openai-realtime' }`: OpenAI's speech-to-speech model (`openai.realtime.RealtimeModel`, a WebSocket).
 * The session needs no STT or TTS with it. Its sessions are guarded ({@link guardRealtimeModel}): a refused
 * connection is an error event and a retry with backoff, never an uncaught exception.
 */
export const openAIRealtimeLLMAdapter = defineAdapter({
  modality: 'llm',
  provider: 'openai-realtime',
  options: openAIRealtimeLLMOptions,
  model: (options) => options.model,
  create: async (options, context) => {
    const where = `${context.path} (openai-realtime)`;
    // The plugin falls back to process.env; read the stack's env instead so a caller-supplied env is honoured.
    const apiKey = options.apiKey ?? context.env.OPENAI_API_KEY;
    if (!apiKey) throw new MissingAPIKeyError(where, 'apiKey', 'OPENAI_API_KEY');
    const openai = await loadOpenAIPlugin(where);
    const model = new openai.realtime.RealtimeModel({
      apiKey,
      model: options.model,
      voice: options.voice,
      // Without a baseURL the plugin reads OPENAI_BASE_URL, which in this library points the LLM at a self-hosted server.
      baseURL: options.baseURL ?? 'https://api.openai.com/v1',
      ...(options.speed !== undefined && { speed: options.speed }),
      ...((options.transcriptionModel || options.language) && {
        inputAudioTranscription: {
          model: options.transcriptionModel ?? 'gpt-4o-mini-transcribe',
          ...(options.language && { language: options.language }),
        },
      }),
    });
    // A refused (re)connection must not crash the call's process nor leave the session deaf: see the guard.
    return guardRealtimeModel(model, openai.realtime, { logger: context.logger });
  },
  // Opens the Realtime session as the plugin does (`{baseURL}/realtime?model=…`, bearer key) and closes it at
  // `session.created`, before any `session.update` or audio: proves the key, the model and realtime access (a wrong key
  // may be refused in-band, after the upgrade); no response is generated, nothing billed.
  health: (options, context) => {
    const apiKey = options.apiKey ?? context.env.OPENAI_API_KEY;
    if (!apiKey) return Promise.resolve({ ok: false, error: 'no OpenAI API key (set OPENAI_API_KEY)' });
    const url = new URL(`${(options.baseURL ?? 'https://api.openai.com/v1').replace(/\/+$/, '')}/realtime`);
    url.protocol = url.protocol.replace(/^http/, 'ws');
    url.searchParams.set('model', options.model);
    return probeRealtime(url.toString(), apiKey, context.signal);
  },
});
