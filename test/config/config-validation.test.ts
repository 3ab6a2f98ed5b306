import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, createVoiceStack, defineAdapter, MissingPackageError, VoiceStackError } from '../../src/index.js';
import { loadPlugin } from '../../src/providers/load-plugin.js';
import { configProblems } from '../helpers/config-problems.js';

describe('config validation: every problem names its path, what was received and the fix', () => {
  it('a URL without a scheme', async () => {
    expect(
      await configProblems({ llm: [{ provider: 'openai' }, { provider: 'openai-compatible', baseURL: 'localhost:8080', model: 'm' }] }),
    ).toContain('llm[1].baseURL: expected a URL, got "localhost:8080". Fix: include the scheme, e.g. "http://localhost:8000/v1".');
  });

  it('an unknown provider lists the known ones', async () => {
    const message = await configProblems({ llm: { provider: 'openia' } });
    expect(message).toContain(
      'llm.provider: unknown provider "openia" for llm. Fix: use one of "inference", "openai", "openai-compatible", "openrouter", "llama-cpp"',
    );
    expect(message).toContain('defineAdapter()');
  });

  it('a missing provider', async () => {
    expect(await configProblems({ llm: { model: 'gpt-4.1' } })).toContain('llm.provider: no `provider` for llm. Fix: use one of');
  });

  it('a misspelt key suggests the right one', async () => {
    expect(await configProblems({ llm: { provider: 'openai', modle: 'gpt-4.1' } })).toContain(
      'llm: unknown key "modle". Fix: did you mean "model"?',
    );
    expect(await configProblems({ lm: { provider: 'openai' } })).toContain('unknown key "lm". Fix: did you mean "llm"?');
  });

  it('required fields of openai-compatible', async () => {
    const message = await configProblems({ llm: { provider: 'openai-compatible' } });
    expect(message).toContain('llm.baseURL: is required. Fix: add `baseURL`');
    expect(message).toContain('llm.model: is required. Fix: add `model`');
    expect(message).toContain('(2 problems)');
  });

  it('openrouter needs a model or a models list', async () => {
    expect(await configProblems({ llm: { provider: 'openrouter' } })).toContain('llm: expected `model` or `models`. Fix: add `models: [');
  });

  it('an empty chain', async () => {
    expect(await configProblems({ llm: [] })).toContain(
      'llm: expected at least one option, got an empty array. Fix: add an option, or remove `llm`.',
    );
  });

  it('a number out of range', async () => {
    expect(await configProblems({ llm: { provider: 'openai', temperature: 3 } })).toContain(
      'llm.temperature: expected a temperature <= 2, got 3. Fix: use a value between 0 and 2.',
    );
  });

  it('retry options: negative durations and inconsistent delays', async () => {
    const message = await configProblems({ retry: { windowMs: -1, initialDelayMs: 9000 } });
    expect(message).toContain('retry.windowMs: expected `windowMs` of at least 0 ms, got -1. Fix: use 0 or more.');
    expect(message).toContain('retry: expected `maxDelayMs` >= `initialDelayMs`. Fix: raise `maxDelayMs` or lower `initialDelayMs`.');
  });

  it('verbal phrases cannot be empty', async () => {
    expect(await configProblems({ verbal: { holding: '' } })).toContain(
      'verbal.holding: expected a phrase, got an empty string. Fix: use a short sentence, or `verbal: false`',
    );
  });

  it('a provider name where an entry is expected', async () => {
    expect(await configProblems({ llm: 'openai' })).toContain('llm: expected a provider entry or a LiveKit LLM instance, got "openai".');
  });

  it('a class instead of an instance', async () => {
    class NotConstructed {}
    expect(await configProblems({ llm: NotConstructed })).toContain(
      'llm: expected a provider entry, got a function. Fix: did you forget to call it or to use `new`?',
    );
  });

  it('not an object at all', async () => {
    expect(await configProblems('openai')).toContain('expected a config object, got "openai"');
  });

  it('lists every problem at once, with its path', async () => {
    const error = (await createVoiceStack({
      llm: [{ provider: 'openia' }, { provider: 'openai', temperature: -1 }],
      retry: { factor: 0 },
    } as never).catch((e: unknown) => e)) as ConfigError;
    expect(error.issues.map((issue) => issue.path)).toEqual(['retry.factor', 'llm[0].provider', 'llm[1].temperature']);
  });

  it('never echoes a secret, even when it is the wrong type or misplaced', async () => {
    // Fake keys are split ('sk' + '-…') so that secret scanners do not flag these fixtures.
    const secret = 'sk' + '-live-THISISASECRET0123456789';
    const message = await configProblems({
      llm: [
        { provider: 'openai', apiKey: 12345678901234 },
        { provider: 'openrouter', models: ['a'], apiKey: '' },
        { provider: 'llama-cpp', baseURL: secret },
      ],
    });
    expect(message).not.toContain('12345678901234');
    expect(message).toContain('llm[0].apiKey: expected a string. Fix:');
    expect(message).toContain('llm[1].apiKey: expected a non-empty OpenRouter API key');
    // a key pasted into the wrong field is not echoed either
    expect(message).toContain('llm[2].baseURL: expected a URL, got a value that looks like a key (not shown).');
    expect(message).not.toContain('THISISASECRET');
  });
});

