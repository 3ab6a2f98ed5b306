import type { stt, VAD } from '@livekit/agents';
import type { AdapterContext } from '../define-adapter.js';
import { createOpenAIClient, type KeySource } from './openai-client.js';
import { withVADSegmentation } from '../vad-segmented-stt.js';

export interface OpenAIFormatSTTOptions {
  model: string;
  language: string;
  minSilenceMs: number;
  prompt?: string | undefined;
  baseURL?: string | undefined;
  apiKey?: string | undefined;
}

/**
 * Every OpenAI-format STT (OpenAI, faster-whisper-server, whisper.cpp …) is the OpenAI plugin's `STT` on the
 * transcriptions endpoint (`useRealtime: false`), over an OpenAI SDK client that we build so that responses go
 * through `context.fetch` (Retry-After, msw). The endpoint is not streaming, so a VAD segments the live audio.
 */
export async function createOpenAIFormatSTT(
  options: OpenAIFormatSTTOptions,
  context: AdapterContext,
  keySource: KeySource,
): Promise<{ instance: stt.STT; vad: VAD }> {
  const { plugin, client, apiKey } = await createOpenAIClient(options, context, keySource);
  const instance = new plugin.STT({
    model: options.model,
    language: options.language,
    useRealtime: false,
    // The plugin checks for a key even when given a client; the client's key is the one used.
    apiKey,
    client,
    ...(options.prompt !== undefined && { prompt: options.prompt }),
  });
  return withVADSegmentation(instance, { minSilenceMs: options.minSilenceMs });
}
