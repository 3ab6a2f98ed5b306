// A custom adapter whose options schema is not zod: any Standard Schema (valibot, arktype, zod 3.24+ …) will do.
// The schema here is written by hand against the spec, as such a library implements it.
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, createVoiceStack, defineAdapter } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';

interface HouseOptions {
  model: string;
  apiKey: string;
}

/** `{ model?: string, apiKey: string }`, with `model` defaulting to "house-1". */
function houseOptionsSchema(validate: 'sync' | 'async' = 'sync'): StandardSchemaV1<{ model?: string; apiKey: string }, HouseOptions> {
  const check = (value: unknown): StandardSchemaV1.Result<HouseOptions> => {
    const record = (value ?? {}) as Record<string, unknown>;
    const issues: StandardSchemaV1.Issue[] = [];
    if (record.model !== undefined && typeof record.model !== 'string') issues.push({ message: 'Expected a string', path: ['model'] });
    if (typeof record.apiKey !== 'string' || !record.apiKey.startsWith('house-'))
      issues.push({ message: `Invalid key ${String(record.apiKey)}`, path: [{ key: 'apiKey' }] });
    return issues.length
      ? { issues }
      : { value: { model: (record.model as string | undefined) ?? 'house-1', apiKey: record.apiKey as string } };
  };
  return {
    '~standard': {
      version: 1,
      vendor: 'house',
      validate: (value) => (validate === 'sync' ? check(value) : Promise.resolve(check(value))),
    },
  };
}

const endpoint = mockOpenAIEndpoint({
  baseURL: 'https://house.test/v1',
  reply: 'Hello from the house model.',
  auth: { bearer: 'house-key' },
});
useMswServer(...endpoint.handlers);

const houseLLM = (schema = houseOptionsSchema()) =>
  defineAdapter({
    modality: 'llm',
    provider: 'house',
    options: schema,
    create: async (options, context) =>
      (
        await createVoiceStack(
          { llm: { provider: 'openai', model: options.model, apiKey: options.apiKey, baseURL: 'https://house.test/v1' } },
          { env: context.env },
        )
      ).llm!,
  });

describe('an adapter with a Standard Schema (not zod)', () => {
  it('types its config entry and its options from the schema', () => {
    const adapter = houseLLM();
    expectTypeOf<Parameters<typeof adapter.create>[0]>().toEqualTypeOf<HouseOptions>();
    // @ts-expect-error `apiKey` is required by the schema's input type
    void createVoiceStack({ llm: { provider: 'house' } }, { adapters: [adapter] }).catch(() => undefined);
  });

  it('answers a turn with the options its schema produced (the default model filled in)', async () => {
    const stack = await createVoiceStack({ llm: { provider: 'house', apiKey: 'house-key' } }, { adapters: [houseLLM()], env: {} });
    const session = await startTextSession(stack);
    expect((await session.ask('Hi')).text).toBe('Hello from the house model.');
    expect(endpoint.chatRequests('house-1')).toHaveLength(1);
    await session.close();
    await stack.close();
  });

  it("reports the schema's own issues with the entry's path, never echoing the key", async () => {
    const key = 'sk-' + 'proj0123456789abcdefghij';
    const error = await createVoiceStack(
      { llm: [{ provider: 'llama-cpp' }, { provider: 'house', apiKey: key, model: 7 as never }] },
      {
        adapters: [houseLLM()],
        env: {},
      },
    ).catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['llm[1].model', 'llm[1].apiKey']);
    expect((error as ConfigError).message).toContain('Invalid key ');
    expect((error as ConfigError).message).not.toContain(key);
  });

  it('refuses a schema that validates asynchronously, naming the fix', async () => {
    const error = await createVoiceStack(
      { llm: { provider: 'house', apiKey: 'house-key' } },
      { adapters: [houseLLM(houseOptionsSchema('async'))] },
    ).catch((e: unknown) => e);
    expect((error as ConfigError).issues).toEqual([
      {
        path: 'llm',
        message: 'expected an options schema that validates synchronously. Fix: remove its async checks (run them in create()).',
      },
    ]);
  });
});
