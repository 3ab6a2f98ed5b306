import { inspect } from 'node:util';
import { llm } from '@livekit/agents';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErrorCategory } from '../../src/index.js';
import type { ChatScenario } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { chainEndpoints, chainStack, LLAMA_KEY, OPENROUTER_KEY } from './helpers.js';

const { openrouter, llama, handlers } = chainEndpoints();
useMswServer(...handlers);

interface Fault {
  name: string;
  scenario: ChatScenario;
  category: ErrorCategory;
  /** The failure came after the first token: the turn ends with what was streamed, no fallback. */
  afterTokens?: string;
  retryAfterMs?: number;
}

// Error messages echo the key, as some providers do ("Incorrect API key provided: sk-…"): it must never come out.
const FAULTS: Fault[] = [
  { name: '429 with Retry-After', scenario: { status: 429, retryAfter: 7 }, category: 'rate_limit', retryAfterMs: 7_000 },
  {
    name: '429 with Retry-After as an HTTP date',
    scenario: { status: 429, retryAfter: new Date(Date.now() + 60_000).toUTCString() },
    category: 'rate_limit',
  },
  { name: '429 without Retry-After', scenario: { status: 429 }, category: 'rate_limit' },
  { name: '401', scenario: { status: 401, message: `Incorrect API key provided: ${OPENROUTER_KEY}` }, category: 'auth' },
  { name: '404', scenario: { status: 404, message: 'No endpoints found for a.' }, category: 'not_found' },
  { name: '500', scenario: { status: 500, message: `upstream failed for Bearer ${OPENROUTER_KEY}` }, category: 'server' },
  { name: '503 (llama.cpp loading a model)', scenario: { status: 503, message: 'Loading model' }, category: 'server' },
  { name: 'timeout before the first byte', scenario: { delayMs: 2_000 }, category: 'timeout' },
  { name: 'stall mid-stream', scenario: { reply: 'one two three', stallAfterChunks: 1 }, category: 'stall', afterTokens: 'one' },
  { name: 'connection reset', scenario: { reset: true }, category: 'connection' },
  { name: 'malformed SSE before the first token', scenario: { reply: '', malformed: true }, category: 'server' },
  { name: 'malformed SSE mid-stream', scenario: { reply: 'one two three', malformed: true }, category: 'server', afterTokens: 'one' },
];

/** Everything the stack produced across the matrix, scanned for keys at the end. */
const produced: string[] = [];

describe('fault matrix, OpenAI format (openrouter/a → openrouter/b)', () => {
  it.each(FAULTS)('$name → $category', async (fault) => {
    openrouter.reset();
    llama.reset();
    openrouter.use({ model: 'a', ...fault.scenario, times: 1 }, { model: 'b', reply: 'Hello from b.' });
    const { stack, logger, recorder } = await chainStack({ retry: { stallTimeoutMs: 150 } }, [
      { provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY, timeoutMs: 300 },
      { provider: 'llama-cpp', apiKey: LLAMA_KEY },
    ]);
    const chain = stack.llm as llm.LLM;
    const ask = async (text: string) => {
      const chatCtx = llm.ChatContext.empty();
      chatCtx.addMessage({ role: 'user', content: text });
      return (await chain.chat({ chatCtx }).collect()).text;
    };
    try {
      const failure = logger.entries.find.bind(logger.entries);
      if (fault.afterTokens) {
        // Part of the reply was streamed: the turn ends there, without a silent retry elsewhere.
        expect(await ask('Hi')).toBe(fault.afterTokens);
        expect(openrouter.chatRequests().map((request) => request.model)).toEqual(['a']);
        expect(recorder.of('fallback')).toEqual([]);
      } else {
        expect(await ask('Hi')).toBe('Hello from b.');
        expect(openrouter.chatRequests().map((request) => request.model)).toEqual(['a', 'b']);
        const [fallback] = recorder.of('fallback');
        expect(fallback).toMatchObject({
          modality: 'llm',
          from: 'openrouter/a',
          to: 'openrouter/b',
          error: { category: fault.category, modality: 'llm', label: 'openrouter/a' },
        });
        if (fault.retryAfterMs !== undefined) expect(fallback?.error.retryAfterMs).toBe(fault.retryAfterMs);
        if (fault.scenario.status) expect(fallback?.error.statusCode).toBe(fault.scenario.status);
      }
      expect(failure((entry) => entry.level === 'warn' && entry.fields.label === 'openrouter/a')?.fields).toMatchObject({
        category: fault.category,
        afterTokens: Boolean(fault.afterTokens),
      });
      // The next turn starts on a healthy option: `a` is cooling (429) or tried after the healthy ones.
      expect(await ask('Again')).toBe('Hello from b.');
      expect(openrouter.chatRequests('a')).toHaveLength(1);
      expect(recorder.of('exhausted')).toEqual([]);

      for (const event of recorder.events) {
        const payload = event.payload as unknown as Record<string, unknown>;
        produced.push(JSON.stringify(payload), inspect(payload, { depth: 10 }));
        const error = payload.error as Error | undefined;
        if (error) produced.push(error.message, String(error), error.stack ?? '', inspect(error, { depth: 10 }));
      }
      produced.push(...logger.lines, String(stack), JSON.stringify(stack), inspect(stack));
    } finally {
      await stack.close();
    }
  });

  afterAll(() => {
    // Secrets: no key in any log line, event payload, error message, stack or toString() of the whole matrix.
    expect(produced.length).toBeGreaterThan(FAULTS.length * 4);
    const all = produced.join('\n');
    expect(all).toContain('openrouter/a'); // the scan reads real output
    expect(all).toContain('Incorrect API key provided: ••••'); // the provider's echo of the key went through, masked
    for (const key of [OPENROUTER_KEY, LLAMA_KEY]) {
      expect(all).not.toContain(key);
      expect(all).not.toContain(key.slice(0, 20));
    }
  });
});
