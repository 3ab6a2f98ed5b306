import { VoiceStackError } from '../errors/index.js';

/** Counters under one key: field → integer. */
export type CounterFields = Record<string, number>;

/** Refuses fields a store could not add exactly (a fraction, `NaN`, a value past 2^53). */
export function checkIncrement(key: string, fields: CounterFields): void {
  for (const [field, value] of Object.entries(fields)) {
    if (!Number.isSafeInteger(value))
      throw new VoiceStackError(
        'INVALID_USE',
        `Failed to increment "${key}": field "${field}" is ${String(value)}, not an integer. Fix: pass whole numbers (round latencies into buckets first).`,
      );
  }
}

/** Adds `fields` into `into` (a copy-free merge). */
export function addFields(into: CounterFields, fields: CounterFields): CounterFields {
  for (const [field, value] of Object.entries(fields)) into[field] = (into[field] ?? 0) + value;
  return into;
}

/**
 * The counters read back from a store, which another process (or a person) may have written anything into: only
 * fields holding a safe integer (or a string of one, as Redis answers) are kept.
 */
export function counterFieldsOf(value: unknown): CounterFields {
  const fields: CounterFields = Object.create(null) as CounterFields;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fields;
  for (const [field, raw] of Object.entries(value as Record<string, unknown>)) {
    const number = typeof raw === 'string' && /^-?\d{1,16}$/.test(raw) ? Number(raw) : raw;
    if (typeof number === 'number' && Number.isSafeInteger(number)) fields[field] = number;
  }
  return fields;
}
