import type { StandardSchemaV1 } from '@standard-schema/spec';
import { z } from 'zod';
import { docsUrl } from '../errors/docs-url.js';
import { ConfigError, type ConfigIssue, MODALITIES, type Modality } from '../errors/index.js';
import { isLiveKitInstance, type LiveKitInstance } from './livekit-instance.js';
import { type ResolvedRetryOptions, type ResolvedVerbalOptions, retrySchema, verbalSchema } from './policy-config.js';
import { organisationIdProblem } from './organisation-id.js';
import { FIX, languageSchema } from './schema-helpers.js';
import { isSecretKey, looksLikeSecret, maskText, secretValuesOf } from './secrets.js';
import type { AdapterSchemaSource } from './voice-stack-config.js';

/** One validated option of a slot. */
export type ParsedEntry<A extends AdapterSchemaSource = AdapterSchemaSource> =
  | { kind: 'instance'; path: string; instance: LiveKitInstance }
  | {
      kind: 'adapter';
      path: string;
      adapter: A;
      options: Record<string, unknown>;
      lastResort: boolean | undefined;
      /** The organisation whose record this entry came from: it never reads a key from the environment. */
      orgId?: string | undefined;
    };

/** A config after validation: every slot is a chain (possibly empty), every policy option is resolved. */
export interface ParsedConfig<A extends AdapterSchemaSource = AdapterSchemaSource> {
  stt: ParsedEntry<A>[];
  llm: ParsedEntry<A>[];
  tts: ParsedEntry<A>[];
  retry: ResolvedRetryOptions;
  verbal: ResolvedVerbalOptions | false;
}

const topLevelSchema = z.strictObject({
  stt: z.unknown().optional(),
  llm: z.unknown().optional(),
  tts: z.unknown().optional(),
  retry: retrySchema.optional(),
  verbal: verbalSchema.optional(),
  language: languageSchema.optional(),
  languages: z
    .record(
      z.string(),
      z.strictObject({
        stt: z.record(z.string(), z.strictObject({ model: z.string().optional(), voice: z.string().optional() })).optional(),
        tts: z.record(z.string(), z.strictObject({ model: z.string().optional(), voice: z.string().optional() })).optional(),
      }),
      { error: `expected choices per language${FIX}e.g. { fr: { tts: { cartesia: { voice: "…" } } } }.` },
    )
    .optional(),
});

/**
 * Validates a config against the adapters it may use. Collects every problem before throwing one
 * {@link ConfigError} whose message lists each path, what is wrong, and the fix; secrets are never echoed.
 */
export function parseConfig<A extends AdapterSchemaSource>(config: unknown, adapters: readonly A[], source?: string): ParsedConfig<A> {
  const issues: ConfigIssue[] = [];
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(
      [{ path: '', message: `expected a config object, got ${describe(config)}${FIX}pass e.g. { llm: { provider: 'openai' } }.` }],
      source,
    );
  }
  const knownKeys = collectKnownKeys(adapters);
  const top = topLevelSchema.safeParse(config, { reportInput: true });
  if (!top.success) issues.push(...top.error.issues.map((issue) => formatIssue(issue, [], knownKeys)));

  const slots = { stt: [], llm: [], tts: [] } as Record<Modality, ParsedEntry<A>[]>;
  for (const modality of MODALITIES) {
    const value = (config as Record<string, unknown>)[modality];
    if (value === undefined) continue;
    const isChain = Array.isArray(value);
    const entries: unknown[] = isChain ? value : [value];
    if (isChain && entries.length === 0) {
      issues.push({
        path: modality,
        message: `expected at least one option, got an empty array${FIX}add an option, or remove \`${modality}\`.`,
      });
    }
    entries.forEach((entry, index) => {
      const path = isChain ? `${modality}[${index}]` : modality;
      const parsed = parseEntry(entry, modality, path, adapters, knownKeys, issues);
      if (parsed) slots[modality].push(parsed);
    });
  }
  if (issues.length > 0) throw new ConfigError(issues, source);
  const data = top.data!;
  return { ...slots, retry: data.retry ?? retrySchema.parse({}), verbal: data.verbal ?? verbalSchema.parse({}) };
}

