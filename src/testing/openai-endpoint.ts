import { createHmac, timingSafeEqual } from 'node:crypto';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { ScenarioQueue } from './scenario-queue.js';
import { errorResponse } from './scripted-failure.js';
import { delayed, sleep } from './sleep.js';

/** One scripted behaviour of a mocked OpenAI-format endpoint. Unset fields fall back to a normal streamed reply. */
export interface ChatScenario {
  /** Apply only to requests for this model. @default every model */
  model?: string;
  /** How many requests this scenario answers before it is used up. @default Infinity */
  times?: number;
  /** The reply text, streamed word by word. @default the endpoint's `reply` */
  reply?: string;
  /**
   * Tool calls to stream instead of (or after) the text. `arguments` may be an object or a JSON string. Each streams
   * as the providers do: one delta with its id and name (empty arguments), then the arguments in `argumentChunks`
   * fragments (`chunkDelayMs` apart); the plugin yields nothing until the call is complete.
   */
  toolCalls?: { name: string; arguments: unknown; id?: string }[];
  /** How many fragments each tool call's arguments stream in. @default 1 */
  argumentChunks?: number;
  /** Answer with this HTTP status and the provider's error body instead of a reply. */
  status?: number;
  /** `Retry-After` header: seconds (a number) or an HTTP date (a string). */
  retryAfter?: number | string;
  /** More response headers with `status`, e.g. OpenAI's `x-ratelimit-*` (see `openAIRateLimitHeaders`). */
  headers?: Record<string, string>;
  /**
   * The error code in the body (with `status`, or in `streamError`): OpenAI `insufficient_quota` (an exhausted
   * quota, sent as a 429), `rate_limit_exceeded` … @default the provider's code for the status
   */
  code?: string;
  /** Error message in the body when `status` is set. */
  message?: string;
  /**
   * OpenRouter: after HTTP 200 (and `afterChunks` content chunks), an SSE `data:` event with an `error` member
   * (`{ code, message }`, `finish_reason: "error"`), then the end of the stream, as OpenRouter reports an error that
   * happens while the model generates ("Errors", "Handling errors during streaming"). `code` is a number (an HTTP
   * status) or a string such as `server_error`.
   */
  streamError?: { code: number | string; message?: string; afterChunks?: number };
  /**
   * OpenRouter: after HTTP 200, send `: OPENROUTER PROCESSING` SSE comments every `keepAliveEveryMs` for this long
   * before the first chunk (the model is working; the client sees bytes but no token).
   */
  processingMs?: number;
  /** Interval of the `processingMs` keep-alive comments. @default 200 */
  keepAliveEveryMs?: number;
  /** Wait this long before the response headers (time to first byte), in ms. */
  delayMs?: number;
  /** Wait this long between chunks, in ms. @default 0 */
  chunkDelayMs?: number;
  /** Reset the connection after this many content chunks. */
  dropAfterChunks?: number;
  /** Stop sending (keep the connection open) after this many content chunks. */
  stallAfterChunks?: number;
  /** Reset the connection before any response. */
  reset?: boolean;
  /** Send a chunk that is not valid JSON. */
  malformed?: boolean;
  /** Token usage reported in the final chunk. @default computed from the text */
  usage?: { prompt_tokens: number; completion_tokens: number };
}

/** A request that reached the mock. Header names are lower-case. */
export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  /** `body.model` of a chat completion. */
  model: string | undefined;
  at: number;
}

export interface MockOpenAIEndpointOptions {
  /** The base URL clients are configured with, e.g. `https://openrouter.ai/api/v1`. */
  baseURL: string;
  /** The default reply text. @default "Hello from the mock." */
  reply?: string;
  /** Models listed by `GET /models`. @default [] */
  models?: string[];
  /**
   * Check the `Authorization` header: a fixed bearer token, or LiveKit Inference's HS256 token signed with the
   * secret and issued for the key. Wrong or missing credentials get a 401. @default no check
   */
  auth?: { bearer: string } | { livekit: { apiKey: string; apiSecret: string } };
  /** Serve llama.cpp's `GET /health` beside the `/v1` base URL. @default false */
  llamaCpp?: boolean;
  /** Whose error bodies to send. @default `openrouter` for an openrouter.ai base URL, else `openai` */
  dialect?: 'openai' | 'openrouter';
}

