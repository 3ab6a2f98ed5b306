import { http, HttpResponse, delay } from 'msw';
import { describe, expect, it } from 'vitest';
import { createVoiceStack, forwardTranscripts, type ForwardedTranscript } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { recordingLogger } from '../helpers/recorders.js';

const llm = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'Noted.' });
const BACKEND = 'https://app.example.com/api/transcripts';

/** The app's backend: each answer is scripted (status and delay), then it answers 200. */
function backend(script: { status?: number; delayMs?: number }[] = []) {
  const received: { batch: ForwardedTranscript[]; authorization: string | null; at: number }[] = [];
  const attempts: number[] = [];
  const handler = http.post(BACKEND, async ({ request }) => {
    const step = script.shift() ?? {};
    attempts.push(step.status ?? 200);
    if (step.delayMs) await delay(step.delayMs);
    if (step.status && step.status >= 400) return HttpResponse.json({ error: 'down' }, { status: step.status });
    const body = (await request.json()) as { transcripts: ForwardedTranscript[] };
    received.push({ batch: body.transcripts, authorization: request.headers.get('authorization'), at: Date.now() });
    return HttpResponse.json({ ok: true });
  });
  return { handler, received, attempts };
}

const server = useMswServer(...llm.handlers);

const transcript = (text: string, sessionId = 'call-1') =>
  ({ role: 'user', text, final: true, provider: 'deepgram', model: 'nova-3', sessionId }) as const;

describe('forwardTranscripts: batches to the app backend, never in the way of a call', () => {
  it('a slow backend does not delay the call; the batch arrives with the call’s session id and the headers', async () => {
    const app = backend([{ delayMs: 1_500 }]);
    server.use(app.handler);
    const stack = await createVoiceStack({ llm: { provider: 'openai', model: 'gpt-4.1-mini' } }, { env: { OPENAI_API_KEY: 'sk-test' } });
    const forwarder = forwardTranscripts(stack, { url: BACKEND, headers: { authorization: 'Bearer app-token' }, batchMs: 10 });
    const session = await startTextSession(stack);
    await session.ask('First question');
    const second = await session.ask('Second question'); // asked while the first batch is still in flight
    const answeredAt = Date.now();
    expect(second.text).toBe('Noted.');
    await session.close();
    await forwarder.close();
    await stack.close();
    const forwarded = app.received.flatMap(({ batch }) => batch);
    expect(forwarded.map((entry) => [entry.role, entry.text])).toEqual([
      ['assistant', 'Noted.'],
      ['assistant', 'Noted.'],
    ]);
    expect(new Set(forwarded.map((entry) => entry.sessionId)).size).toBe(1);
    expect(forwarded[0]!.sessionId).toEqual(expect.any(String));
    expect(app.received[0]!.authorization).toBe('Bearer app-token');
    expect(app.received[0]!.at).toBeGreaterThan(answeredAt - 1_000); // the slow batch landed after the call went on
  });

  it('a failing backend is retried until it recovers; nothing is lost', async () => {
    const app = backend([{ status: 503 }, { status: 500 }]);
    server.use(app.handler);
    const stack = await createVoiceStack({});
    const logger = recordingLogger();
    const forwarder = forwardTranscripts(stack, { url: BACKEND, batchMs: 10, logger });
    stack.emit('transcript', transcript('Hello'));
    stack.emit('transcript', transcript('Are you there?'));
    await forwarder.flush();
    expect(app.attempts).toEqual([503, 500, 200]);
    expect(app.received.map(({ batch }) => batch.map((entry) => entry.text))).toEqual([['Hello', 'Are you there?']]);
    expect(forwarder.dropped).toBe(0);
    expect(logger.messages('warn')).toEqual([]);
    await forwarder.close();
    await stack.close();
  });

  it('a backend that stays down: the batch is dropped and logged, the next one goes through once it is back', async () => {
    const app = backend([{ status: 503 }, { status: 503 }]);
    server.use(app.handler);
    const stack = await createVoiceStack({});
    const logger = recordingLogger();
    const forwarder = forwardTranscripts(stack, { url: `${BACKEND}?token=secret-in-query`, batchMs: 10, retries: 1, logger });
    stack.emit('transcript', transcript('Lost while down'));
    await forwarder.flush();
    stack.emit('transcript', transcript('After recovery'));
    await forwarder.close();
    await stack.close();
    expect(forwarder.dropped).toBe(1);
    expect(logger.messages('warn')).toEqual([
      'Failed to forward 1 transcript to https://app.example.com/api/transcripts: HTTP 503: {"error":"down"}. They are dropped.',
    ]);
    expect(app.received.map(({ batch }) => batch.map((entry) => entry.text))).toEqual([['After recovery']]);
  });

  it('the queue is bounded: while the backend is slow the oldest are dropped (and logged), interim transcripts are skipped', async () => {
    const app = backend([{ delayMs: 300 }]);
    server.use(app.handler);
    const stack = await createVoiceStack({});
    const logger = recordingLogger();
    const forwarder = forwardTranscripts(stack, { url: BACKEND, batchMs: 10, maxQueue: 3, maxBatch: 2, logger });
    stack.emit('transcript', transcript('one'));
    stack.emit('transcript', transcript('two'));
    await expect.poll(() => app.attempts.length).toBe(1); // one batch in flight, slowly
    stack.emit('transcript', { ...transcript('interim'), final: false });
    for (const text of ['three', 'four', 'five', 'six', 'seven']) stack.emit('transcript', transcript(text));
    await forwarder.close();
    await stack.close();
    expect(forwarder.dropped).toBe(2);
    expect(logger.messages('warn').filter((line) => line.includes('more than 3 were waiting'))).toHaveLength(2);
    expect(app.received.flatMap(({ batch }) => batch.map((entry) => entry.text))).toEqual(['one', 'two', 'five', 'six', 'seven']);
  });
});

