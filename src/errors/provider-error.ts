import { BRAND } from './error-brand.js';
import { VoiceStackError } from './voice-stack-error.js';

/** The three kinds of model a stack composes. */
export type Modality = 'stt' | 'llm' | 'tts';

/** The three slots, in the order the stack builds and reports them. @internal */
export const MODALITIES = ['stt', 'llm', 'tts'] as const satisfies readonly Modality[];

/**
 * Why a provider call failed, shared by every modality and transport (HTTP status, SDK error, WebSocket close).
 * - `rate_limit` 429, `quota` 402 or an exhausted-quota code in any status (`insufficient_quota`), `auth` 401/403, `not_found` 404, `bad_request` 400/422,
 * - `server` 5xx (including llama.cpp's 503 while it loads a model), `timeout` before the first byte or token,
 * - `stall` silence mid-stream, `connection` refused or reset, `unknown` anything else.
 */
export type ErrorCategory =
  'rate_limit' | 'quota' | 'auth' | 'not_found' | 'bad_request' | 'server' | 'timeout' | 'stall' | 'connection' | 'unknown';

export interface ProviderErrorOptions {
  category: ErrorCategory;
  modality: Modality;
  /** `provider/model` of the option that failed. */
  label: string;
  statusCode?: number | undefined;
  /**
   * How long to leave the option alone, in ms: the provider's `Retry-After` (or its exhausted `x-ratelimit-*` window),
   * or for an exhausted quota without one, the quota cooldown (10 minutes).
   */
  retryAfterMs?: number | undefined;
  /** The provider's machine-readable error code, when it sent one (`insufficient_quota`, `concurrency_limited` …). */
  code?: string | undefined;
  cause?: unknown;
}

/** A provider call failed. `category` says why; `isRetryable` whether the same option may heal within seconds. */
export class ProviderError extends VoiceStackError {
  /** @internal */
  static override readonly [BRAND] = 'ProviderError';
  override readonly name = 'ProviderError';
  readonly category: ErrorCategory;
  readonly modality: Modality;
  readonly label: string;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** The provider's machine-readable error code, when it sent one. */
  readonly providerCode: string | undefined;

  constructor(message: string, options: ProviderErrorOptions) {
    super('PROVIDER_ERROR', message, {
      cause: options.cause,
      isRetryable: !['auth', 'bad_request', 'not_found'].includes(options.category),
    });
    this.category = options.category;
    this.modality = options.modality;
    this.label = options.label;
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
    this.providerCode = options.code;
  }
}

/** Every option of a chain failed within the retry window. */
export class RetriesExhaustedError extends VoiceStackError {
  /** @internal */
  static override readonly [BRAND] = 'RetriesExhaustedError';
  override readonly name = 'RetriesExhaustedError';
  readonly modality: Modality;
  readonly errors: readonly ProviderError[];

  constructor(modality: Modality, errors: readonly ProviderError[], windowMs: number) {
    const last = errors.at(-1);
    super(
      'RETRIES_EXHAUSTED',
      `Failed to get a ${modality.toUpperCase()} answer: every option failed within the ${windowMs} ms retry window` +
        ` (${errors.length} attempt${errors.length === 1 ? '' : 's'}${last ? `; last: ${last.message}` : ''}).` +
        ' Fix: check the providers with `npx livekit-voice-stack doctor`, or add a fallback option.',
      { cause: last },
    );
    this.modality = modality;
    this.errors = errors;
  }
}
