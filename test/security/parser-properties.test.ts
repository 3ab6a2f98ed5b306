import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.js';
import { assertOrganisationId, MAX_ORGANISATION_ID_LENGTH } from '../../src/config/organisation-id.js';
import { maskSecrets, maskText, maskURLs } from '../../src/config/secrets.js';
import { cooldownEntryFor, DEFAULT_MAX_COOLDOWN_MS } from '../../src/policies/chain-core.js';
import { builtinAdapters } from '../../src/providers/builtin-adapters.js';
import { parseRetryAfter } from '../../src/providers/response-observer.js';
import { VoiceStackError, voiceStackConfigFromEnv } from '../../src/index.js';

// Modest runs: these guard parsers users feed, not a benchmark. A failure prints the seed and the shrunk input.
const RUNS = { numRuns: 150 };

/** A key as providers issue them: letters, digits, `-` and `_`, 16 to 48 characters. */
const secret = fc.stringMatching(/^[A-Za-z0-9_-]{16,48}$/);
/**
 * A key as it looks when pasted into the wrong variable: a provider prefix (`sk-`, `sk_car_` …) or a long token (what
 * the library can tell from a model id or a phrase; a short random word cannot be told from a legitimate value).
 */
const keyShaped = fc.oneof(
  fc.tuple(fc.constantFrom('sk-', 'sk-proj-', 'sk_car_', 'xi-', 'lk_'), fc.stringMatching(/^[A-Za-z0-9]{20,40}$/)).map(([a, b]) => a + b),
  fc.stringMatching(/^[A-Za-z0-9_-]{32,64}$/),
);

/** Everything a thrown error shows: its message and its issues' messages. */
function shown(error: unknown): string {
  const issues = (error as { issues?: readonly { path: string; message: string }[] }).issues ?? [];
  return [(error as Error).message, ...issues.map((issue) => `${issue.path} ${issue.message}`)].join('\n');
}

describe('masking: a generated secret never survives', () => {
  const headerNames = fc.constantFrom('x-api-key', 'api-key', 'xi-api-key', 'X-Api-Key', 'apiKey', 'api_key', 'token', 'password');
  const queryNames = fc.constantFrom('key', 'api_key', 'apiKey', 'token', 'access_token', 'sig', 'signature', 'X-Amz-Signature');

  it('in a header or a named field, in free text (maskText)', () => {
    fc.assert(
      fc.property(secret, headerNames, fc.constantFrom(': ', '=', '":"', ': Bearer '), (value, name, separator) => {
        const text = `Failed to reach the provider: request had ${name}${separator}${value} and timed out`;
        expect(maskText(text)).not.toContain(value);
      }),
      RUNS,
    );
  });

  it('in an Authorization header', () => {
    fc.assert(
      fc.property(secret, fc.constantFrom('Bearer', 'Basic', 'Token'), (value, scheme) => {
        expect(maskText(`headers: { Authorization: ${scheme} ${value} }`)).not.toContain(value);
      }),
      RUNS,
    );
  });

  it('as URL credentials (user:pass@ or key@), in text, in maskURLs and in maskSecrets', () => {
    fc.assert(
      fc.property(secret, fc.constantFrom('https', 'http', 'wss', 'redis'), fc.boolean(), (value, scheme, withUser) => {
        const url = `${scheme}://${withUser ? 'user:' : ''}${value}@llm.acme.test:8443/v1/chat`;
        expect(maskText(`fetch failed: ${url}`)).not.toContain(value);
        expect(maskURLs(url)).not.toContain(value);
        expect(JSON.stringify(maskSecrets({ llm: [{ baseURL: url }] }))).not.toContain(value);
      }),
      RUNS,
    );
  });

  it('as a key-like query parameter, anywhere in the query', () => {
    fc.assert(
      fc.property(secret, queryNames, fc.boolean(), (value, name, first) => {
        const query = first ? `?${name}=${value}&model=a` : `?model=a&${name}=${value}`;
        const url = `https://tts.acme.test/v1/stream${query}`;
        expect(maskText(`GET ${url} failed`)).not.toContain(value);
        expect(JSON.stringify(maskSecrets({ tts: { baseURL: url } }))).not.toContain(value);
      }),
      RUNS,
    );
  });

  it('under a secret name anywhere in a config (maskSecrets), while other fields still show', () => {
    fc.assert(
      fc.property(secret, headerNames, fc.stringMatching(/^[a-z][a-z0-9-]{2,20}$/), (value, name, model) => {
        const config = { llm: [{ provider: 'openai', model, [name]: value, headers: { [name]: value } }], secrets: { any: value } };
        const masked = JSON.stringify(maskSecrets(config));
        expect(masked).not.toContain(value);
        expect(masked).toContain(model);
      }),
      RUNS,
    );
  });
});

