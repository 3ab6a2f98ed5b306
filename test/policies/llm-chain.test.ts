import { llm, voice } from '@livekit/agents';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { startTextSession } from '../../src/testing/index.js';
import { sleep } from '../../src/testing/sleep.js';
import { useMswServer } from '../helpers/msw.js';
import { chainEndpoints, chainStack } from '../helpers/chain-stack.js';
import { count } from '../helpers/recorders.js';

const { openrouter, llama, handlers } = chainEndpoints();
const server = useMswServer(...handlers);

function reset() {
  openrouter.reset();
  llama.reset();
}

/** Model names of the chat requests that reached the mocks, in order. */
function requested(): string[] {
  return [...openrouter.chatRequests(), ...llama.chatRequests()].sort((a, b) => a.at - b.at).map((request) => request.model ?? '?');
}

describe('LLM chain through a real text-mode AgentSession', () => {
  it('429 with Retry-After: the next model answers, and the first gets no request until its cooldown ends', async () => {
    reset();
    openrouter.use(
      { model: 'a', status: 429, retryAfter: 1, times: 1 },
      { model: 'b', reply: 'Hello from b.' },
      { model: 'a', reply: 'Hello from a.' },
    );
    const { stack, recorder } = await chainStack();
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hello from b.');
      expect((await session.ask('Again')).text).toBe('Hello from b.');
      expect(openrouter.chatRequests('a')).toHaveLength(1);
      expect(recorder.of('fallback')).toMatchObject([
        {
          modality: 'llm',
          from: 'openrouter/a',
          to: 'openrouter/b',
          error: { category: 'rate_limit', statusCode: 429, retryAfterMs: 1000 },
        },
      ]);

      await sleep(1_100); // time itself: the 1 s cooldown the 429 asked for runs out
      expect((await session.ask('And now?')).text).toBe('Hello from a.');
      expect(openrouter.chatRequests('a')).toHaveLength(2);
      expect(recorder.of('recovered')).toEqual([{ modality: 'llm', provider: 'openrouter', model: 'a' }]);
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('every remote model rate-limited: llama.cpp (the last resort) answers', async () => {
    reset();
    openrouter.use({ status: 429, retryAfter: 30 });
    const { stack, recorder } = await chainStack();
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hello from llama.cpp.');
      expect(requested()).toEqual(['a', 'b', 'local']);
      expect(recorder.of('fallback').map(({ from, to }) => `${from} → ${to}`)).toEqual([
        'openrouter/a → openrouter/b',
        'openrouter/b → llama-cpp/local',
      ]);
      // Both remote models cool down for 30 s: the next turn goes straight to llama.cpp.
      expect((await session.ask('Again')).text).toBe('Hello from llama.cpp.');
      expect(requested()).toEqual(['a', 'b', 'local', 'local']);
      expect(recorder.of('retry')).toEqual([]);
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('everything down: one holding phrase, one apology, the session keeps listening and answers once a model recovers', async () => {
    reset();
    openrouter.use({ status: 500, times: 100 });
    llama.use({ status: 503, message: 'Loading model', times: 100 });
    const { stack, recorder } = await chainStack({
      retry: { windowMs: 400, initialDelayMs: 40, maxDelayMs: 80 },
      verbal: { holding: ['Hold on, please.'], apology: 'Sorry, I cannot answer right now.' },
    });
    const session = await startTextSession(stack);
    let closed = false;
    session.session.on(voice.AgentSessionEventTypes.Close, () => (closed = true));
    try {
      const first = await session.ask('What time is it?');
      expect(first.text).toBe('Hold on, please. Sorry, I cannot answer right now.');
      const history = session
        .transcript()
        .map((item) => item.text)
        .join('\n');
      expect(count(history, 'Hold on, please.')).toBe(1);
      expect(count(history, 'Sorry, I cannot answer right now.')).toBe(1);
      expect(requested().length).toBeGreaterThan(3); // more than one pass
      expect(recorder.of('holding')).toEqual([{ modality: 'llm', reason: 'waiting', text: 'Hold on, please.' }]);
      const [exhausted] = recorder.of('exhausted');
      expect(exhausted?.errors.map((error) => error.category)).toEqual(expect.arrayContaining(['server']));
      expect(recorder.of('retry')[0]).toMatchObject({ modality: 'llm', attempt: 1, error: { category: 'server' } });

      reset();
      const second = await session.ask('What time is it now?');
      expect(second.text).toBe('Hello from OpenRouter.');
      expect(closed).toBe(false);
      // The phrases stay out of what the model sees.
      const sent = JSON.stringify(openrouter.chatRequests()[0]?.body);
      expect(sent).toContain('What time is it?');
      expect(sent).not.toContain('Hold on, please.');
      expect(sent).not.toContain('Sorry, I cannot answer');
      expect(recorder.of('recovered')).toContainEqual({ modality: 'llm', provider: 'openrouter', model: 'a' });
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('401 on one option: the next answers, and the 401 is not retried', async () => {
    reset();
    openrouter.use({ model: 'a', status: 401, message: 'Invalid API key' });
    const { stack, recorder } = await chainStack();
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hello from OpenRouter.');
      expect(requested()).toEqual(['a', 'b']);
      expect(recorder.of('fallback')[0]?.error).toMatchObject({ category: 'auth', statusCode: 401 });
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('401 on the only option: the apology at once, without waiting out the window', async () => {
    reset();
    openrouter.use({ status: 401 });
    const { stack, recorder } = await chainStack({ retry: { windowMs: 60_000 }, verbal: { apology: 'Sorry.' } }, [
      { provider: 'openrouter', model: 'a', apiKey: 'k' },
    ]);
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Sorry.');
      expect(requested()).toEqual(['a']);
      expect(recorder.of('retry')).toEqual([]);
      expect(recorder.of('exhausted')[0]?.errors.map((error) => error.category)).toEqual(['auth']);
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('a stall after two tokens ends the turn without duplicate text; the next turn starts on another option', async () => {
    reset();
    openrouter.use({ model: 'a', reply: 'one two three four', stallAfterChunks: 2, times: 1 }, { model: 'b', reply: 'Hello from b.' });
    const { stack, logger } = await chainStack({ retry: { stallTimeoutMs: 150 } });
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Count')).text.trim()).toBe('one two');
      expect(requested()).toEqual(['a']);
      expect(logger.entries.find((entry) => entry.fields.category === 'stall')?.fields).toMatchObject({
        label: 'openrouter/a',
        afterTokens: true,
      });
      expect((await session.ask('Again')).text).toBe('Hello from b.');
      expect(requested()).toEqual(['a', 'b']);
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('two sessions sharing one stack share the cooldown', async () => {
    reset();
    openrouter.use({ model: 'a', status: 429, retryAfter: 30 });
    const { stack } = await chainStack();
    const one = await startTextSession(stack);
    const two = await startTextSession(stack);
    try {
      expect((await one.ask('Hi')).text).toBe('Hello from OpenRouter.');
      expect((await two.ask('Hi')).text).toBe('Hello from OpenRouter.');
      expect(requested()).toEqual(['a', 'b', 'b']);
    } finally {
      await one.close();
      await two.close();
      await stack.close();
    }
  });

  it('says the holding phrase when no first token came after holdingAfterMs, then the answer', async () => {
    reset();
    openrouter.use({ model: 'a', delayMs: 300, reply: 'Slow answer.' });
    const { stack, recorder } = await chainStack({ verbal: { holding: ['One moment.'], holdingAfterMs: 80 } });
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('One moment. Slow answer.');
      expect(recorder.of('holding')).toEqual([{ modality: 'llm', reason: 'slow', text: 'One moment.' }]);
      expect(requested()).toEqual(['a']);
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('sends the same context, tools and tool choice to every option', async () => {
    reset();
    openrouter.use({ model: 'a', status: 500 });
    const { stack } = await chainStack();
    const { llm: agentsLLM } = await import('@livekit/agents');
    const { z } = await import('zod');
    const chain = stack.llm as InstanceType<typeof agentsLLM.LLM>;
    const chatCtx = agentsLLM.ChatContext.empty();
    chatCtx.addMessage({ role: 'system', content: 'Be brief.' });
    chatCtx.addMessage({ role: 'user', content: 'Weather in Paris?' });
    const weather = agentsLLM.tool({
      description: 'Get the weather',
      parameters: z.object({ city: z.string() }),
      execute: async () => 'sunny',
    });
    try {
      const reply = await chain.chat({ chatCtx, toolCtx: { weather }, toolChoice: 'auto' }).collect();
      expect(reply.text).toBe('Hello from OpenRouter.');
      const [a, b] = openrouter.chatRequests() as { body: Record<string, unknown> }[];
      const pick = (body: Record<string, unknown>) => ({ messages: body.messages, tools: body.tools, tool_choice: body.tool_choice });
      expect(pick(b!.body)).toEqual(pick(a!.body));
      expect(b!.body).toMatchObject({ model: 'b', tool_choice: 'auto', tools: [{ function: { name: 'weather' } }] });
    } finally {
      await stack.close();
    }
  });
});

describe("the chain's reply, read directly", () => {
  async function ask(stack: Awaited<ReturnType<typeof chainStack>>['stack'], question: string) {
    const chatCtx = llm.ChatContext.empty();
    chatCtx.addMessage({ role: 'user', content: question });
    return (stack.llm as llm.LLM).chat({ chatCtx });
  }

  it('a reply slower overall than stallTimeoutMs, but never silent that long, is not a stall', async () => {
    reset();
    const reply = 'one two three four five six seven eight nine ten eleven twelve';
    openrouter.use({ model: 'a', reply, chunkDelayMs: 50 });
    const { stack, recorder, logger } = await chainStack({ retry: { stallTimeoutMs: 300 } });
    try {
      const startedAt = Date.now();
      expect((await (await ask(stack, 'Count')).collect()).text).toBe(reply);
      expect(Date.now() - startedAt).toBeGreaterThan(300); // the whole reply outlasted the stall timeout
      expect(requested()).toEqual(['a']);
      expect(recorder.events).toEqual([]);
      expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
    } finally {
      await stack.close();
    }
  });

  it('closing it mid-reply (the session interrupting the turn) aborts the provider request, and nothing failed', async () => {
    reset();
    const aborted: string[] = [];
    server.use(
      http.post(`${openrouter.baseURL}/chat/completions`, async ({ request }) => {
        const { model } = (await request.clone().json()) as { model: string };
        request.signal.addEventListener('abort', () => aborted.push(model), { once: true });
        // No response: the endpoint's own handler answers.
      }),
    );
    openrouter.use({ model: 'a', reply: 'one two three four', stallAfterChunks: 2 });
    const { stack, recorder, logger } = await chainStack({ retry: { stallTimeoutMs: 60_000 } });
    try {
      const stream = await ask(stack, 'Count');
      let text = '';
      for await (const chunk of stream) {
        text += chunk.delta?.content ?? '';
        if (text.includes('two')) break;
      }
      stream.close();
      await expect.poll(() => aborted).toEqual(['a']);
      expect(await stream.next()).toEqual({ done: true, value: undefined });
      expect(requested()).toEqual(['a']);
      expect(recorder.events).toEqual([]);
      expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
