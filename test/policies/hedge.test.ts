import { llm } from '@livekit/agents';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { startTextSession } from '../../src/testing/index.js';
import { eventually } from '../helpers/eventually.js';
import { useMswServer } from '../helpers/msw.js';
import { chainEndpoints, chainStack, OPENROUTER_KEY } from '../helpers/chain-stack.js';

const { openrouter, llama, handlers } = chainEndpoints();
const server = useMswServer(...handlers);

/**
 * `openrouter/a → openrouter/b`, hedging after `hedgeAfterMs` (off when undefined). No holding phrase: on a busy
 * machine a hedged answer may take longer than the default `holdingAfterMs`, and these tests are about the hedge.
 */
async function hedgedStack(hedgeAfterMs: number | undefined, llm?: Parameters<typeof chainStack>[1]) {
  openrouter.reset();
  llama.reset();
  return chainStack(
    { retry: { ...(hedgeAfterMs !== undefined && { hedgeAfterMs }) }, verbal: { holdingAfterMs: 60_000 } },
    llm ?? [{ provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY }],
  );
}

/** Models whose chat request the client aborted (seen by the mock's request signal). */
function watchAborts(): string[] {
  const aborted: string[] = [];
  server.use(
    http.post(`${openrouter.baseURL}/chat/completions`, async ({ request }) => {
      const { model } = (await request.clone().json()) as { model: string };
      request.signal.addEventListener('abort', () => aborted.push(model), { once: true });
      // No response: the endpoint's own handler answers.
    }),
  );
  return aborted;
}

