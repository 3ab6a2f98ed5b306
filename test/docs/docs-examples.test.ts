import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('docs examples stay true', () => {
  it('the vitest example in docs/testing.md is the one that runs in this suite', () => {
    const block = /## A complete vitest example\n\n```ts\n([\s\S]*?)```/.exec(read('docs/testing.md'))?.[1];
    expect(block).toBe(read('test/docs/testing-example.test.ts'));
  });
});

describe('docs/configuration.md stays complete', () => {
  const page = read('docs/configuration.md');

  it('documents every retry and verbal option', async () => {
    const { DEFAULT_RETRY_OPTIONS, DEFAULT_VERBAL_OPTIONS } = await import('../../src/index.js');
    const keys = [...Object.keys(DEFAULT_RETRY_OPTIONS), 'hedgeAfterMs', ...Object.keys(DEFAULT_VERBAL_OPTIONS)];
    expect(keys.filter((key) => !page.includes(`| \`${key}\` |`))).toEqual([]);
  });

  it('its first example is the message the library prints for that config (input and fix on the same port)', async () => {
    const { createVoiceStack } = await import('../../src/index.js');
    const shown = /```text\n(Failed to read the config[\s\S]*?)\n```/.exec(page)?.[1];
    const config = {
      llm: [
        { provider: 'openai', modle: 'gpt-4.1-mini' },
        { provider: 'llama-cpp', baseURL: 'localhost:8080' },
      ],
    };
    const error = await createVoiceStack(config as never, { env: {} }).catch((caught: Error) => caught);
    expect(shown).toBe((error as Error).message);
  });

  it('documents every environment variable voiceStackConfigFromEnv() reads', () => {
    const source = ['config-from-env', 'env-reader', 'llm-from-env', 'stt-from-env', 'tts-from-env', 'modes-from-env', 'resolver-from-env']
      .map((name) => read(`src/config/${name}.ts`))
      .join('\n');
    const variables = new Set([...source.matchAll(/(?:read|url|flag|oneOf|missing)\('([A-Z_]+)'/g)].map((match) => match[1]!));
    expect(variables.size).toBeGreaterThan(15);
    expect([...variables].filter((name) => !page.includes(`\`${name}\``))).toEqual([]);
  });
});