function parseEntry<A extends AdapterSchemaSource>(
  entry: unknown,
  modality: Modality,
  path: string,
  adapters: readonly A[],
  knownKeys: ReadonlySet<string>,
  issues: ConfigIssue[],
): ParsedEntry<A> | undefined {
  if (isLiveKitInstance(entry, modality)) return { kind: 'instance', path, instance: entry };
  if (typeof entry === 'function') {
    issues.push({ path, message: `expected a provider entry, got a function${FIX}did you forget to call it or to use \`new\`?` });
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    issues.push({
      path,
      message: `expected a provider entry or a LiveKit ${modality.toUpperCase()} instance, got ${describe(entry)}${FIX}use e.g. { provider: '${knownProviders(adapters, modality)[0] ?? 'openai'}', … }.`,
    });
    return undefined;
  }
  const { provider, lastResort, orgId, ...rest } = entry as Record<string, unknown>;
  const known = knownProviders(adapters, modality)
    .map((name) => `"${name}"`)
    .join(', ');
  const adapter = adapters.find((candidate) => candidate.modality === modality && candidate.provider === provider);
  if (!adapter) {
    const got = provider === undefined ? 'no `provider`' : `unknown provider ${describe(provider)}`;
    issues.push({
      path: `${path}.provider`,
      message: `${got} for ${modality}${FIX}use one of ${known}, or pass a custom adapter made with defineAdapter() in \`options.adapters\`.`,
    });
    return undefined;
  }
  if (lastResort !== undefined && typeof lastResort !== 'boolean') {
    issues.push({
      path: `${path}.lastResort`,
      message: `expected true or false, got ${describe(lastResort)}${FIX}use \`lastResort: true\`.`,
    });
  }
  const orgIdProblem = orgId === undefined ? undefined : organisationIdProblem(orgId);
  if (orgIdProblem) issues.push({ path: `${path}.orgId`, message: orgIdProblem });
  const result = validateOptions(adapter.options, rest, path, knownKeys);
  if ('issues' in result) {
    issues.push(...result.issues);
    return undefined;
  }
  return {
    kind: 'adapter',
    path,
    adapter,
    options: result.data as Record<string, unknown>,
    lastResort: lastResort as boolean | undefined,
    ...(orgId !== undefined && { orgId: orgId as string }),
  };
}

function knownProviders(adapters: readonly AdapterSchemaSource[], modality: Modality): string[] {
  return adapters.filter((adapter) => adapter.modality === modality).map((adapter) => adapter.provider);
}

function collectKnownKeys(adapters: readonly AdapterSchemaSource[]): Set<string> {
  const keys = new Set(['provider', 'lastResort', 'orgId', 'stt', 'llm', 'tts', 'retry', 'verbal', 'language', 'languages']);
  const visit = (schema: unknown) => {
    const def = (schema as { def?: { shape?: Record<string, unknown>; in?: unknown; schema?: unknown } })?.def;
    if (def?.shape) for (const key of Object.keys(def.shape)) keys.add(key);
    if (def?.in) visit(def.in);
    if (def?.schema) visit(def.schema);
  };
  for (const adapter of adapters) visit(adapter.options);
  for (const schema of [retrySchema, verbalSchema]) visit(schema);
  for (const key of [
    'windowMs',
    'initialDelayMs',
    'maxDelayMs',
    'factor',
    'jitter',
    'hedgeAfterMs',
    'stallTimeoutMs',
    'holding',
    'apology',
    'notHearing',
    'holdingAfterMs',
    'minIntervalMs',
  ])
    keys.add(key);
  return keys;
}

/**
 * Validates an adapter's options. A zod 4 schema (every built-in adapter's) gets our messages: what was received,
 * never a secret, "did you mean". Any other Standard Schema (valibot, arktype, zod 3.24+ …) gets its own messages,
 * with key-like values masked; it must validate synchronously, since the config is checked before anything is created.
 */
