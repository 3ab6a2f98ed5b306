import { HttpResponse } from 'msw';
import { delayed } from './sleep.js';
import { type ErrorDialect, providerErrorBody } from './provider-errors.js';
import type { WsRejection } from './ws-mock-server.js';

/** The failure fields the STT and TTS scenarios share. */
export interface FailureScenario {
  status?: number | undefined;
  retryAfter?: number | string | undefined;
  /** The provider's error code in the body (`insufficient_quota`, `quota_exceeded` …). @default the provider's code for the status */
  code?: string | undefined;
  /** More response headers, e.g. `x-ratelimit-*` (see `openAIRateLimitHeaders`). */
  headers?: Record<string, string> | undefined;
  message?: string | undefined;
  delayMs?: number | undefined;
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
