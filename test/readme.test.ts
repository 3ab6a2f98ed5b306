import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { mockOpenAIEndpoint } from '../src/testing/index.js';
import { codeBlock } from './helpers/docs-code-blocks.js';
import { useMswServer } from './helpers/msw.js';

const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'Hello! How can I help you today?' });
const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'Hello from llama.cpp.', llamaCpp: true });
useMswServer(...openrouter.handlers, ...llama.handlers);

describe('README', () => {
  it('the usage example runs as written against the mocks', async () => {
    const file = new URL('./.generated/readme-usage.ts', import.meta.url);
    mkdirSync(new URL('.', file), { recursive: true });
    writeFileSync(file, `${codeBlock('README.md', 'Usage')}\nexport {};\n`);
    vi.stubEnv('OPENROUTER_API_KEY', 'sk-or-readme');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await import(/* @vite-ignore */ file.href);
    expect(log).toHaveBeenCalledWith(['Hello! How can I help you today?']);
    expect(openrouter.chatRequests('meta-llama/llama-3.3-70b-instruct:free')).toHaveLength(1);
    expect(openrouter.chatRequests()[0]?.headers.authorization).toBe('Bearer sk-or-readme');
    vi.unstubAllEnvs();
  });
});
