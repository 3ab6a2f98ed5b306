import type { ExhaustedEvent, FallbackEvent } from '../policies/events.js';
import { appendFleetLog } from '../state/fleet-state.js';
import type { StateStore } from '../state/state-store.js';
import type { VoiceStack } from './voice-stack.js';

/**
 * Writes what a stack's sessions go through to the fleet log of its store, for the dashboard's "Last fallbacks and
 * apologies": each chain `fallback` and each apology (`exhausted` of the LLM). Every stack does it (`createVoiceStack()`
 * calls this), whoever built it. The failed option's status (cooling, demoted) is the chain's own cooldown entry,
 * written by the chain: not repeated here. Writes are fire-and-forget: `store` is a guarded store, which never throws.
 * Returns what stops recording.
 */
export function recordFleetEvents(stack: VoiceStack, store: StateStore): () => void {
  const onFallback = ({ modality, from, to, error, sessionId }: FallbackEvent) => {
    void appendFleetLog(store, { kind: 'fallback', modality, from, to, reason: error.message, ...(sessionId && { callId: sessionId }) });
  };
  const onExhausted = ({ modality, errors, sessionId }: ExhaustedEvent) => {
    if (modality !== 'llm' || stack.config.verbal === false) return;
    const last = errors.at(-1);
    void appendFleetLog(store, {
      kind: 'apology',
      modality,
      ...(last?.label && { from: last.label }),
      ...(last && { reason: last.message }),
      ...(sessionId && { callId: sessionId }),
    });
  };
  stack.on('fallback', onFallback);
  stack.on('exhausted', onExhausted);
  return () => {
    stack.off('fallback', onFallback);
    stack.off('exhausted', onExhausted);
  };
}
