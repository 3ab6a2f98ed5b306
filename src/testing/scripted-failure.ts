import { HttpResponse } from 'msw';
import { delayed } from './sleep.js';
import { type ErrorDialect, providerErrorBody } from './provider-errors.js';
import type { WsRejection } from './ws-mock-server.js';

/** The failure fields every mock's scenario shares (the STT and TTS scenarios extend it). */
export interface FailureScenario {
  /**
   * Answer with this HTTP status (and the provider's JSON error body). On a WebSocket mock it refuses the handshake
   * with that status, which the client sees as a failed connect.
   */
  status?: number | undefined;
  /** `Retry-After` header with `status`: seconds (a number) or an HTTP date (a string). */
  retryAfter?: number | string | undefined;
  /**
   * The provider's machine-readable error code, in the error body (`status`) or in its WebSocket error (`error`):
   * OpenAI `insufficient_quota`, Deepgram `ASR_PAYMENT_REQUIRED`, ElevenLabs `quota_exceeded`, Cartesia
   * `concurrency_limited`, LiveKit Inference `inference_quota_exceeded:<category>` (sends the gateway's quota body as
   * the message) … @default the provider's code for the status
   */
  code?: string | undefined;
  /** More response headers with `status` (HTTP mocks), e.g. `x-ratelimit-*` (see `openAIRateLimitHeaders`). */
  headers?: Record<string, string> | undefined;
  /** Error message in the body (`status`) or in the provider's error message (`error`). */
  message?: string | undefined;
  /** Wait this long before answering (HTTP: before the response headers; STT: the transcript; TTS: the first audio), in ms. */
  delayMs?: number | undefined;
  /** Drop the connection without a close frame (a TCP reset; HTTP: a network error): STT once audio arrives, TTS before any audio. */
  reset?: boolean | undefined;
}

/** The provider's JSON error body for the scenario's status, with `Retry-After` and extra headers when scripted. */
export function errorBody(scenario: FailureScenario, dialect: ErrorDialect = 'openai'): { body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...scenario.headers };
  if (scenario.retryAfter !== undefined) headers['retry-after'] = String(scenario.retryAfter);
  const status = scenario.status ?? 500;
  return { body: JSON.stringify(providerErrorBody(dialect, { status, code: scenario.code, message: scenario.message })), headers };
}

/** {@link errorBody} as an msw response with the scenario's status. */
export function errorResponse(scenario: FailureScenario & { status: number }, dialect: ErrorDialect = 'openai'): Response {
  const { body, headers } = errorBody(scenario, dialect);
  return new HttpResponse(body, { status: scenario.status, headers });
}

/**
 * What an HTTP mock answers before its normal response: waits `delayMs`, then the scripted error status or network
 * reset. `undefined` when the scenario lets the request through; a network error when the client gave up meanwhile.
 */
export async function scriptedFailure(
  scenario: FailureScenario,
  signal: AbortSignal,
  dialect: ErrorDialect = 'openai',
): Promise<Response | undefined> {
  if (!(await delayed(scenario.delayMs, signal))) return HttpResponse.error();
  if (scenario.status) return errorResponse(scenario as FailureScenario & { status: number }, dialect);
  if (scenario.reset) return HttpResponse.error();
  return undefined;
}

/**
 * The refused WebSocket handshake a scenario scripts with `status` (and `Retry-After`), or `undefined` to accept:
 * the provider's JSON error body ({@link errorBody}). The `ws` client the plugins use reads neither body nor headers
 * of a refused handshake (only the status reaches them), but a test that inspects the wire sees the real thing.
 */
export function refusedHandshake(scenario: FailureScenario, dialect: ErrorDialect): WsRejection | undefined {
  if (!scenario.status) return undefined;
  return { status: scenario.status, ...errorBody(scenario, dialect) };
}