/** A mocked OpenAI-format endpoint (OpenAI, OpenRouter, llama.cpp, vLLM, LiveKit Inference's LLM) for msw. */
export interface MockOpenAIEndpoint {
  readonly baseURL: string;
  /** Pass to `setupServer(...endpoint.handlers)` or `server.use(...)`. */
  readonly handlers: HttpHandler[];
  /** Every request that reached the endpoint, in order. */
  readonly requests: RecordedRequest[];
  /** Chat completion requests, optionally only those for `model`. */
  chatRequests(model?: string): RecordedRequest[];
  /** Queues scenarios; the first one that matches a request (and is not used up) answers it. */
  use(...scenarios: ChatScenario[]): MockOpenAIEndpoint;
  /** llama.cpp's `/health` state: `ok` (200), `loading` (503, as while a model loads) or `error` (500). */
  health: 'ok' | 'loading' | 'error';
  /** Forgets scenarios and recorded requests; health back to `ok`. */
  reset(): void;
}

/**
 * Mocks an OpenAI-format endpoint with msw: `POST /chat/completions` (SSE: text, tool calls streamed in fragments,
 * usage), `GET /models` and, with `llamaCpp`, `GET /health`. Scenarios script failures: status codes with the
 * provider's error body (OpenAI `{ error: { message, type, param, code } }`, OpenRouter `{ error: { code, message } }`),
 * `Retry-After` or `x-ratelimit-*` headers, an exhausted quota (`code: 'insufficient_quota'`), OpenRouter's
 * keep-alive comments and mid-stream `error` event after HTTP 200, delays, stalls, resets and malformed chunks.
 *
 * @example
 * const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'Hi!' });
 * openrouter.use({ model: 'a', status: 429, retryAfter: 30 });
 * const server = setupServer(...openrouter.handlers);
 */
export function mockOpenAIEndpoint(options: MockOpenAIEndpointOptions): MockOpenAIEndpoint {
  const base = options.baseURL.replace(/\/+$/, '');
  const defaultReply = options.reply ?? 'Hello from the mock.';
  const dialect = options.dialect ?? (/openrouter\.ai/.test(base) ? 'openrouter' : 'openai');
  const queue = new ScenarioQueue<ChatScenario>();
  const requests: RecordedRequest[] = [];

  const record = async (request: Request): Promise<RecordedRequest> => {
    const text = request.method === 'GET' ? '' : await request.clone().text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // multipart or plain text bodies stay strings
    }
    const entry: RecordedRequest = {
      method: request.method,
      url: request.url,
      path: new URL(request.url).pathname,
      headers: Object.fromEntries(request.headers),
      body,
      model: typeof (body as { model?: unknown })?.model === 'string' ? (body as { model: string }).model : undefined,
      at: Date.now(),
    };
    requests.push(entry);
    return entry;
  };

  const unauthorized = (request: Request) => {
    if (!options.auth) return undefined;
    const header = request.headers.get('authorization') ?? '';
    const token = header.replace(/^Bearer\s+/i, '');
    const ok = 'bearer' in options.auth ? token === options.auth.bearer : verifyLiveKitToken(token, options.auth.livekit);
    return ok ? undefined : errorResponse({ status: 401, message: 'Invalid authentication credentials' }, dialect);
  };

  const endpoint: MockOpenAIEndpoint = {
    baseURL: base,
    requests,
    health: 'ok',
    chatRequests: (model) =>
      requests.filter((request) => request.path.endsWith('/chat/completions') && (model === undefined || request.model === model)),
    use(...scenarios) {
      queue.push(scenarios);
      return endpoint;
    },
    reset() {
      queue.clear();
      requests.length = 0;
      endpoint.health = 'ok';
    },
    handlers: [
      http.post(`${base}/chat/completions`, async ({ request }) => {
        const recorded = await record(request);
        const denied = unauthorized(request);
        if (denied) return denied;
        const scenario = queue.take((candidate) => candidate.model === undefined || candidate.model === recorded.model) ?? {};
        if (!(await delayed(scenario.delayMs, request.signal))) return HttpResponse.error();
        if (scenario.reset) return HttpResponse.error();
        if (scenario.status) return errorResponse(scenario as ChatScenario & { status: number }, dialect);
        return new HttpResponse(sseStream(scenario, recorded.model ?? 'mock-model', defaultReply, request.signal), {
          // Chunked framing: a stream the client aborts then ends in error, not as a complete message (undici asserts on that).
          headers: { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked', 'x-request-id': `req_${requests.length}` },
        });
      }),
      http.get(`${base}/models`, async ({ request }) => {
        await record(request);
        const denied = unauthorized(request);
        if (denied) return denied;
        return HttpResponse.json({ object: 'list', data: (options.models ?? []).map((id) => ({ id, object: 'model', owned_by: 'mock' })) });
      }),
      ...(options.llamaCpp
        ? [
            http.get(new URL('health', `${base.replace(/\/v1$/, '')}/`).toString(), async ({ request }) => {
              await record(request);
              if (endpoint.health === 'ok') return HttpResponse.json({ status: 'ok' });
              if (endpoint.health === 'loading') {
                return HttpResponse.json({ error: { code: 503, message: 'Loading model', type: 'unavailable_error' } }, { status: 503 });
              }
              return HttpResponse.json({ error: { code: 500, message: 'Model failed to load', type: 'server_error' } }, { status: 500 });
            }),
          ]
        : []),
    ],
  };
  return endpoint;
}

