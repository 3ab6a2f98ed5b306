/**
 * Per-language default voices for Cartesia (the plugin and `cartesia/*` models on LiveKit Inference), used when a
 * config gives a `language` but no `voice`: a Cartesia voice keeps its accent in every language, so the English
 * default voice speaking French sounds foreign. The ids are voices of Cartesia's public library recorded by native
 * speakers of each language the Cartesia plugin lists (`TTSLanguages`: en, es, fr, de, pt, zh, ja).
 */
export const CARTESIA_DEFAULT_VOICES: Readonly<Record<string, string>> = {
  /** The plugin's own default voice. */
  en: 'f786b574-daa5-4673-aa0c-cbe3e8534c02',
  /** "Helpful French Lady". */
  fr: '65b25c5d-ff07-4687-a04c-da2f43ef6fa9',
  /** "German Woman" (phone conversations). */
  de: 'b9de4a89-2257-424b-94c2-db18ba68c81a',
  /** "Spanish-speaking Man" (casual conversations). */
  es: '34dbb662-8e98-413c-a1ef-1a3407675fe7',
  /** "Pleasant Brazilian Lady". */
  pt: '700d1ee3-a641-4018-ba6e-899dcadc9e2b',
  /** "Japanese Woman Conversational". */
  ja: '2b568345-1d48-4047-b25f-7baccf842eb0',
  /** "Chinese Female Conversational". */
  zh: 'e90c6678-f0d3-4767-9883-5d0ecf5894a8',
};

/** `pt-BR` → `pt`. */
export function baseLanguage(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0] ?? language;
}

/** The default Cartesia voice for `language`, or undefined when we have none for it. */
export function cartesiaVoiceFor(language: string): string | undefined {
  return CARTESIA_DEFAULT_VOICES[baseLanguage(language)];
}
