import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { mockOpenAIEndpoint } from '../src/testing/index.js';
import { useMswServer } from './helpers/msw.js';

const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'Hello! How can I help you today?' });
const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'Hello from llama.cpp.', llamaCpp: true });
useMswServer(...openrouter.handlers, ...llama.handlers);

/** The first TypeScript block under a heading of README.md, exactly as written. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split(`\n${heading}\n`)[1] ?? '';
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`README.md has no \`\`\`ts block under "${heading}"`);
  return block;
}

describe('README', () => {
  it('the usage example runs as written against the mocks', async () => {
    const file = new URL('./.generated/readme-usage.ts', import.meta.url);
    mkdirSync(new URL('.', file), { recursive: true });
    writeFileSync(file, `${readmeBlock('## Usage')}\nexport {};\n`);
    vi.stubEnv('OPENROUTER_API_KEY', 'sk-or-readme');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await import(/* @vite-ignore */ file.href);
    expect(log).toHaveBeenCalledWith(['Hello! How can I help you today?']);
    expect(openrouter.chatRequests('meta-llama/llama-3.3-70b-instruct:free')).toHaveLength(1);
    expect(openrouter.chatRequests()[0]?.headers.authorization).toBe('Bearer sk-or-readme');
    vi.unstubAllEnvs();
  });
});
