import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  MissingAPIKeyError,
  MissingPackageError,
  ProviderError,
  RetriesExhaustedError,
  VoiceStackError,
} from '../../src/index.js';

const repositoryRoot = new URL('../../', import.meta.url).pathname;
const providerError = new ProviderError('Failed to chat with a/b: 429. Fix: wait.', {
  category: 'rate_limit',
  modality: 'llm',
  label: 'a/b',
});
const errors = {
  VoiceStackError: new VoiceStackError('STACK_CLOSED', 'Failed to start: closed. Fix: create a new one.'),
  ConfigError: new ConfigError([{ path: 'llm.provider', message: 'unknown provider "openia". Fix: use "openai".' }]),
  MissingPackageError: new MissingPackageError('@livekit/agents-plugin-openai', 'llm[0] (openai)'),
  MissingAPIKeyError: new MissingAPIKeyError('llm[0] (openai)', 'apiKey', 'OPENAI_API_KEY'),
  ProviderError: providerError,
  RetriesExhaustedError: new RetriesExhaustedError('llm', [providerError], 60_000),
};
const classes = { VoiceStackError, ConfigError, MissingPackageError, MissingAPIKeyError, ProviderError, RetriesExhaustedError };

describe('isInstance', () => {
  it('recognises each class and only its own instances (the base recognises them all)', () => {
    for (const [className, type] of Object.entries(classes)) {
      for (const [errorName, error] of Object.entries(errors)) {
        const expected = className === errorName || className === 'VoiceStackError';
        expect(type.isInstance(error), `${className}.isInstance(${errorName})`).toBe(expected);
      }
    }
  });

  it('a subclass of ours counts as its parent; plain errors and non-errors count as none', () => {
    class TenantProviderError extends ProviderError {}
    const error = new TenantProviderError('Failed to chat: 500. Fix: retry.', { category: 'server', modality: 'llm', label: 'x/y' });
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(VoiceStackError.isInstance(error)).toBe(true);
    expect(ConfigError.isInstance(error)).toBe(false);
    for (const value of [new Error('Failed to x. Fix: y.'), null, undefined, 'ConfigError', { code: 'CONFIG_INVALID' }]) {
      expect(VoiceStackError.isInstance(value)).toBe(false);
    }
  });

  it('narrows the type to the class it is called on', () => {
    const error: unknown = errors.ProviderError;
    if (ProviderError.isInstance(error)) expect(error.category).toBe('rate_limit');
    else expect.unreachable();
  });

  it('keeps the brands out of printed errors and JSON', () => {
    expect(Object.keys(errors.ConfigError)).toEqual(['name', 'code', 'isRetryable', 'issues']);
    expect(JSON.stringify(errors.ConfigError)).not.toContain('VoiceStackError');
  });
});

describe('what src/ throws', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );

  // Files whose plain errors are reasons, never thrown to a caller as they are.
  const reasonsOnly: Record<string, string> = {
    'src/providers/wav-file.ts': 'the Piper TTS wraps them in a provider error that names the server and the fix',
  };

  it('is always a VoiceStackError (or a subclass), never a plain Error', () => {
    const plain = /\bthrow new (?:Error|TypeError|RangeError|SyntaxError)\(|\bPromise\.reject\(\s*new (?:Error|TypeError|RangeError)\(/;
    const offenders = sources(join(repositoryRoot, 'src')).flatMap((file) =>
      file.slice(repositoryRoot.length) in reasonsOnly
        ? []
        : readFileSync(file, 'utf8')
            .split('\n')
            .flatMap((line, index) => (plain.test(line) ? [`${file.slice(repositoryRoot.length)}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it('has messages in the form "Failed to X: reason. Fix: …"', () => {
    for (const [name, error] of Object.entries(errors)) {
      expect(error.message, name).toMatch(/^Failed to [^]*Fix: /);
    }
  });
});
