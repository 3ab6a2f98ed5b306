import { assertDuration, type DurationBounds } from '../config/durations.js';
import { maskText, secretValuesOf } from '../config/secrets.js';
import { MODALITIES, type Modality } from '../errors/index.js';
import type { ProbeResult } from '../providers/define-adapter.js';
import type { ProviderOption } from '../providers/provider-option.js';

export interface HealthOptions {
  /** Time allowed for each probe, in whole ms (10 to 2147483647); a probe that takes longer fails with "timed out". @default 10000 */
  timeoutMs?: number;
  /** Probe only these slots. @default every configured slot */
  modalities?: readonly Modality[];
  /** Aborts every probe. */
  signal?: AbortSignal;
}

/**
 * One option's probe. `status` is `ok`, `failed`, or `skipped` when the option cannot be probed (a ready LiveKit
 * instance, or an adapter without `health()`): skipped options are neither healthy nor failed.
 */
export interface HealthResult {
  modality: Modality;
  provider: string;
  model: string;
  /** Where the option sits in the config, e.g. `llm[1]`. */
  path: string;
  ok: boolean;
  status: 'ok' | 'failed' | 'skipped';
  /** How long the probe took (absent when skipped), in ms. */
  latencyMs: number | undefined;
  /** Why it failed or was skipped. Never contains a secret. */
  error?: string;
}

/** Per slot: `ok` (an option answered), `failed` (every option was probed and none answered), `unknown` (nothing answered, something was not probed). */
export type SlotHealth = 'ok' | 'failed' | 'unknown';

export interface HealthReport {
  /** True when no configured slot is `failed`: every slot still has an option that answered or could not be probed. */
  ok: boolean;
  /** Configured slots only. */
  slots: Partial<Record<Modality, SlotHealth>>;
  /** Every option of every probed slot, in chain order. */
  results: HealthResult[];
  /** `Date.now()` when the probes started. */
  checkedAt: number;
}

/** A probe's time: at least 10 ms, at most what Node's timers hold. Shared by `health()` and `doctor --timeout`. */
export const HEALTH_TIMEOUT_BOUNDS = { min: 10 } as const satisfies DurationBounds;

/**
 * Probes every option of the stack for real, in parallel, each with a timeout, through its adapter's `health()`.
 * Used by `stack.health()` and `npx livekit-voice-stack doctor`.
 */
export async function checkHealth(
  options: Readonly<Record<Modality, readonly ProviderOption[]>>,
  healthOptions: HealthOptions = {},
): Promise<HealthReport> {
  const timeoutMs = assertDuration(healthOptions.timeoutMs ?? 10_000, 'stack.health()', 'timeoutMs', HEALTH_TIMEOUT_BOUNDS);
  const modalities = MODALITIES.filter(
    (modality) => (healthOptions.modalities ?? MODALITIES).includes(modality) && options[modality].length > 0,
  );
  const checkedAt = Date.now();
  const results = await Promise.all(
    modalities.flatMap((modality) => options[modality].map((option) => probeOption(option, timeoutMs, healthOptions.signal))),
  );
  const slots: Partial<Record<Modality, SlotHealth>> = {};
  for (const modality of modalities) {
    const own = results.filter((result) => result.modality === modality);
    slots[modality] = own.some((result) => result.ok) ? 'ok' : own.every((result) => result.status === 'failed') ? 'failed' : 'unknown';
  }
  return { ok: Object.values(slots).every((slot) => slot !== 'failed'), slots, results, checkedAt };
}

async function probeOption(option: ProviderOption, timeoutMs: number, outer: AbortSignal | undefined): Promise<HealthResult> {
  const base = { modality: option.modality, provider: option.provider, model: option.model, path: option.path };
  const health = option.source?.adapter.health;
  if (!option.source || !health) {
    const why = option.source ? `not probed: the ${option.provider} adapter has no health check` : 'not probed: a ready LiveKit instance';
    return { ...base, ok: false, status: 'skipped', latencyMs: undefined, error: why };
  }
  const { adapter, options, context } = option.source;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
  const started = performance.now();
  let result: ProbeResult;
  try {
    // The race also ends a probe that ignores the signal.
    result = await Promise.race([
      health.call(adapter, options, { ...context, signal }),
      new Promise<ProbeResult>((resolve) => {
        const onAbort = () => resolve({ ok: false, error: timeout.aborted ? `timed out after ${timeoutMs} ms` : 'aborted' });
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } catch (error) {
    result = { ok: false, error: (error as Error)?.message ?? String(error) };
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  if (!result.ok && timeout.aborted && !/timed out/.test(result.error ?? ''))
    result = { ok: false, error: `timed out after ${timeoutMs} ms` };
  const error = result.ok ? undefined : scrub(result.error ?? 'failed', secretValuesOf(options, context.env));
  return { ...base, ok: result.ok, status: result.ok ? 'ok' : 'failed', latencyMs, ...(error !== undefined && { error }) };
}

/** A probe's error as one short line with every secret masked: the option's own keys, its env's, URL credentials. */
function scrub(message: string, secrets: readonly string[] = []): string {
  return maskText(message, secrets).replace(/\s+/g, ' ').slice(0, 200);
}
