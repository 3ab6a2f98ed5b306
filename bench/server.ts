import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { chunkPCM, tonePCM } from '../src/testing/tts-scenario.js';

/** How the bench endpoint answers a model. Unlisted models stream a normal reply. */
export type ModelBehaviour =
  | { kind: 'reply' }
  /** 429 with `Retry-After` (seconds) and an OpenAI-style error body. */
  | { kind: 'rate-limit'; retryAfterS: number }
  /** Accept the request and never answer (no headers): the client's timeout must fire. */
  | { kind: 'hang' };

export interface BenchServerOptions {
  /** Delay before the first content chunk, in ms. @default 15 */
  ttftMs?: number;
  /** Delay between content chunks, in ms. @default 1 */
  gapMs?: number;
  /** Words in a reply (one chunk each). @default 12 */
  words?: number;
  /** Behaviour per model name (the `model` field of the request body, up to a `#`). */
  models?: Record<string, ModelBehaviour>;
  /** `POST /audio/speech` (OpenAI TTS format): delay before the body, in ms. @default 15 */
  speechTtfbMs?: number;
  /** Length of the speech answer (24 kHz PCM), in ms. @default 500 */
  speechAudioMs?: number;
}

export interface BenchServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseURL: string;
  /** Chat completion and speech requests received, per model (up to a `#`). */
  readonly requests: Map<string, number>;
  /** Requests currently held open by `hang`. */
  readonly hanging: number;
  close(): Promise<void>;
}

/** The rate OpenAI's speech endpoint answers `pcm` at. */
const SPEECH_RATE = 24_000;
const WORDS = ['Hello', ' there,', ' this', ' is', ' the', ' bench', ' endpoint', ' streaming', ' a', ' short', ' reply', ' now', '.'];

/**
 * A local OpenAI-format server (node:http): chat completions as SSE `chat.completion.chunk`, and `POST /audio/speech`
 * as raw PCM. Not msw: the bench must
 * measure the real network path (undici, sockets, keep-alive) that a deployed agent pays.
 */
export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const ttftMs = options.ttftMs ?? 15;
  const gapMs = options.gapMs ?? 1;
  const words = Array.from({ length: options.words ?? 12 }, (_, index) => WORDS[index % WORDS.length]!);
  const models = options.models ?? {};
  const speechTtfbMs = options.speechTtfbMs ?? 15;
  const speechPCM = tonePCM(SPEECH_RATE, options.speechAudioMs ?? 500);
  const requests = new Map<string, number>();
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  // 1,000 concurrent turns open up to 1,000 connections at once.
  server.maxConnections = 10_000;
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const speech = req.url?.endsWith('/audio/speech') === true;
    if (req.method !== 'POST' || !(speech || req.url?.endsWith('/chat/completions'))) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const model = String((JSON.parse(body) as { model?: unknown }).model ?? '');
    // `rate-limited#3` behaves as `rate-limited`: a fresh name per trial, so no cooldown carries over.
    const base = model.split('#')[0]!;
    requests.set(base, (requests.get(base) ?? 0) + 1);
    const behaviour = models[base] ?? { kind: 'reply' };
    if (behaviour.kind === 'rate-limit') {
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(behaviour.retryAfterS) })
        .end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'rate_limit_error', code: 'rate_limit_exceeded' } }));
      return;
    }
    if (behaviour.kind === 'hang') {
      held.add(res);
      res.once('close', () => held.delete(res));
      return;
    }
    if (speech) await speak(res);
    else await streamReply(res, model);
  }

  /** OpenAI's speech format: the whole answer as raw 16-bit PCM at 24 kHz (`response_format: "pcm"`), written in 50 ms chunks. */
  async function speak(res: ServerResponse): Promise<void> {
    await sleep(speechTtfbMs);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'audio/pcm', 'content-length': String(speechPCM.length) });
    for (const chunk of chunkPCM(speechPCM, SPEECH_RATE, 50)) res.write(chunk);
    res.end();
  }

  async function streamReply(res: ServerResponse, model: string): Promise<void> {
    const id = `chatcmpl-bench-${Math.random().toString(36).slice(2)}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: object, finish: string | null = null, usage?: object) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...(usage && { usage }) })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    await sleep(ttftMs);
    for (const [index, word] of words.entries()) {
      if (res.destroyed) return;
      if (index > 0 && gapMs > 0) await sleep(gapMs);
      res.write(chunk(index === 0 ? { role: 'assistant', content: word } : { content: word }));
    }
    res.write(chunk({}, 'stop', { prompt_tokens: 8, completion_tokens: words.length, total_tokens: 8 + words.length }));
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get hanging() {
      return held.size;
    },
    close: async () => {
      for (const res of held) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
