import { llm } from '@livekit/agents';
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createVoiceStack, defineAdapter } from '../../src/index.js';
import { holdsData, observeProgress, ResponseProgress } from '../../src/providers/response-progress.js';
import { mockOpenAIEndpoint } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { chainEndpoints, chainStack, OPENROUTER_KEY } from '../helpers/chain-stack.js';
import { recordEvents } from '../helpers/recorders.js';

// A tool call streams in fragments (id and name first, then the arguments over many chunks) and the plugin yields it
// only when complete: to a chain that watches the plugin's chunks, a model streaming a tool call looks silent. The
// chain watches the response itself (through the option's fetch): hedging, the first-token timeout and the holding
// phrase never fire against a provider that is answering. Measured before: with hedgeAfterMs 300 a tool call
// streaming for 1.2 s was hedged and the backup's plain text won; the tool call was dropped.

const { openrouter, llama, handlers } = chainEndpoints();
const gateway = mockOpenAIEndpoint({ baseURL: 'https://agent-gateway.livekit.cloud/v1' });
const azure = mockOpenAIEndpoint({ baseURL: 'https://acme.openai.azure.com/openai/deployments/voice-4o-mini' });
const acme = mockOpenAIEndpoint({ baseURL: 'https://llm.acme.example/v1' });
useMswServer(
  ...handlers,
  ...gateway.handlers,
  ...azure.handlers,
  // The session prewarms Azure's client with `GET /models`, which Azure serves per resource.
  http.get('https://acme.openai.azure.com/openai/models', () => HttpResponse.json({ data: [] })),
  ...acme.handlers,
);

/** A custom adapter as docs/custom-adapters.md writes one: the OpenAI plugin over its own SDK client on `context.fetch`. */
const acmeAdapter = defineAdapter({
  modality: 'llm',
  provider: 'acme',
  options: z.strictObject({ model: z.string(), timeoutMs: z.number().optional() }),
  create: async (options, context) => {
    const [{ LLM }, { OpenAI }] = await Promise.all([import('@livekit/agents-plugin-openai'), import('openai')]);
    const client = new OpenAI({ apiKey: 'acme-key', baseURL: acme.baseURL, fetch: context.fetch, maxRetries: 0 });
    return new LLM({ model: options.model, client });
  },
});

const ARGUMENTS = { city: 'Paris', unit: 'celsius', days: 3, note: 'the forecast for the week, with the wind' };
/** 1 delta with the id and name, then 12 argument fragments 100 ms apart: 1.2 s of streaming before the call is whole. */
const SLOW_TOOL_CALL = {
  toolCalls: [{ id: 'call_weather', name: 'get_weather', arguments: ARGUMENTS }],
  argumentChunks: 12,
  chunkDelayMs: 100,
};

async function ask(chain: llm.LLM) {
  const chatCtx = llm.ChatContext.empty();
  chatCtx.addMessage({ role: 'user', content: 'What is the weather in Paris this week?' });
  return chain.chat({ chatCtx }).collect();
}

