import { llm } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import type { ErrorCategory } from '../../src/index.js';
import { type ChatScenario, mockOpenAIEndpoint, openAIRateLimitHeaders } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { chainEndpoints, chainStack, LLAMA_KEY, OPENROUTER_KEY } from '../helpers/chain-stack.js';
import { ProducedText } from '../helpers/produced-text.js';

const { openrouter, llama, handlers } = chainEndpoints();
const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'Hello from OpenAI.' });
useMswServer(...handlers, ...openai.handlers);

interface Fault {
  name: string;
  scenario: ChatScenario;
  category: ErrorCategory;
  /** The failure came after the first token: the turn ends with what was streamed, no fallback. */
  afterTokens?: string;
  retryAfterMs?: number;
  /** The status the failure carries, when the scenario's `status` does not say (an error event after HTTP 200). */
  statusCode?: number;
  /** The provider's echo of the key, masked, as this row's output must show it (the scan reads real output). */
  masked?: string;
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
  {
    name: '401',
    scenario: { status: 401, message: `Incorrect API key provided: ${OPENROUTER_KEY}` },
    category: 'auth',
    masked: 'Incorrect API key provided: ••••',
  },
  { name: '404', scenario: { status: 404, message: 'No endpoints found for a.' }, category: 'not_found' },
  { name: '500', scenario: { status: 500, message: `upstream failed for Bearer ${OPENROUTER_KEY}` }, category: 'server' },
  { name: '503 (llama.cpp loading a model)', scenario: { status: 503, message: 'Loading model' }, category: 'server' },
  { name: 'timeout before the first byte', scenario: { delayMs: 2_000 }, category: 'timeout' },
  { name: 'stall mid-stream', scenario: { reply: 'one two three', stallAfterChunks: 1 }, category: 'stall', afterTokens: 'one' },
  { name: 'connection reset', scenario: { reset: true }, category: 'connection' },
  { name: 'malformed SSE before the first token', scenario: { reply: '', malformed: true }, category: 'server' },
  { name: 'malformed SSE mid-stream', scenario: { reply: 'one two three', malformed: true }, category: 'server', afterTokens: 'one' },
  // OpenRouter answers an exhausted credit balance with 402; a quota is cooled for 10 minutes, not every 30 s.
  {
    name: '402 insufficient credits',
    scenario: { status: 402, message: 'Insufficient credits' },
    category: 'quota',
    retryAfterMs: 600_000,
  },
  // A 429 without Retry-After but with an exhausted x-ratelimit window: the window's reset is the wait.
  {
    name: '429 with x-ratelimit headers and no Retry-After',
    scenario: { status: 429, headers: openAIRateLimitHeaders(20_000) },
    category: 'rate_limit',
    retryAfterMs: 20_000,
  },
  // OpenRouter reports an error that happens while the model generates as an SSE `error` event after HTTP 200:
  // its code is the status (502: the model is down), kept through the SDK's status-less APIError.
  {
    name: 'error event after HTTP 200, before the first token',
    scenario: { streamError: { code: 502, message: 'Provider returned error' } },
    category: 'server',
    statusCode: 502,
  },
  {
    name: 'error event after HTTP 200, mid-stream',
    scenario: { reply: 'one two three', streamError: { code: 'server_error', afterChunks: 1 } },
    category: 'server',
    afterTokens: 'one',
  },
  // Keep-alive comments are not tokens: a model that only "processes" past the first-token timeout times out.
  { name: 'keep-alive comments past the first-token timeout', scenario: { processingMs: 1_000 }, category: 'timeout' },
];

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
        if (fault.scenario.status || fault.statusCode) expect(fallback?.error.statusCode).toBe(fault.scenario.status ?? fault.statusCode);
      }
      expect(failure((entry) => entry.level === 'warn' && entry.fields.label === 'openrouter/a')?.fields).toMatchObject({
        category: fault.category,
        afterTokens: Boolean(fault.afterTokens),
      });
      // The next turn starts on a healthy option: `a` is cooling (429) or tried after the healthy ones.
      expect(await ask('Again')).toBe('Hello from b.');
      expect(openrouter.chatRequests('a')).toHaveLength(1);
      expect(recorder.of('exhausted')).toEqual([]);

      // Secrets: no key in this row's log lines, event payloads, error messages, stacks or the stack's strings.
      const produced = new ProducedText();
      produced.events(recorder.events);
      produced.stack(stack, logger.lines);
      expect(produced.all).toContain('openrouter/a'); // the scan reads real output
      if (fault.masked) expect(produced.all).toContain(fault.masked);
      expect(produced.leaks([OPENROUTER_KEY, LLAMA_KEY])).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});

describe('OpenAI and OpenRouter say more than their status', () => {
  const OPENAI_KEY = 'sk' + '-proj-FAKEKEY-openai-0123456789abcdef';

  it('OpenAI’s 429 insufficient_quota is an exhausted quota: logged as quota, cooled 10 minutes, never retried meanwhile', async () => {
    openai.reset();
    openrouter.reset();
    openai.use({
      status: 429,
      code: 'insufficient_quota',
      message: 'You exceeded your current quota, please check your plan and billing details.',
    });
    openrouter.use({ model: 'b', reply: 'Hello from b.' });
    const { stack, logger, recorder } = await chainStack({}, [
      { provider: 'openai', model: 'gpt-4o-mini', apiKey: OPENAI_KEY },
      { provider: 'openrouter', models: ['b'], apiKey: OPENROUTER_KEY },
    ]);
    try {
      const ask = async () => {
        const chatCtx = llm.ChatContext.empty();
        chatCtx.addMessage({ role: 'user', content: 'Hi' });
        return (await (stack.llm as llm.LLM).chat({ chatCtx }).collect()).text;
      };
      expect(await ask()).toBe('Hello from b.');
      expect(await ask()).toBe('Hello from b.');
      expect(openai.chatRequests()).toHaveLength(1);
      const [fallback] = recorder.of('fallback');
      expect(fallback?.error).toMatchObject({
        category: 'quota',
        statusCode: 429,
        providerCode: 'insufficient_quota',
        retryAfterMs: 600_000,
      });
      const warning = logger.entries.find((entry) => entry.level === 'warn' && entry.fields.label === 'openai/gpt-4o-mini');
      expect(warning?.fields).toMatchObject({ category: 'quota', coolingMs: 600_000 });
      expect(warning?.message).toContain('out of quota (HTTP 429, insufficient_quota');
    } finally {
      await stack.close();
    }
  });

  it('OpenRouter’s keep-alive comments before the first token are read past, and the reply comes through', async () => {
    openrouter.reset();
    openrouter.use({ model: 'a', processingMs: 150, keepAliveEveryMs: 50, reply: 'Thought about it.' });
    const { stack, recorder } = await chainStack({}, [{ provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY }]);
    try {
      const chatCtx = llm.ChatContext.empty();
      chatCtx.addMessage({ role: 'user', content: 'Hi' });
      expect((await (stack.llm as llm.LLM).chat({ chatCtx }).collect()).text).toBe('Thought about it.');
      expect(recorder.of('fallback')).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
