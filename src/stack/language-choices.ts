import type { LanguageChoices, VoiceStackConfig } from '../config/voice-stack-config.js';
import { baseLanguage, CARTESIA_DEFAULT_VOICES } from '../providers/cartesia/cartesia-voices.js';

/** Deepgram Nova-3's languages (`nova-3` with `language`); others get Nova-2, which covers more. */
const NOVA_3 = new Set(['en', 'es', 'fr', 'de', 'hi', 'ru', 'pt', 'ja', 'it', 'nl']);

/**
 * The model and voice per provider and slot that a `language` picks when an entry leaves them unset: Deepgram Nova-3
 * (Nova-2 where Nova-3 lacks the language), Cartesia Sonic Turbo with a native voice of the language (see
 * `CARTESIA_DEFAULT_VOICES`), the same through LiveKit Inference, and ElevenLabs Flash v2.5 (multilingual) off
 * English. Override or extend it with the config's `languages`.
 */
function defaultLanguageChoices(language: string): LanguageChoices {
  const base = baseLanguage(language);
  const deepgram = NOVA_3.has(base) ? 'nova-3' : 'nova-2';
  const voice = CARTESIA_DEFAULT_VOICES[base];
  return {
    stt: { deepgram: { model: deepgram }, inference: { model: `deepgram/${deepgram}` } },
    tts: {
      ...(voice && { cartesia: { model: 'sonic-turbo', voice }, inference: { model: 'cartesia/sonic-turbo', voice } }),
      ...(base !== 'en' && { elevenlabs: { model: 'eleven_flash_v2_5' } }),
    },
  };
}

/**
 * The config with its `language` applied: every STT and TTS entry (and a realtime model) without a `language` gets it,
 * and its unset model and voice come from the language's choices (`languages[language]` over the defaults).
 * Ready LiveKit instances are left as they are.
 */
export function applyLanguage<C extends VoiceStackConfig<never>>(config: C, language = config.language): C {
  if (!language) return config;
  const overrides = config.languages?.[language] ?? config.languages?.[baseLanguage(language)];
  const defaults = defaultLanguageChoices(language);
  const slot = (modality: 'stt' | 'llm' | 'tts', value: unknown): unknown => {
    if (value === undefined) return undefined;
    const entries = Array.isArray(value) ? value : [value];
    const applied = entries.map((entry) => {
      if (!isPlainEntry(entry)) return entry;
      if (modality === 'llm' && entry.provider !== 'openai-realtime') return entry;
      const choice = modality === 'llm' ? undefined : (overrides?.[modality]?.[entry.provider] ?? defaults[modality]?.[entry.provider]);
      return {
        ...entry,
        ...(entry.language === undefined && { language }),
        ...(entry.model === undefined && choice?.model !== undefined && { model: choice.model }),
        ...(entry.voice === undefined && choice?.voice !== undefined && { voice: choice.voice }),
      };
    });
    return Array.isArray(value) ? applied : applied[0];
  };
  return { ...config, language, stt: slot('stt', config.stt), llm: slot('llm', config.llm), tts: slot('tts', config.tts) } as C;
}

function isPlainEntry(value: unknown): value is Record<string, unknown> & { provider: string } {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && 'provider' in value;
}