describe('Retry-After parsing', () => {
  const now = Date.UTC(2026, 0, 1);
  const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });

  it('seconds and retry-after-ms are read exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        expect(parseRetryAfter(headers({ 'retry-after': String(seconds) }), now)).toBe(seconds * 1000);
        expect(parseRetryAfter(headers({ 'retry-after-ms': String(seconds) }), now)).toBe(seconds);
      }),
      RUNS,
    );
  });

  it('an HTTP date is the time until it (whole seconds), and a past date is 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: -86_400, max: 86_400 }), (seconds) => {
        const date = new Date(now + seconds * 1000).toUTCString();
        expect(parseRetryAfter(headers({ 'retry-after': date }), now)).toBe(Math.max(0, seconds * 1000));
      }),
      RUNS,
    );
  });

  it('garbage, negative and absurd values never give a negative or non-finite wait, and never cool an option past the cap', () => {
    const values = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('-5', '-1e9', '1e400', 'NaN', 'Infinity', '100000000000000', '0x10', '  7  ', '1.5', 'Wed, 21 Oct 2015 07:28:00 GMT'),
      fc.double().map(String),
    );
    fc.assert(
      fc.property(values, values, (retryAfter, retryAfterMs) => {
        for (const parsed of [
          parseRetryAfter(headers({ 'retry-after': retryAfter }), now),
          parseRetryAfter(headers({ 'retry-after-ms': retryAfterMs, 'retry-after': retryAfter }), now),
        ]) {
          if (parsed === undefined) continue;
          expect(Number.isFinite(parsed) && parsed >= 0).toBe(true);
          const entry = cooldownEntryFor({ category: 'rate_limit', retryAfterMs: parsed, statusCode: 429 }, now, {
            defaultCooldownMs: 30_000,
            demotionMs: 30_000,
          });
          expect(entry.until - now).toBeGreaterThanOrEqual(0);
          expect(entry.until - now).toBeLessThanOrEqual(DEFAULT_MAX_COOLDOWN_MS);
        }
      }),
      RUNS,
    );
  });
});