describe('chain timers and a response that is streaming a tool call', () => {
  it('hedging after 300 ms, a first-token timeout of 500 ms and a holding phrase after 400 ms all hold back', async () => {
    openrouter.reset();
    llama.reset();
    openrouter.use({ model: 'a', ...SLOW_TOOL_CALL }, { model: 'b', reply: 'It is sunny.' });
    const { stack, recorder, logger } = await chainStack(
      { retry: { hedgeAfterMs: 300 }, verbal: { holding: 'One moment.', holdingAfterMs: 400 } },
      [{ provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY, timeoutMs: 500 }],
    );
    try {
      const startedAt = Date.now();
      const reply = await ask(stack.llm as llm.LLM);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_100); // the call really streamed past every timer
      expect(reply.toolCalls.map((call) => [call.callId, call.name, JSON.parse(call.args)])).toEqual([
        ['call_weather', 'get_weather', ARGUMENTS],
      ]);
      expect(reply.text).toBe(''); // no holding phrase in front of the answer
      expect(openrouter.chatRequests().map((request) => request.model)).toEqual(['a']); // never hedged
      expect(recorder.events).toEqual([]);
      expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
    } finally {
      await stack.close();
    }
  });

  it('without hedging, the same: the first-token timeout waits while the arguments stream', async () => {
    openrouter.reset();
    openrouter.use({ model: 'a', ...SLOW_TOOL_CALL }, { model: 'b', reply: 'It is sunny.' });
    const { stack, recorder } = await chainStack({}, [
      { provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY, timeoutMs: 500 },
    ]);
    try {
      const reply = await ask(stack.llm as llm.LLM);
      expect(reply.toolCalls.map((call) => call.name)).toEqual(['get_weather']);
      expect(openrouter.chatRequests().map((request) => request.model)).toEqual(['a']);
      expect(recorder.events).toEqual([]);
    } finally {
      await stack.close();
    }
  });

  it('a response that streams, then goes silent, still fails over: as a stall, after stallTimeoutMs of silence', async () => {
    openrouter.reset();
    openrouter.use({ model: 'a', ...SLOW_TOOL_CALL, stallAfterChunks: 3 }, { model: 'b', reply: 'It is sunny.' });
    const { stack, recorder } = await chainStack({ retry: { hedgeAfterMs: 300, stallTimeoutMs: 400 } }, [
      { provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY, timeoutMs: 500 },
    ]);
    try {
      const reply = await ask(stack.llm as llm.LLM);
      expect(reply.text).toBe('It is sunny.');
      expect(recorder.of('fallback')[0]?.error.category).toBe('stall');
    } finally {
      await stack.close();
    }
  });

  it('keep-alive comments are not an answer: a model that only "processes" is still hedged', async () => {
    openrouter.reset();
    openrouter.use({ model: 'a', processingMs: 2_000, keepAliveEveryMs: 50, reply: 'Late.' }, { model: 'b', reply: 'It is sunny.' });
    const { stack } = await chainStack({ retry: { hedgeAfterMs: 200 } }, [
      { provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY },
    ]);
    try {
      expect((await ask(stack.llm as llm.LLM)).text).toBe('It is sunny.');
      expect(openrouter.chatRequests().map((request) => request.model)).toEqual(['a', 'b']);
    } finally {
      await stack.close();
    }
  });
});

