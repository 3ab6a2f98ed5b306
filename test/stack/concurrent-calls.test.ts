import { describe, expect, it } from 'vitest';
import { createVoiceStack, type FallbackEvent, type TranscriptEvent, type TurnMetrics } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';

const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1' });
useMswServer(...openrouter.handlers);

describe('two concurrent calls on one shared stack: their events never mix', () => {
  it('transcripts, turn records and fallback events carry the session id of their own call', async () => {
    const stack = await createVoiceStack(
      { llm: { provider: 'openrouter', models: ['m/a', 'm/b'] }, retry: { initialDelayMs: 10 } },
      { env: { OPENROUTER_API_KEY: 'sk-or-test' } },
    );
    const transcripts: TranscriptEvent[] = [];
    const turns: TurnMetrics[] = [];
    const fallbacks: FallbackEvent[] = [];
    stack.on('transcript', (event) => transcripts.push(event));
    stack.on('turn', (event) => turns.push(event));
    stack.on('fallback', (event) => fallbacks.push(event));

    // Alice's reply is slow; Bob's request (sent while Alice waits) fails on m/a and falls back to m/b.
    openrouter.use(
      { model: 'm/a', reply: 'Hello Alice.', delayMs: 400, times: 1 },
      { model: 'm/a', status: 500, times: 1 },
      { model: 'm/b', reply: 'Hello Bob.' },
    );
    const [alice, bob] = await Promise.all([startTextSession(stack), startTextSession(stack)]);
    // startTextSession attaches with a generated id: read each call's id from its own first event instead.
    const aliceTurn = alice.ask('I am Alice');
    await expect.poll(() => openrouter.chatRequests().length).toBe(1);
    const bobTurn = bob.ask('I am Bob');
    const [aliceReply, bobReply] = await Promise.all([aliceTurn, bobTurn]);
    await Promise.all([alice.close(), bob.close()]);
    await stack.close();

    expect(aliceReply.text).toBe('Hello Alice.');
    expect(bobReply.text).toBe('Hello Bob.');
    const sessionOf = (text: string) => transcripts.find((event) => event.text === text)?.sessionId;
    const aliceId = sessionOf('Hello Alice.');
    const bobId = sessionOf('Hello Bob.');
    expect(aliceId).toEqual(expect.any(String));
    expect(bobId).toEqual(expect.any(String));
    expect(aliceId).not.toBe(bobId);
    // Bob's request reached the mock with Bob's words, and only Bob's call saw the fallback.
    expect(JSON.stringify(openrouter.chatRequests('m/b')[0]?.body)).toContain('I am Bob');
    expect(fallbacks).toMatchObject([{ from: 'openrouter/m/a', to: 'openrouter/m/b', sessionId: bobId }]);
    // One turn record per call, each with its own session id and figures.
    expect(turns.map((turn) => [turn.sessionId, turn.servedBy.llm, turn.fallbacks]).sort()).toEqual(
      [
        [aliceId, 'openrouter/m/a', 0],
        [bobId, 'openrouter/m/b', 1],
      ].sort(),
    );
  });

  it('attach(session, { sessionId }) uses the caller’s id', async () => {
    const stack = await createVoiceStack({ llm: { provider: 'openrouter', model: 'm/a' } }, { env: { OPENROUTER_API_KEY: 'sk-or-test' } });
    openrouter.reset();
    const transcripts: TranscriptEvent[] = [];
    stack.on('transcript', (event) => transcripts.push(event));
    const session = await startTextSession(stack);
    stack.detach(session.session);
    stack.attach(session.session, { sessionId: 'call-42' });
    await session.ask('Hi');
    await session.close();
    await stack.close();
    expect(transcripts.map((event) => event.sessionId)).toEqual(['call-42']);
  });
});
