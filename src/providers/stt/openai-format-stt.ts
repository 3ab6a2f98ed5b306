import type { stt, VAD } from '@livekit/agents';
import { MissingAPIKeyError } from '../../errors/index.js';
import type { AdapterContext } from '../define-adapter.js';
import type { KeySource } from '../llm/openai-format-llm.js';
import { loadOpenAIPlugin } from '../load-plugin.js';
import { withVADSegmentation } from './vad-segmented-stt.js';

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
  const apiKey = options.apiKey ?? (keySource.envVariable ? context.env[keySource.envVariable] : undefined);
  if (!apiKey && !keySource.optional) {
    throw new MissingAPIKeyError(`${context.path} (${keySource.provider})`, 'apiKey', keySource.envVariable);
  }
  const [openai, { OpenAI }] = await Promise.all([loadOpenAIPlugin(`${context.path} (${keySource.provider})`), import('openai')]);
  const client = new OpenAI({
    apiKey: apiKey || 'none',
    ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
    maxRetries: 0, // the chain owns retries
    fetch: context.fetch,
  });
  const instance = new openai.STT({
    model: options.model,
    language: options.language,
    useRealtime: false,
    // The plugin checks for a key even when given a client; the client's key is the one used.
    apiKey: apiKey || 'none',
    client,
    ...(options.prompt !== undefined && { prompt: options.prompt }),
  });
  return withVADSegmentation(instance, { minSilenceMs: options.minSilenceMs });
}
