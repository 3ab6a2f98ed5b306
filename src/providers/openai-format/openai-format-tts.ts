import type { tts } from '@livekit/agents';
import type { AdapterContext, ProbeResult } from '../define-adapter.js';
import { createOpenAIClient, type KeySource } from './openai-client.js';
import { probeHTTP } from '../probe-http.js';

export interface OpenAIFormatTTSOptions {
  model: string;
  voice: string;
  baseURL?: string | undefined;
  apiKey?: string | undefined;
  speed?: number | undefined;
  instructions?: string | undefined;
}

/**
 * Every OpenAI-format TTS (OpenAI, Kokoro, openedai-speech …) is the OpenAI plugin's one-shot `TTS` over an OpenAI SDK
 * client that we build, so that responses go through `context.fetch` (status and Retry-After of a 429).
 */
export async function createOpenAIFormatTTS(
  options: OpenAIFormatTTSOptions,
  context: AdapterContext,
  keySource: KeySource,
): Promise<tts.TTS> {
  const { plugin, client } = await createOpenAIClient(options, context, keySource);
  return new plugin.TTS({
    client,
    model: options.model,
    voice: options.voice as 'alloy',
    ...(options.speed !== undefined && { speed: options.speed }),
    ...(options.instructions !== undefined && { instructions: options.instructions }),
  });
}

/**
 * Synthesises one word through `POST {baseURL}/audio/speech`, as the plugin asks (`response_format: "pcm"`): proves the
 * server, the key, the model and the voice, and (unlike `GET /models`) that the account still has quota. Billed: two
 * characters of input.
 */
export function probeSpeech(
  endpoint: { baseURL: string; model: string; voice: string; apiKey?: string | undefined },
  context: Pick<AdapterContext, 'fetch' | 'signal'>,
): Promise<ProbeResult> {
  return probeHTTP(
    `${endpoint.baseURL.replace(/\/+$/, '')}/audio/speech`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(endpoint.apiKey && { authorization: `Bearer ${endpoint.apiKey}` }) },
      body: JSON.stringify({ model: endpoint.model, voice: endpoint.voice, input: 'ok', response_format: 'pcm' }),
    },
    context,
  );
}