describe('organisation ids', () => {
  const valid = fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,${MAX_ORGANISATION_ID_LENGTH - 1}}$`));

  it('a valid id is accepted as it is', () => {
    fc.assert(
      fc.property(valid, (id) => {
        expect(assertOrganisationId(id, 'resolve()')).toBe(id);
      }),
      RUNS,
    );
  });

  it('any other string is refused with a ConfigError naming `orgId`, and the id is never echoed', () => {
    const bad = fc.oneof(
      fc
        .tuple(
          fc.stringMatching(/^[a-z0-9]{6,20}$/),
          fc.constantFrom('\n', '\r\n', ' ', '/', '"', '\u2028', '\t', '%0A'),
          fc.stringMatching(/^[a-z0-9]{0,10}$/),
        )
        .map(([a, b, c]) => a + b + c),
      fc.string({ unit: 'grapheme', minLength: 1 }).filter((id) => !/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(id)),
      fc.stringMatching(/^[a-z]{129,200}$/),
    );
    fc.assert(
      fc.property(bad, (id) => {
        let thrown: unknown;
        try {
          assertOrganisationId(id, 'resolve()');
        } catch (error) {
          thrown = error;
        }
        expect(VoiceStackError.isInstance(thrown) && thrown.code).toBe('CONFIG_INVALID');
        expect((thrown as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['orgId']);
        if (id.length >= 6) expect(shown(thrown)).not.toContain(id);
        expect((thrown as Error).message.split('\n').every((line) => !line.includes('\r'))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('config and environment parsing', () => {
  /** The variables voiceStackConfigFromEnv() reads, collected by reading them. */
  const variables = (() => {
    const read = new Set<string>();
    const probe = new Proxy({} as Record<string, string | undefined>, {
      get: (_target, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
    });
    try {
      voiceStackConfigFromEnv(probe);
    } catch {
      // an empty environment may be refused; the reads are what matter
    }
    return [...read];
  })();

  it('reads at least the usual variables', () => {
    expect(variables).toEqual(expect.arrayContaining(['OPENAI_API_KEY', 'LLM_MODE', 'USE_LIVEKIT_INFERENCE', 'AICO_BACKEND_URL']));
  });

  it('voiceStackConfigFromEnv never throws anything but a ConfigError naming a variable, and never echoes a secret', () => {
    const value = (key: string) =>
      fc.oneof(
        fc.string(),
        fc.constantFrom('true', 'false', '0', '1', '-1', '1.5', 'yes', ''),
        fc.webUrl(),
        fc.constant(`https://user:${key}@gpu.acme.test/v1`),
        fc.constant(`https://gpu.acme.test/v1?key=${key}`),
        fc.constant(key),
      );
    const env = fc
      .tuple(keyShaped, fc.subarray(variables, { minLength: 1, maxLength: 12 }))
      .chain(([key, names]) => fc.tuple(fc.constant(key), fc.tuple(...names.map((name) => value(key).map((v) => [name, v] as const)))));
    fc.assert(
      fc.property(env, ([key, entries]) => {
        try {
          voiceStackConfigFromEnv(Object.fromEntries(entries));
        } catch (error) {
          expect(VoiceStackError.isInstance(error) && error.code).toBe('CONFIG_INVALID');
          const issues = (error as { issues: { path: string }[] }).issues;
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) expect(issue.path).toMatch(/[A-Z][A-Z0-9_]+/);
          expect(shown(error)).not.toContain(key);
        }
      }),
      RUNS,
    );
  });

  it('a key pasted into a flag or a choice variable is refused without being echoed', () => {
    fc.assert(
      fc.property(keyShaped, fc.constantFrom('USE_LIVEKIT_INFERENCE', 'LLM_MODE', 'AICO_BACKEND_URL', 'TTS_PORT'), (key, name) => {
        let thrown: unknown;
        try {
          voiceStackConfigFromEnv({ [name]: key });
        } catch (error) {
          thrown = error;
        }
        expect((thrown as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toContain(name);
        expect(shown(thrown)).not.toContain(key.toLowerCase());
        expect(shown(thrown)).not.toContain(key);
      }),
      { numRuns: 30 },
    );
  });

  it('parseConfig never throws anything but a ConfigError with field paths, and never echoes a secret', () => {
    const anything = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
    );
    const entry = (key: string) =>
      fc.record(
        {
          provider: fc.constantFrom('openai', 'openrouter', 'llama-cpp', 'cartesia', 'deepgram', 'nope', 'openai-compatible'),
          model: anything,
          baseURL: fc.oneof(anything, fc.constant(`https://user:${key}@llm.acme.test/v1`), fc.constant(`https://x.test/v1?token=${key}`)),
          apiKey: fc.oneof(fc.constant(key), anything),
          timeoutMs: fc.oneof(fc.integer(), fc.double(), fc.string()),
          [`unknownField`]: anything,
        },
        { requiredKeys: ['provider'] },
      );
    const config = secret.chain((key) =>
      fc.tuple(
        fc.constant(key),
        fc.record(
          {
            llm: fc.oneof(entry(key), fc.array(entry(key), { maxLength: 3 }), anything),
            tts: fc.oneof(entry(key), anything),
            retry: fc.oneof(fc.record({ windowMs: anything, stallTimeoutMs: anything }), anything),
            verbal: fc.oneof(fc.boolean(), fc.record({ holdingAfterMs: anything, apology: anything })),
          },
          { requiredKeys: [] },
        ),
      ),
    );
    fc.assert(
      fc.property(config, ([key, value]) => {
        try {
          parseConfig(value, builtinAdapters);
        } catch (error) {
          expect(VoiceStackError.isInstance(error) && error.code).toBe('CONFIG_INVALID');
          const issues = (error as { issues: { path: string }[] }).issues;
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) expect(issue.path).toMatch(/^(llm|stt|tts|retry|verbal)/);
          expect(shown(error)).not.toContain(key);
        }
      }),
      RUNS,
    );
  });
});
