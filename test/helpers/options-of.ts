import type { EntryBase } from '../../src/config/entry-base.js';

/** What a provider's option schema accepts: its config entry without the stack's own fields. */
export type OptionsOf<Entry> = Omit<Entry, 'provider' | keyof EntryBase>;
