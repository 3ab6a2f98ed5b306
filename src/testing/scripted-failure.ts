import { HttpResponse } from 'msw';
import { delayed } from './openai-endpoint.js';
import type { WsRejection } from './ws-mock-server.js';

/** The failure fields the STT and TTS scenarios share. */
export interface FailureScenario {
  status?: number | undefined;
  retryAfter?: number | string | undefined;
  message?: string | undefined;
  delayMs?: number | undefined;
  reset?: boolean | undefined;
}

/** A JSON error body like the providers send, with `Retry-After` when scripted. */
export function errorBody(scenario: FailureScenario): { body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (scenario.retryAfter !== undefined) headers['retry-after'] = String(scenario.retryAfter);
  const message = scenario.message ?? `Mock error ${scenario.status}`;
  return {
    body: JSON.stringify({
      error: { message, type: scenario.status === 429 ? 'rate_limit_exceeded' : 'mock_error', code: scenario.status },
    }),
    headers,
  };
}

/** {@link errorBody} as an msw response with the scenario's status. */
export function errorResponse(scenario: FailureScenario & { status: number }): Response {
  const { body, headers } = errorBody(scenario);
  return new HttpResponse(body, { status: scenario.status, headers });
}

/**
 * What an HTTP mock answers before its normal response: waits `delayMs`, then the scripted error status or network
 * reset. `undefined` when the scenario lets the request through; a network error when the client gave up meanwhile.
 */
export async function scriptedFailure(scenario: FailureScenario, signal: AbortSignal): Promise<Response | undefined> {
  if (!(await delayed(scenario.delayMs, signal))) return HttpResponse.error();
  if (scenario.status) return errorResponse(scenario as FailureScenario & { status: number });
  if (scenario.reset) return HttpResponse.error();
  return undefined;
}

/**
 * The refused WebSocket handshake a scenario scripts with `status` (and `Retry-After`), or `undefined` to accept.
 * The body is {@link errorBody} (`json`) or the bare message (`text`).
 */
export function refusedHandshake(scenario: FailureScenario, body: 'json' | 'text'): WsRejection | undefined {
  if (!scenario.status) return undefined;
  if (body === 'json') return { status: scenario.status, ...errorBody(scenario) };
  return {
    status: scenario.status,
    body: scenario.message ?? `mock error ${scenario.status}`,
    ...(scenario.retryAfter !== undefined && { headers: { 'retry-after': String(scenario.retryAfter) } }),
  };
}