// How the response reaches the chain differs by client: the SDK clients the library builds carry each attempt's
// progress on the request, a custom adapter's client is reached through the async context. Each kind is checked.
describe('every kind of LLM option reports a streaming tool call', () => {
  const kinds = [
    {
      kind: 'LiveKit Inference',
      endpoint: gateway,
      entry: { provider: 'inference', model: 'openai/gpt-4.1-mini' },
      env: { LIVEKIT_API_KEY: 'lk-key', LIVEKIT_API_SECRET: 'lk-secret-0123456789' },
    },
    {
      kind: 'Azure OpenAI',
      endpoint: azure,
      entry: { provider: 'azure-openai', deployment: 'voice-4o-mini' },
      env: { AZURE_OPENAI_API_KEY: 'az-test-key', AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com' },
    },
    { kind: 'a custom adapter', endpoint: acme, entry: { provider: 'acme', model: 'acme-1' }, env: {} },
  ];

  it.each(kinds)('$kind: hedging and the first-token timeout hold back while the arguments stream', async ({ endpoint, entry, env }) => {
    endpoint.reset();
    openrouter.reset();
    endpoint.use(SLOW_TOOL_CALL);
    const stack = await createVoiceStack(
      {
        llm: [
          { ...entry, timeoutMs: 500 },
          { provider: 'openrouter', models: ['b'], apiKey: OPENROUTER_KEY },
        ],
        retry: { hedgeAfterMs: 300 },
      } as Parameters<typeof createVoiceStack>[0],
      { env, adapters: [acmeAdapter] },
    );
    const recorder = recordEvents(stack);
    try {
      const reply = await ask(stack.llm as llm.LLM);
      expect(reply.toolCalls.map((call) => [call.name, JSON.parse(call.args)])).toEqual([['get_weather', ARGUMENTS]]);
      expect(endpoint.chatRequests()).toHaveLength(1);
      expect(openrouter.chatRequests()).toEqual([]); // never hedged
      expect(recorder.events).toEqual([]);
    } finally {
      await stack.close();
    }
  });

  it('two turns at once on one option: each request reports to its own turn', async () => {
    openrouter.reset();
    // Whichever turn's request arrives first streams the tool call; the other only "processes" and must be hedged.
    openrouter.use(
      { model: 'a', times: 1, ...SLOW_TOOL_CALL },
      { model: 'a', times: 1, processingMs: 2_000, keepAliveEveryMs: 50, reply: 'Late.' },
      { model: 'b', reply: 'It is sunny.' },
    );
    const { stack } = await chainStack({ retry: { hedgeAfterMs: 300 } }, [
      { provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY },
    ]);
    try {
      const replies = await Promise.all([ask(stack.llm as llm.LLM), ask(stack.llm as llm.LLM)]);
      const said = replies.map((reply) => reply.toolCalls.map((call) => call.name).join() || reply.text).sort();
      expect(said).toEqual(['It is sunny.', 'get_weather']);
      expect(openrouter.chatRequests().map((request) => request.model)).toEqual(['a', 'a', 'b']);
    } finally {
      await stack.close();
    }
  });
});

describe('the response observer', () => {
  const EVENTS = [': keep-alive\n\n', 'data: {"n":1}\n\n', 'data: {"n":2}\n\n', 'data: [DONE]\n\n'];
  const sse = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const event of EVENTS) controller.enqueue(new TextEncoder().encode(event));
          controller.close();
        },
      }),
      { headers: { 'content-type': 'text/event-stream' } },
    );
  const text = (chunks: Uint8Array[]) => chunks.map((chunk) => new TextDecoder().decode(chunk)).join('');

  /** Reads the body the way the OpenAI SDK does (its async iterator) or a `getReader()` client does, noting the ticks. */
  async function read(how: 'iterator' | 'reader', turn: ResponseProgress, answerAfter?: number) {
    const progress = new ResponseProgress(turn);
    const body = observeProgress(sse(), progress).body!;
    const ticks: number[] = [];
    const chunks: Uint8Array[] = [];
    const seen = (chunk: Uint8Array) => {
      chunks.push(chunk);
      ticks.push(progress.lastDataAt === undefined ? 0 : 1);
      if (chunks.length === answerAfter) turn.answered();
      progress.lastDataAt = undefined;
    };
    if (how === 'iterator') for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) seen(chunk);
    else {
      const reader = body.getReader();
      for (let result = await reader.read(); !result.done; result = await reader.read()) seen(result.value);
    }
    return { ticks, text: text(chunks) };
  }

  it.each(['iterator', 'reader'] as const)(
    'through the %s: ticks on data events, not keep-alive comments; the body is unchanged',
    async (how) => {
      expect(await read(how, new ResponseProgress())).toEqual({ ticks: [0, 1, 1, 1], text: EVENTS.join('') });
    },
  );

  it.each(['iterator', 'reader'] as const)('through the %s: stops ticking once the turn has its first token', async (how) => {
    expect(await read(how, new ResponseProgress(), 2)).toEqual({ ticks: [0, 1, 0, 0], text: EVENTS.join('') });
  });

  it('a chunk counts as data exactly when it holds `data:`, whatever its bytes (any cut of any stream)', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // Mostly the bytes of SSE, so that `data:`, its prefixes and near misses come up often.
      fc
        .array(fc.constantFrom('data:', 'data', 'dat', 'd', 'a', ':', ' ', '\n', '{"x":1}', ': keep-alive', 'ata:'), { maxLength: 12 })
        .map((parts) => new TextEncoder().encode(parts.join(''))),
    );
    fc.assert(
      fc.property(bytes, fc.nat(64), fc.nat(64), (chunk, from, to) => {
        const view = chunk.subarray(Math.min(from, to), Math.max(from, to));
        expect(holdsData(view)).toBe(Buffer.from(view).includes('data:'));
      }),
      { numRuns: 2_000 },
    );
  });
});