describe('forwardTranscripts: secrets and shutdown', () => {
  it('credentials in the URL travel as Basic auth, and a `?token=` echoed in an error body is masked in the log', async () => {
    const seen: (string | null)[] = [];
    server.use(
      http.post(BACKEND, ({ request }) => {
        seen.push(request.headers.get('authorization'));
        const token = new URL(request.url).searchParams.get('token');
        if (token) return HttpResponse.json({ error: `invalid token ${token} for ${request.url}` }, { status: 401 });
        return HttpResponse.json({ ok: true });
      }),
    );
    const stack = await createVoiceStack({});
    const logger = recordingLogger();
    const withUser = forwardTranscripts(stack, { url: `https://app:pass-word-1234@app.example.com/api/transcripts`, logger });
    stack.emit('transcript', transcript('Hello'));
    await withUser.close();
    expect(withUser.dropped).toBe(0);
    expect(seen).toEqual([`Basic ${Buffer.from('app:pass-word-1234').toString('base64')}`]);

    const withToken = forwardTranscripts(stack, { url: `${BACKEND}?token=query-secret-5678`, logger });
    stack.emit('transcript', transcript('Hello again'));
    await withToken.close();
    await stack.close();
    expect(withToken.dropped).toBe(1);
    const warnings = logger.messages('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Failed to forward 1 transcript to https:\/\/app.example.com\/api\/transcripts: HTTP 401: .*invalid token ••••/,
    );
    expect(logger.lines.join('\n')).not.toMatch(/pass-word-1234|query-secret-5678/);
  });

  it('close() ends within closeTimeoutMs against a backend that never answers, and says what it dropped', async () => {
    let requests = 0;
    server.use(
      http.post(BACKEND, async () => {
        requests++;
        await delay('infinite');
        return HttpResponse.json({ ok: true });
      }),
    );
    const stack = await createVoiceStack({});
    const logger = recordingLogger();
    const forwarder = forwardTranscripts(stack, { url: BACKEND, timeoutMs: 60_000, closeTimeoutMs: 200, logger });
    for (let i = 0; i < 300; i++) stack.emit('transcript', transcript(`line ${i}`));
    await forwarder.close(); // before: waited for every batch's 4 attempts of timeoutMs
    await stack.close();
    expect(requests).toBe(1);
    expect(forwarder.dropped).toBe(300);
    expect(logger.messages('warn')).toEqual([
      'Failed to forward 100 transcripts to https://app.example.com/api/transcripts: the backend did not take them within closeTimeoutMs (200 ms) of close(). They are dropped.',
      'Failed to forward 100 transcripts to https://app.example.com/api/transcripts: the backend did not take them within closeTimeoutMs (200 ms) of close(). They are dropped.',
      'Failed to forward 100 transcripts to https://app.example.com/api/transcripts: the backend did not take them within closeTimeoutMs (200 ms) of close(). They are dropped.',
    ]);
  }, 15_000);

  it('reads at most a few KB of an error body, even an endless one', async () => {
    let pulled = 0;
    server.use(
      http.post(BACKEND, () => {
        const endless = new ReadableStream<Uint8Array>({
          pull(controller) {
            pulled += 1_024;
            controller.enqueue(new TextEncoder().encode('overloaded '.repeat(93)));
          },
        });
        return new HttpResponse(endless, { status: 400 });
      }),
    );
    const stack = await createVoiceStack({});
    const logger = recordingLogger();
    const forwarder = forwardTranscripts(stack, { url: BACKEND, logger });
    stack.emit('transcript', transcript('Hello'));
    await forwarder.close();
    await stack.close();
    expect(logger.messages('warn')[0]).toMatch(/: HTTP 400: overloaded overloaded .{100,200}…\. They are dropped\.$/);
    expect(pulled).toBeLessThan(256 * 1_024); // what the stream's buffers pull ahead, not the endless rest
  });
});
