import type { z } from 'zod';

/** Any built-in STT provider entry. (Filled by the speech providers.) */
export type BuiltinSTTConfig = never;

export const sttOptionSchemas: Record<string, z.ZodType> = {};
