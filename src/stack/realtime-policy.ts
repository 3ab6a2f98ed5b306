import { voice } from '@livekit/agents';
import type { EventEmitter } from 'eventemitter3';
import type { ResolvedVerbalOptions } from '../config/policy-config.js';
import type { Logger } from '../config/logger.js';
import { classifyError } from '../policies/classify-error.js';
import type { VoiceStackEvents } from '../policies/events.js';
import type { ProviderOption } from '../providers/provider-option.js';
import type { Attachment } from './voice-stack.js';

/**
 * The spoken error policy of a realtime (speech-to-speech) session. A realtime model has no chain: a response that
 * fails (a rate limit, a server error) or a socket that drops mid-response leaves the caller in silence, and LiveKit
 * only reports it as a recoverable `realtime_model_error`. On such an error the caller hears the apology (through the
 * session's TTS when the config gives one; in text mode as text), at most once per `verbal.minIntervalMs`, and the
 * stack emits `exhausted` (counted as an apology in `metrics()`). The session keeps listening; the guarded model
 * reconnects by itself (see `guarded-realtime-model.ts`).
 */
export function realtimePolicy(
  option: ProviderOption<'llm'>,
  verbal: ResolvedVerbalOptions | false,
  events: EventEmitter<VoiceStackEvents>,
  logger: Logger,
): Attachment {
  return (session, _stack, call) => {
    let lastApologyAt = Number.NEGATIVE_INFINITY;
    const onError = ({ error }: voice.ErrorEvent) => {
      if (error.type !== 'realtime_model_error' || !error.recoverable) return;
      const failure = classifyError(error.error, { modality: 'llm', label: option.label, option });
      const now = Date.now();
      // One episode per interval: a refused reconnection retried with backoff is one failure for the caller.
      if (now - lastApologyAt < (verbal === false ? 10_000 : verbal.minIntervalMs)) return;
      lastApologyAt = now;
      events.emit('exhausted', { modality: 'llm', errors: [failure], ...call });
      if (verbal === false) return;
      try {
        session.say(verbal.apology, { allowInterruptions: true });
      } catch (sayError) {
        // An audio session without a TTS cannot speak a fixed phrase while the realtime model is failing.
        logger.warn(
          'Failed to say the apology after a realtime failure: the session has no TTS. Fix: add a `tts` to the realtime config.',
          {
            error: String(sayError),
          },
        );
      }
    };
    session.on(voice.AgentSessionEventTypes.Error, onError);
    return () => void session.off(voice.AgentSessionEventTypes.Error, onError);
  };
}
