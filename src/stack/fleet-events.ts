import type { ErrorCategory } from '../errors/index.js';
import type { ExhaustedEvent, FallbackEvent } from '../policies/events.js';
import { appendFleetLog, FLEET_KEYS, type OptionStatus } from '../state/fleet-state.js';
import type { StateStore } from '../state/state-store.js';
import type { VoiceStack } from './voice-stack.js';

/** How long an option shows as cooling when the provider gave no `Retry-After`. */
const DEFAULT_COOLING_MS = 30_000;
/** How long an option that refused the key shows as demoted: it will not heal by itself. */
const DEMOTED_MS = 5 * 60_000;
const COOLING: readonly ErrorCategory[] = ['rate_limit', 'quota', 'server', 'timeout', 'connection', 'stall'];
const DEMOTING: readonly ErrorCategory[] = ['auth', 'not_found'];

/**
 * Writes what a stack's sessions go through to the fleet's store, for the dashboard: each chain `fallback` (a log line,
 * and the failed option's status, cooling for its `Retry-After` or demoted after an auth or not-found error) and each
 * apology (`exhausted` of the LLM). Writes are fire-and-forget: `store` is a guarded store, which never throws.
 * Returns what stops recording.
 */
export function recordFleetEvents(stack: VoiceStack, store: StateStore): () => void {
  const onFallback = ({ modality, from, to, error }: FallbackEvent) => {
    void appendFleetLog(store, { kind: 'fallback', modality, from, to, reason: error.message });
    const { category } = error;
    const demoted = DEMOTING.includes(category);
    if (!demoted && !COOLING.includes(category)) return;
    const status: OptionStatus = {
      label: from,
      modality,
      state: demoted ? 'demoted' : 'cooling',
      reason: category,
      ...(error.statusCode !== undefined && { status: error.statusCode }),
      until: Date.now() + (demoted ? DEMOTED_MS : (error.retryAfterMs ?? DEFAULT_COOLING_MS)),
    };
    void store.set(`${FLEET_KEYS.optionPrefix}${modality}:${from}`, status, status.until - Date.now());
  };
  const onExhausted = ({ modality, errors }: ExhaustedEvent) => {
    if (modality !== 'llm' || stack.config.verbal === false) return;
    const last = errors.at(-1);
    void appendFleetLog(store, {
      kind: 'apology',
      modality,
      ...(last?.label && { from: last.label }),
      ...(last && { reason: last.message }),
    });
  };
  stack.on('fallback', onFallback);
  stack.on('exhausted', onExhausted);
  return () => {
    stack.off('fallback', onFallback);
    stack.off('exhausted', onExhausted);
  };
}
