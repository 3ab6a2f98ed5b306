import type { llm, stt, tts } from '@livekit/agents';
import type { Modality } from '../errors/index.js';

/** A ready LiveKit model instance of any modality. */
export type LiveKitInstance = stt.STT | llm.LLM | llm.RealtimeModel | tts.TTS;

const has = (value: object, method: string) => typeof (value as Record<string, unknown>)[method] === 'function';

/**
 * Whether `value` is a ready LiveKit instance for `modality`. Duck-typed, so that an instance built with another
 * copy of @livekit/agents is recognised too.
 */
export function isLiveKitInstance(value: unknown, modality: Modality): value is LiveKitInstance {
  if (typeof value !== 'object' || value === null) return false;
  switch (modality) {
    case 'llm':
      return (has(value, 'chat') && has(value, 'label')) || (has(value, 'session') && 'capabilities' in value);
    case 'stt':
      return has(value, 'stream') && has(value, 'recognize');
    case 'tts':
      return has(value, 'synthesize') && has(value, 'stream');
  }
}

/** Whether `value` is a speech-to-speech `llm.RealtimeModel`. */
export function isRealtimeModel(value: unknown): value is llm.RealtimeModel {
  return typeof value === 'object' && value !== null && has(value, 'session') && !has(value, 'chat');
}