const MALFORMED = new TextEncoder().encode('data: {"id": "chatcmpl-mock", "choices": [\n\n');

function sseStream(scenario: ChatScenario, model: string, defaultReply: string, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const text = scenario.reply ?? (scenario.toolCalls ? '' : defaultReply);
  const words = text.match(/\S+\s*/g) ?? [];
  const abort = new AbortController();
  signal.addEventListener('abort', () => abort.abort(), { once: true });
  const event = (payload: object) => encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
  const chunk = (delta: unknown, finish: string | null = null, extra: object = {}) =>
    event({
      id: 'chatcmpl-mock',
      object: 'chat.completion.chunk',
      created: 0,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    });
  return new ReadableStream({
    async start(controller) {
      try {
        for (let waited = 0; waited < (scenario.processingMs ?? 0); waited += scenario.keepAliveEveryMs ?? 200) {
          controller.enqueue(encoder.encode(': OPENROUTER PROCESSING\n\n'));
          await sleep(Math.min(scenario.keepAliveEveryMs ?? 200, (scenario.processingMs ?? 0) - waited), abort.signal);
        }
        let sent = 0;
        const content = words.map((word, index) => (index === 0 ? { role: 'assistant', content: word } : { content: word }));
        const tools = (scenario.toolCalls ?? []).flatMap((call, index) => toolCallDeltas(call, index, scenario.argumentChunks ?? 1));
        for (const delta of [...content, ...tools]) {
          if (scenario.streamError && sent >= (scenario.streamError.afterChunks ?? 0)) break;
          if (scenario.dropAfterChunks !== undefined && sent >= scenario.dropAfterChunks) {
            controller.error(new TypeError('mock: connection reset'));
            return;
          }
          if (scenario.stallAfterChunks !== undefined && sent >= scenario.stallAfterChunks) {
            await sleep(Infinity, abort.signal);
            return;
          }
          if (sent > 0 && scenario.chunkDelayMs) await sleep(scenario.chunkDelayMs, abort.signal);
          controller.enqueue(chunk(delta));
          sent++;
          if (scenario.malformed && sent === 1) controller.enqueue(MALFORMED);
        }
        if (scenario.streamError) {
          const { code, message } = scenario.streamError;
          controller.enqueue(
            chunk({ content: '' }, 'error', {
              provider: 'mock',
              error: { code, message: message ?? 'Provider disconnected unexpectedly' },
            }),
          );
          controller.close();
          return;
        }
        if (scenario.malformed && sent === 0) controller.enqueue(MALFORMED);
        controller.enqueue(chunk({}, scenario.toolCalls ? 'tool_calls' : 'stop'));
        const usage = scenario.usage ?? { prompt_tokens: 12, completion_tokens: words.length };
        controller.enqueue(
          event({
            id: 'chatcmpl-mock',
            object: 'chat.completion.chunk',
            created: 0,
            model,
            choices: [],
            usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
          }),
        );
        controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        controller.close();
      } catch {
        // the client went away (abort): nothing left to send
        try {
          controller.close();
        } catch {
          // already errored or closed
        }
      }
    },
    cancel() {
      abort.abort();
    },
  });
}

/**
 * One tool call as OpenAI streams it (API reference, chat completion chunk `delta.tool_calls`): the first delta holds
 * the index, id, type and name with empty arguments; the next ones only the index and a fragment of the arguments.
 */
function toolCallDeltas(call: { name: string; arguments: unknown; id?: string }, index: number, fragments: number): object[] {
  const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
  const size = Math.max(1, Math.ceil(args.length / Math.max(1, fragments)));
  const parts: string[] = [];
  for (let start = 0; start < args.length; start += size) parts.push(args.slice(start, start + size));
  return [
    { tool_calls: [{ index, id: call.id ?? `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] },
    ...parts.map((part) => ({ tool_calls: [{ index, function: { arguments: part } }] })),
  ];
}

/** Checks a LiveKit Inference token: HS256 signed with `apiSecret`, issued by `apiKey`, not expired. */
export function verifyLiveKitToken(token: string, credentials: { apiKey: string; apiSecret: string }): boolean {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return false;
  const expected = createHmac('sha256', credentials.apiSecret).update(`${header}.${payload}`).digest('base64url');
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string; exp?: number };
    return claims.iss === credentials.apiKey && (claims.exp === undefined || claims.exp * 1000 > Date.now());
  } catch {
    return false;
  }
}
