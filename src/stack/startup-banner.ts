import { MODALITIES, type Modality } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import type { StartupFallback } from './inference-safety-net.js';

/** The environment variables each built-in provider reads its key from (what the banner says a mode needs). */
const KEY_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  inference: ['LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'],
  openai: ['OPENAI_API_KEY'],
  'openai-realtime': ['OPENAI_API_KEY'],
  openrouter: ['OPENROUTER_API_KEY'],
  deepgram: ['DEEPGRAM_API_KEY'],
  cartesia: ['CARTESIA_API_KEY'],
  elevenlabs: ['ELEVEN_API_KEY (or ELEVENLABS_API_KEY)'],
  groq: ['GROQ_API_KEY'],
  gemini: ['GEMINI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  'azure-openai': ['AZURE_OPENAI_API_KEY'],
};

/** One option as the banner shows it. */
export interface BannerOption {
  provider: string;
  model: string;
  voice?: string;
  language?: string;
}

/** The startup banner as log fields (a worker's JSON logs carry it whole). Never a secret. */
export interface StartupBannerFields {
  /** `enabled`: Inference leads a slot; `unavailable`: configured but cannot start (the plugins serve); `disabled`: not configured. */
  inference: 'enabled' | 'unavailable' | 'disabled';
  /** The mode controller's mode this stack serves, when it was built by one. */
  mode?: string;
  /** The key variables (or self-hosted servers) the options that serve need. */
  needs: string[];
  stt: BannerOption[];
  llm: BannerOption[];
  tts: BannerOption[];
  /** Options left out because they cannot start. */
  unavailable: { modality: Modality; option: string; reason: string }[];
}

/**
 * The block logged when a stack is created: the mode (LiveKit Inference ENABLED / DISABLED / UNAVAILABLE, or the
 * mode controller's mode), what it needs, and per slot the chain with provider, model, voice and language.
 * It reads only provider names, models, voices, languages, variable names and URLs without credentials.
 */
export function startupBanner(
  providers: Readonly<Record<Modality, readonly ProviderOption[]>>,
  { mode, fallbacks = [] }: { mode?: string | undefined; fallbacks?: readonly StartupFallback[] } = {},
): { text: string; fields: StartupBannerFields } {
  const all = MODALITIES.flatMap((modality) => providers[modality]);
  const leads = MODALITIES.some((modality) => providers[modality][0]?.provider === 'inference');
  const inference = leads ? 'enabled' : fallbacks.length > 0 ? 'unavailable' : 'disabled';
  const needs = [...new Set(all.flatMap(needsOf))];
  const slots = Object.fromEntries(MODALITIES.map((modality) => [modality, providers[modality].map(describe)])) as Record<
    Modality,
    BannerOption[]
  >;
  const unavailable = fallbacks.map(({ modality, from, error }) => ({ modality, option: from, reason: error.message }));
  const fields: StartupBannerFields = { inference, ...(mode !== undefined && { mode }), needs, ...slots, unavailable };

  const plugins = needs.filter((need) => !KEY_VARIABLES.inference!.includes(need));
  const headline = {
    enabled: `LiveKit Inference: ENABLED, needs ${KEY_VARIABLES.inference!.join(', ')}${plugins.length ? ` (plugins behind it: ${plugins.join(', ')})` : ''}`,
    unavailable: `LiveKit Inference: UNAVAILABLE (no LiveKit credentials), running on the plugins, needs ${plugins.join(', ') || 'nothing'}`,
    disabled: `LiveKit Inference: DISABLED (plugins), needs ${plugins.join(', ') || 'nothing'}`,
  }[inference];
  const lines = [
    ...(mode !== undefined ? [`mode: ${mode}`] : []),
    headline,
    ...MODALITIES.filter((modality) => slots[modality].length > 0).map(
      (modality) => `${modality.toUpperCase()}: ${slots[modality].map(formatOption).join(' → ')}`,
    ),
    ...unavailable.map(({ option, reason }) => `left out: ${option}: ${reason}`),
  ];
  return { text: lines.join('\n'), fields };
}

function describe(option: ProviderOption): BannerOption {
  const options = (option.source?.options ?? {}) as { voice?: unknown; language?: unknown };
  return {
    provider: option.provider,
    model: option.model,
    ...(typeof options.voice === 'string' && { voice: options.voice }),
    ...(typeof options.language === 'string' && { language: options.language }),
  };
}

function formatOption({ provider, model, voice, language }: BannerOption): string {
  const details = [voice && `voice ${voice}`, language && `language ${language}`].filter(Boolean);
  return `${provider} ${model}${details.length ? ` (${details.join(', ')})` : ''}`;
}

/** A provider's key variables, or the self-hosted server it calls (origin and path only: no credentials, no query). */
function needsOf(option: ProviderOption): string[] {
  const known = KEY_VARIABLES[option.provider];
  if (known) return [...known];
  const baseURL = (option.source?.options as { baseURL?: unknown } | undefined)?.baseURL;
  if (typeof baseURL !== 'string') return [];
  try {
    const url = new URL(baseURL);
    return [`a server at ${url.origin}${url.pathname.replace(/\/+$/, '')}`];
  } catch {
    return [];
  }
}
