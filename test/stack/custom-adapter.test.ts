import { describe, expect, it } from 'vitest';
import { createVoiceStack, VoiceStackError } from '../../src/index.js';
import { loadPlugin } from '../../src/providers/load-plugin.js';
import { defineAdapter } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { acmeLLM } from '../../examples/custom-adapter/acme-llm-adapter.js';
import { useMswServer } from '../helpers/msw.js';
import { z } from 'zod';

const acme = mockOpenAIEndpoint({ baseURL: 'https://eu.api.acme.test/v1', reply: 'Hello from Acme.', auth: { bearer: 'acme-key' } });
useMswServer(...acme.handlers);

describe('custom adapters (defineAdapter)', () => {
  it('a custom LLM adapter answers a turn through a real session, in a chain', async () => {
    const stack = await createVoiceStack(
      { llm: [{ provider: 'acme', region: 'eu' }, { provider: 'llama-cpp' }] },
      { adapters: [acmeLLM], env: { ACME_API_KEY: 'acme-key' } },
    );
    expect(stack.options.llm.map((option) => option.label)).toEqual(['acme/acme-fast', 'llama-cpp/local']);
    const session = await startTextSession(stack);
    expect((await session.ask('Hi')).text).toBe('Hello from Acme.');
    expect(acme.chatRequests('acme-fast')).toHaveLength(1);
    await session.close();
    await stack.close();
  });

  it('its options are validated with its own schema, with the path', async () => {
    const error = await createVoiceStack({ llm: { provider: 'acme', region: 'asia' as 'eu' } }, { adapters: [acmeLLM] }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('llm.region: ');
    expect((error as Error).message).toContain('"asia"');
  });

  it('it is listed among the known providers', async () => {
    const error = await createVoiceStack({ llm: { provider: 'acm' } } as never, { adapters: [acmeLLM] }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('use one of "acme", "inference", "openai"');
  });

  it('a custom adapter with a built-in name takes precedence', async () => {
    let created = 0;
    const mine = defineAdapter({
      modality: 'llm',
      provider: 'openai',
      options: z.object({ model: z.string() }),
      create: async (options, context) => {
        created++;
        return (await createVoiceStack({ llm: { provider: 'llama-cpp', model: options.model } }, { env: context.env })).llm!;
      },
    });
    const stack = await createVoiceStack({ llm: { provider: 'openai', model: 'mine' } }, { adapters: [mine], env: {} });
    expect(created).toBe(1);
    await stack.close();
  });

  it('a missing plugin package names the package and the install command', async () => {
    const name = '@livekit/agents-plugin-not-installed';
    const adapter = defineAdapter({
      modality: 'tts',
      provider: 'ghost',
      options: z.object({}),
      create: async (_options, context) => {
        await loadPlugin(name, `${context.path} (ghost)`, () => import(name));
        throw new Error('unreachable');
      },
    });
    const error = await createVoiceStack({ tts: { provider: 'ghost' } }, { adapters: [adapter] }).catch((e: unknown) => e);
    expect(VoiceStackError.isInstance(error) && error.code).toBe('MISSING_PACKAGE');
    expect((error as Error).message).toBe(`Failed to load ${name}, which tts (ghost) needs: it is not installed. Fix: npm install ${name}`);
  });
});

describe('the start-up log line', () => {
  it('names every provider and model per modality, and no key', async () => {
    const lines: string[] = [];
    const record = (message: string, fields?: object) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
    const logger = { debug: record, info: record, warn: record, error: record };
    const stack = await createVoiceStack(
      { llm: [{ provider: 'openrouter', models: ['a/one', 'b/two'], apiKey: 'sk-or-SECRET-0000' }, { provider: 'llama-cpp' }] },
      { logger },
    );
    expect(lines[0]).toMatch(/^voice stack ready: llm: openrouter\/a\/one → openrouter\/b\/two → llama-cpp\/local\n/);
    expect(lines.join('\n')).not.toContain('SECRET');
    expect(JSON.stringify(stack)).not.toContain('SECRET');
    expect(String(stack)).not.toContain('SECRET');
    await stack.close();
  });
});
