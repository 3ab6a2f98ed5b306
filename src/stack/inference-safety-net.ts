import type { ParsedConfig, ParsedEntry } from '../config/parse-config.js';
import type { AdapterSchemaSource } from '../config/voice-stack-config.js';
import { MODALITIES, type Modality, ProviderError } from '../errors/index.js';
import { inferenceCredentials, type InferenceEntry } from '../providers/inference/inference-credentials.js';

/** An option that cannot start, left out so that the rest of its slot serves. */
export interface StartupFallback {
  modality: Modality;
  /** `inference/<model>` */
  from: string;
  /** Why it cannot start, with the fix. */
  error: ProviderError;
}

/**
 * LiveKit Inference with a safety net: an `inference` entry without LiveKit credentials cannot start, so when its slot
 * has another option (the plugins behind it) it is left out and reported; the stack starts on the plugins. When the
 * slot has nothing else, it stays, and creating it fails with the variables to set: only when neither can start is it
 * an error. A refused handshake at call time is the chain's business (it falls back and emits `fallback`).
 */
export function withoutUnstartableInference<A extends AdapterSchemaSource>(
  parsed: ParsedConfig<A>,
  env: Readonly<Record<string, string | undefined>>,
): { parsed: ParsedConfig<A>; fallbacks: StartupFallback[] } {
  const fallbacks: StartupFallback[] = [];
  const slots = { ...parsed };
  for (const modality of MODALITIES) {
    const entries = parsed[modality];
    const unstartable = (entry: ParsedEntry<A>) =>
      entry.kind === 'adapter' && entry.adapter.provider === 'inference' && missingCredential(entry.options as InferenceEntry, env);
    if (!entries.some((entry) => !unstartable(entry))) continue;
    slots[modality] = entries.filter((entry) => {
      const missing = unstartable(entry);
      if (!missing || entry.kind !== 'adapter') return true;
      const from = `inference/${String(entry.options.model ?? 'default')}`;
      const message =
        `LiveKit Inference cannot start for ${entry.path}: no ${missing}; the stack runs on the options behind it. ` +
        `Fix: set LIVEKIT_API_KEY and LIVEKIT_API_SECRET (or the entry's apiKey/apiSecret), or set USE_LIVEKIT_INFERENCE=false.`;
      fallbacks.push({ modality, from, error: new ProviderError(message, { category: 'auth', modality, label: from }) });
      return false;
    });
  }
  return { parsed: slots, fallbacks };
}

function missingCredential(options: InferenceEntry, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const { apiKey, apiSecret } = inferenceCredentials(options, env);
  if (!apiKey && !apiSecret) return 'LiveKit API key or secret';
  if (!apiKey) return 'LiveKit API key';
  if (!apiSecret) return 'LiveKit API secret';
  return undefined;
}
