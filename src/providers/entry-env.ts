import { isSecretKey } from '../config/secrets.js';

/** The environment one entry's adapter sees, and what it read from it. */
export interface EntryEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Every variable the adapter looked up, with the value it got (`undefined` when unset or withheld). */
  readonly read: ReadonlyMap<string, string | undefined>;
}

/**
 * The environment an adapter sees for one entry. An organisation's entry (one with `orgId`, from the resolver) sees
 * an empty one: keys in the worker's environment belong to the platform, and so do its base URLs. Reads are
 * recorded, so the stack can name the variable an organisation's record lacked and see which keys an entry sends.
 */
export function entryEnv(env: Readonly<Record<string, string | undefined>>, orgId: string | undefined): EntryEnv {
  const read = new Map<string, string | undefined>();
  const source: Readonly<Record<string, string | undefined>> = orgId === undefined ? env : {};
  const proxy = new Proxy(source, {
    get(target, name) {
      if (typeof name !== 'string') return undefined;
      const value = Object.hasOwn(target, name) ? target[name] : undefined;
      read.set(name, value);
      return value;
    },
  });
  return { env: proxy, read };
}

/** The secret-named variables an entry looked up: those it got (sent as its key), or, for an organisation, was refused. */
export function secretVariablesRead(read: ReadonlyMap<string, string | undefined>, { withValue }: { withValue: boolean }): string[] {
  return [...read].filter(([name, value]) => isSecretKey(name) && (withValue ? Boolean(value) : true)).map(([name]) => name);
}
