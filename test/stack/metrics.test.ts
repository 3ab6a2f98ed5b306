import { voice } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { createVoiceStack, type TurnMetrics } from '../../src/index.js';
import { eventually } from '../helpers/eventually.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { withoutCall } from '../helpers/without-call.js';

const fast = mockOpenAIEndpoint({ baseURL: 'http://fast.test/v1', reply: 'Fast answer.' });
const slow = mockOpenAIEndpoint({ baseURL: 'http://slow.test/v1', reply: 'Slow answer.' });
useMswServer(...fast.handlers, ...slow.handlers);

// At least the mock's scripted delay, at most the turn's wall time as the test measured it: no speed is asserted,
// so a busy machine cannot fail it.
const within = (value: number | undefined, scripted: number, wallMs: number) => {
  expect(value).toBeGreaterThanOrEqual(scripted);
  expect(value).toBeLessThanOrEqual(wallMs);
};

async function runTurns(config: Parameters<typeof createVoiceStack>[0], count: number) {
  const stack = await createVoiceStack(config);
  const turns: TurnMetrics[] = [];
  stack.on('turn', (turn) => turns.push(withoutCall(turn) as TurnMetrics));
  const session = await startTextSession(stack);
  const replies: string[] = [];
  const wallMs: number[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      replies.push((await session.ask(`Question ${index}`)).text);
      wallMs.push(performance.now() - started);
    }
  } finally {
    await session.close();
  }
  return { stack, turns, replies, wallMs, longestMs: Math.max(...wallMs) };
}

describe('stack.metrics()', () => {
  it('summarises a scripted text session: LLM TTFT and end-to-end follow the mock’s delay', async () => {
    fast.reset();
    fast.use({ delayMs: 80 });
    const { stack, turns, replies, wallMs, longestMs } = await runTurns(
      { llm: { provider: 'openai-compatible', baseURL: 'http://fast.test/v1', model: 'fast-model' } },
      4,
    );
    try {
      expect(replies).toEqual(Array(4).fill('Fast answer.'));
      expect(turns).toHaveLength(4);
      for (const [index, turn] of turns.entries()) {
        expect(turn.servedBy).toEqual({ llm: 'openai-compatible/fast-model' });
        within(turn.llmTtftMs, 80, wallMs[index]!);
        expect(turn.endToEndMs).toBe(turn.llmTtftMs); // text mode: no EOU, no TTS
        expect(turn).toMatchObject({ fallbacks: 0, held: false, apologised: false, ttsTtfbMs: undefined });
      }
      const summary = stack.metrics();
      expect(summary.turns).toBe(4);
      const option = summary.options['openai-compatible/fast-model']!;
      expect(option).toMatchObject({ modality: 'llm', provider: 'openai-compatible', model: 'fast-model', turns: 4 });
      within(option.latency.llmTtftMs?.p50, 80, longestMs);
      within(option.latency.llmTtftMs?.p95, 80, longestMs);
      expect(option.latency.llmTtftMs?.count).toBe(4);
      within(summary.latency.endToEndMs?.p50, 80, longestMs);
      expect(summary).toMatchObject({ fallbacks: 0, holds: 0, apologies: 0 });
    } finally {
      await stack.close();
    }
  });

  it('tells which option served each turn, and compares two stacks by their summaries', async () => {
    fast.reset();
    slow.reset();
    fast.use({ delayMs: 10 });
    slow.use({ delayMs: 150 });
    const a = await runTurns({ llm: { provider: 'openai-compatible', baseURL: 'http://fast.test/v1', model: 'fast-model' } }, 3);
    const b = await runTurns({ llm: { provider: 'openai-compatible', baseURL: 'http://slow.test/v1', model: 'slow-model' } }, 3);
    try {
      const fastP50 = a.stack.metrics().latency.llmTtftMs!.p50;
      const slowP50 = b.stack.metrics().latency.llmTtftMs!.p50;
      within(slowP50, 150, b.longestMs);
      within(fastP50, 10, a.longestMs);
      expect(Object.keys(b.stack.metrics().options)).toEqual(['openai-compatible/slow-model']);
    } finally {
      await a.stack.close();
      await b.stack.close();
    }
  });

  it('attributes a turn to the option that answered when the first one fails', async () => {
    fast.reset();
    slow.reset();
    fast.use({ status: 500 });
    const { stack, turns, replies, wallMs, longestMs } = await runTurns(
      {
        llm: [
          { provider: 'openai-compatible', baseURL: 'http://fast.test/v1', model: 'fast-model' },
          { provider: 'openai-compatible', baseURL: 'http://slow.test/v1', model: 'slow-model' },
        ],
        verbal: false,
      },
      1,
    );
    try {
      expect(replies).toEqual(['Slow answer.']);
      expect(turns[0]?.servedBy.llm).toBe('openai-compatible/slow-model');
      const summary = stack.metrics();
      expect(summary.options['openai-compatible/slow-model']?.turns).toBe(1);
      expect(summary.options['openai-compatible/fast-model']?.turns).toBe(0);
    } finally {
      await stack.close();
    }
  });

  it('late metrics of a finished turn do not open it again: the next turn keeps its holding phrase and its fallback', async () => {
    fast.reset();
    slow.reset();
    const stack = await createVoiceStack({
      llm: [
        { provider: 'openai-compatible', baseURL: 'http://fast.test/v1', model: 'fast-model' },
        { provider: 'openai-compatible', baseURL: 'http://slow.test/v1', model: 'slow-model' },
      ],
      verbal: { holdingAfterMs: 300 },
    });
    const turns: TurnMetrics[] = [];
    stack.on('turn', (turn) => turns.push(withoutCall(turn) as TurnMetrics));
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('First')).text).toBe('Fast answer.');
      expect(await eventually(() => turns.length >= 1)).toBe(true);
      // The first speech's metrics arrive after its turn was recorded (a slow TTS or LLM stream closing late).
      const speechId = turns[0]!.speechId!;
      // A value no real turn here takes, so that seeing it means the late figures were taken.
      const late = { speechId, ttftMs: 4321, ttfbMs: 4321, endOfUtteranceDelayMs: 4321, transcriptionDelayMs: 4321, metadata: {} };
      for (const type of ['llm_metrics', 'tts_metrics', 'eou_metrics'])
        session.session.emit(voice.AgentSessionEventTypes.MetricsCollected, {
          type: 'metrics_collected',
          metrics: { type, ...late } as never,
          createdAt: Date.now(),
        });

      fast.use({ status: 500 });
      slow.use({ delayMs: 800 });
      expect((await session.ask('Second')).text).toMatch(/ Slow answer\.$/); // after the holding phrase
      expect(await eventually(() => turns.length >= 2)).toBe(true);
      expect(turns[1]).toMatchObject({ servedBy: { llm: 'openai-compatible/slow-model' }, held: true, fallbacks: 1 });
      expect(turns[0]).toMatchObject({ speechId, held: false, fallbacks: 0 });
      expect(turns[0]!.llmTtftMs).not.toBe(4321);
    } finally {
      await session.close();
      await stack.close();
    }
    expect(turns).toHaveLength(2);
    expect(stack.metrics().turns).toBe(2);
  });
});