describe('hedged first token (retry.hedgeAfterMs) through a real text-mode AgentSession', () => {
  it('primary slow to its first byte: the hedge answers, the primary is cancelled, one request each', async () => {
    const { stack, logger, recorder } = await hedgedStack(30);
    const aborted = watchAborts();
    openrouter.use({ model: 'a', delayMs: 2_000, reply: 'Hello from a.' }, { model: 'b', reply: 'Hello from b.' });
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hello from b.');
      expect(openrouter.chatRequests('a')).toHaveLength(1);
      expect(openrouter.chatRequests('b')).toHaveLength(1);
      await expect.poll(() => aborted).toEqual(['a']);
      // Same context for the hedge.
      expect(JSON.stringify(openrouter.chatRequests('b')[0]?.body)).toContain('Hi');
      const [fallback, ...others] = recorder.of('fallback');
      expect(others).toEqual([]);
      expect(fallback).toMatchObject({ modality: 'llm', from: 'openrouter/a', to: 'openrouter/b', error: { category: 'timeout' } });
      expect(fallback?.error.message).toContain('hedged after 30 ms');
      expect(logger.lines.some((line) => line.includes('hedging with openrouter/b'))).toBe(true);

      // The primary lost the race: like a timeout, it is tried after the healthy option on the next turn.
      expect((await session.ask('Again')).text).toBe('Hello from b.');
      expect(openrouter.chatRequests('a')).toHaveLength(1);
      expect(
        session
          .transcript()
          .map((item) => item.text)
          .join('\n'),
      ).not.toContain('Hello from a.');
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('primary answers before hedgeAfterMs: no request to the next option', async () => {
    const { stack, recorder } = await hedgedStack(1_000);
    openrouter.use({ model: 'a', reply: 'Hello from a.' }, { model: 'b', reply: 'Hello from b.' });
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hello from a.');
      expect((await session.ask('Again')).text).toBe('Hello from a.');
      expect(openrouter.chatRequests('b')).toHaveLength(0);
      expect(recorder.events).toEqual([]);
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('primary slow and the hedge fails (500): the primary answers, the hedge failure is logged', async () => {
    const { stack, logger, recorder } = await hedgedStack(30);
    const aborted = watchAborts();
    openrouter.use({ model: 'a', delayMs: 150, reply: 'Hello from a.' }, { model: 'b', status: 500 });
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hello from a.');
      expect(openrouter.chatRequests('a')).toHaveLength(1);
      expect(openrouter.chatRequests('b')).toHaveLength(1);
      expect(aborted).toEqual([]);
      expect(recorder.of('fallback')).toEqual([]); // the chain stayed on a
      expect(logger.entries.find((entry) => entry.level === 'warn' && entry.fields.label === 'openrouter/b')?.fields).toMatchObject({
        category: 'server',
        statusCode: 500,
      });
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('primary fails while the hedge is pending: the chain goes on with the hedge, without a second request to it', async () => {
    const { stack, logger, recorder } = await hedgedStack(30);
    openrouter.use({ model: 'a', delayMs: 80, status: 503 }, { model: 'b', delayMs: 150, reply: 'Hello from b.' });
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hello from b.');
      expect(openrouter.chatRequests('a')).toHaveLength(1);
      expect(openrouter.chatRequests('b')).toHaveLength(1);
      expect(logger.lines.some((line) => line.includes('hedging with openrouter/b'))).toBe(true); // b started before a failed
      expect(recorder.of('fallback')).toMatchObject([
        { from: 'openrouter/a', to: 'openrouter/b', error: { category: 'server', statusCode: 503 } },
      ]);
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('both slow: whichever produces its first token first is kept, the other is cancelled', async () => {
    for (const [delayA, delayB, winner, loser] of [
      [400, 40, 'b', 'a'],
      [80, 1_000, 'a', 'b'],
    ] as const) {
      const { stack } = await hedgedStack(30);
      const aborted = watchAborts();
      openrouter.use({ model: 'a', delayMs: delayA, reply: 'Hello from a.' }, { model: 'b', delayMs: delayB, reply: 'Hello from b.' });
      const session = await startTextSession(stack);
      try {
        expect((await session.ask('Hi')).text).toBe(`Hello from ${winner}.`);
        expect(openrouter.chatRequests('a')).toHaveLength(1);
        expect(openrouter.chatRequests('b')).toHaveLength(1);
        await expect.poll(() => aborted).toEqual([loser]);
      } finally {
        await session.close();
        await stack.close();
        server.resetHandlers();
      }
    }
  });

  it('one hedge at a time: when the hedge fails, the next option becomes the hedge (the last resort here)', async () => {
    const { stack } = await hedgedStack(30, [
      { provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY },
      { provider: 'llama-cpp', apiKey: 'sk-llama-FAKEKEY' },
    ]);
    openrouter.use({ model: 'a', delayMs: 2_000 }, { model: 'b', status: 500 });
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hello from llama.cpp.');
      expect([openrouter.chatRequests('a').length, openrouter.chatRequests('b').length, llama.chatRequests().length]).toEqual([1, 1, 1]);
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('the holding phrase still comes after holdingAfterMs when it is shorter, then the hedge answers', async () => {
    openrouter.reset();
    const { stack, recorder } = await chainStack({ retry: { hedgeAfterMs: 120 }, verbal: { holding: ['Hold on.'], holdingAfterMs: 30 } }, [
      { provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY },
    ]);
    openrouter.use({ model: 'a', delayMs: 2_000 }, { model: 'b', reply: 'Hello from b.' });
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hold on. Hello from b.');
      expect(recorder.of('holding')).toEqual([{ modality: 'llm', reason: 'slow', text: 'Hold on.' }]);
      expect(recorder.events.map((event) => event.name)).toEqual(['holding', 'fallback']);
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('leaves no timer, listener or rejection behind across many hedged turns', async () => {
    const { stack } = await hedgedStack(20);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const chain = stack.llm as llm.LLM;
    const children = stack.options.llm.map((option) => option.instance as llm.LLM);
    const listeners = () => children.map((child) => child.listenerCount('error') + child.listenerCount('metrics_collected'));
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const turn = async (index: number) => {
      const chatCtx = llm.ChatContext.empty();
      chatCtx.addMessage({ role: 'user', content: `question ${index}` });
      return (await chain.chat({ chatCtx }).collect()).text;
    };
    try {
      await turn(0);
      const baseline = { timers: timers(), listeners: listeners() };
      // Ten concurrent turns of each case: the hedge is cancelled, the hedge fails, the hedge wins (demoting a: last).
      // The loser's delay is long (5 s) so that a busy machine cannot change the winner; it is cancelled, never waited.
      const cases: [string, Parameters<typeof openrouter.use>][] = [
        [
          'Hello from a.',
          [
            { model: 'a', delayMs: 50, reply: 'Hello from a.' },
            { model: 'b', delayMs: 5_000 },
          ],
        ],
        [
          'Hello from a.',
          [
            { model: 'a', delayMs: 50, reply: 'Hello from a.' },
            { model: 'b', status: 500 },
          ],
        ],
        [
          'Hello from b.',
          [
            { model: 'a', delayMs: 5_000 },
            { model: 'b', reply: 'Hello from b.' },
          ],
        ],
      ];
      for (const [expected, scenarios] of cases) {
        openrouter.reset();
        openrouter.use(...scenarios);
        expect(await Promise.all(Array.from({ length: 10 }, (_, index) => turn(index)))).toEqual(Array(10).fill(expected));
      }
      // Cancelled hedges settle after their turn answered: until then, their timers and listeners are still there.
      await eventually(() => timers() <= baseline.timers && listeners().every((count, index) => count === baseline.listeners[index]));
      expect(rejections).toEqual([]);
      expect(listeners()).toEqual(baseline.listeners);
      expect(timers()).toBeLessThanOrEqual(baseline.timers);
    } finally {
      process.off('unhandledRejection', onRejection);
      await stack.close();
    }
  });

  it('hedging off: a slow primary is waited for, with no parallel request', async () => {
    const { stack } = await hedgedStack(undefined);
    openrouter.use({ model: 'a', delayMs: 150, reply: 'Hello from a.' }, { model: 'b', reply: 'Hello from b.' });
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hello from a.');
      expect(openrouter.chatRequests('b')).toHaveLength(0); // a hedge would have gone out before a's answer
    } finally {
      await session.close();
      await stack.close();
    }
  });
});