function validateOptions(
  schema: StandardSchemaV1,
  value: Record<string, unknown>,
  path: string,
  knownKeys: ReadonlySet<string>,
): { data: unknown } | { issues: ConfigIssue[] } {
  if ('_zod' in schema && typeof (schema as { safeParse?: unknown }).safeParse === 'function') {
    const result = (schema as unknown as z.ZodType).safeParse(value, { reportInput: true });
    return result.success ? { data: result.data } : { issues: result.error.issues.map((issue) => formatIssue(issue, [path], knownKeys)) };
  }
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    void result.catch(() => undefined);
    return {
      issues: [
        { path, message: `expected an options schema that validates synchronously${FIX}remove its async checks (run them in create()).` },
      ],
    };
  }
  if (!result.issues) return { data: result.value };
  const secrets = secretValuesOf(value);
  return {
    issues: result.issues.map((issue) => ({
      path: joinPath([path, ...(issue.path ?? []).map((segment) => keyOf(typeof segment === 'object' ? segment.key : segment))]),
      message: maskText(issue.message, secrets),
    })),
  };
}

const keyOf = (key: PropertyKey): string | number => (typeof key === 'symbol' ? String(key) : key);

type ZodIssue = z.core.$ZodIssue & { input?: unknown };

/** Turns a zod issue into "path: expected X, got Y. Fix: Z." without echoing secrets. */
export function formatIssue(issue: ZodIssue, prefix: readonly (string | number)[], knownKeys: ReadonlySet<string>): ConfigIssue {
  const segments = [...prefix, ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))];
  const path = joinPath(segments);
  const lastKey = issue.path.at(-1);
  const secret = lastKey !== undefined && isSecretKey(lastKey);

  if (issue.code === 'unrecognized_keys') {
    const messages = issue.keys.map((key) => {
      const suggestion = suggest(key, knownKeys);
      return `unknown key "${key}"${FIX}${suggestion ? `did you mean "${suggestion}"?` : `remove it (see ${docsUrl('configuration.md')} for the known keys).`}`;
    });
    return { path, message: messages.join(' ') };
  }
  if (issue.code === 'invalid_union') {
    // Report the branch whose type matched (e.g. the object form of `verbal`), not "no union member matched".
    const branch = issue.errors.find((issues) =>
      issues.every((inner) => inner.path.length > 0 || !['invalid_type', 'invalid_value'].includes(inner.code)),
    );
    if (branch?.length) {
      const inner = branch.map((nested) =>
        formatIssue({ ...nested, path: [...issue.path, ...nested.path] } as ZodIssue, prefix, knownKeys),
      );
      return {
        path: inner[0]!.path,
        message: inner.map((nested) => (nested.path === inner[0]!.path ? nested.message : `${nested.path}: ${nested.message}`)).join(' '),
      };
    }
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { path, message: `is required${FIX}add \`${String(lastKey ?? path)}\` (see ${docsUrl('configuration.md')}).` };
  }
  const [expected, fix] = issue.message.includes(FIX)
    ? (issue.message.split(FIX, 2) as [string, string])
    : [issue.message.replace(/^Invalid input: /, ''), `see ${docsUrl('configuration.md')}.`];
  // Object-level refinements say what is wrong themselves; only primitives are worth echoing.
  const primitive = issue.input === null || ['string', 'number', 'boolean'].includes(typeof issue.input);
  const received = secret || !primitive || /, got /.test(expected) ? '' : `, got ${describe(issue.input)}`;
  return { path, message: `${expected}${received}${FIX}${fix}` };
}

function joinPath(segments: readonly (string | number)[]): string {
  return segments.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`;
    return out ? `${out}.${segment}` : segment;
  }, '');
}

/** A short, safe description of a received value (strings are quoted and cut at 60 characters). */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (looksLikeSecret(value)) return 'a value that looks like a key (not shown)';
    const masked = maskText(value); // a URL with credentials or a key in its query
    return JSON.stringify(masked.length > 60 ? `${masked.slice(0, 57)}...` : masked);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return 'an object';
}

function suggest(key: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : levenshtein(candidate, key);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