describe('missing keys', () => {
  it('names the field and the environment variable', async () => {
    const error = await createVoiceStack({ llm: { provider: 'openai' } }, { env: {} }).catch((e: unknown) => e);
    expect((error as VoiceStackError).code).toBe('MISSING_API_KEY');
    expect((error as Error).message).toBe(
      'Failed to create llm (openai): no `apiKey` was given. Fix: set `apiKey` in the config entry or the OPENAI_API_KEY environment variable.',
    );
  });

  it('every missing key and package in one error, with one install command', async () => {
    const ghost = (name: string) =>
      defineAdapter({
        modality: 'tts',
        provider: name,
        options: z.object({}),
        create: (_options, context) => loadPlugin(`@acme/${name}`, `${context.path} (${name})`, () => import(`@acme/${name}`)),
      });
    const error = await createVoiceStack(
      {
        stt: { provider: 'deepgram' },
        llm: [{ provider: 'openai' }, { provider: 'openrouter', model: 'a/b' }],
        tts: [{ provider: 'ghost-a' }, { provider: 'ghost-b' }],
      },
      { env: {}, adapters: [ghost('ghost-a'), ghost('ghost-b')] },
    ).catch((e: unknown) => e);
    expect(VoiceStackError.isInstance(error) && error.code).toBe('MISSING_PACKAGE');
    expect((error as Error).message.split('\n')).toEqual([
      'Failed to create the voice stack (5 things are missing):',
      '  - Failed to create stt (deepgram): no `apiKey` was given. Fix: set `apiKey` in the config entry or the DEEPGRAM_API_KEY environment variable.',
      '  - Failed to create llm[0] (openai): no `apiKey` was given. Fix: set `apiKey` in the config entry or the OPENAI_API_KEY environment variable.',
      '  - Failed to create llm[1] (openrouter): no `apiKey` was given. Fix: set `apiKey` in the config entry or the OPENROUTER_API_KEY environment variable.',
      '  - Failed to load @acme/ghost-a, which tts[0] (ghost-a) needs: it is not installed. Fix: npm install @acme/ghost-a',
      '  - Failed to load @acme/ghost-b, which tts[1] (ghost-b) needs: it is not installed. Fix: npm install @acme/ghost-b',
      '  Install them all at once: npm install @acme/ghost-a @acme/ghost-b',
    ]);
    expect(((error as Error).cause as AggregateError).errors.map((each: VoiceStackError) => each.code)).toEqual([
      'MISSING_API_KEY',
      'MISSING_API_KEY',
      'MISSING_API_KEY',
      'MISSING_PACKAGE',
      'MISSING_PACKAGE',
    ]);
  });

  it('the Cartesia install fix carries the npm override its plugin needs', () => {
    const error = new MissingPackageError('@livekit/agents-plugin-cartesia', 'tts (cartesia)');
    expect(error.message).toContain(
      'Fix: npm install @livekit/agents-plugin-cartesia, after adding "overrides": { "@livekit/agents-plugin-cartesia": { "@livekit/agents": "$@livekit/agents" } } to your package.json',
    );
    expect(error.message).toContain('https://github.com/');
  });

  it('reads keys when the stack is created, not at import', async () => {
    const stack = await createVoiceStack({ llm: { provider: 'openrouter', model: 'a/b' } }, { env: { OPENROUTER_API_KEY: 'sk-or-late' } });
    expect(stack.options.llm[0]?.label).toBe('openrouter/a/b');
    await stack.close();
  });
});
