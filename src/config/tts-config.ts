import type { z } from 'zod';

/** Any built-in TTS provider entry. (Filled by the speech providers.) */
export type BuiltinTTSConfig = never;

export const ttsOptionSchemas: Record<string, z.ZodType> = {};
