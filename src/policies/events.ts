import type { Modality, ProviderError } from '../errors/index.js';

/**
 * Which call an event belongs to, so that concurrent calls on one stack never mix. `turn` and `transcript` always
 * carry them; the chains' events carry them when they happen inside a call's stream (not in a health probe).
 */
export interface CallFields {
  /** The `sessionId` given to `stack.attach(session, { sessionId })`, else a UUID made at attach. */
  sessionId: string;
  /** The LiveKit room, when attached inside a job entrypoint. */
  roomName?: string;
  /** The LiveKit job id, when attached inside a job entrypoint. */
  jobId?: string;
}

/** An option failed and the chain will try again after `delayMs` (a new pass, or the same option). */
export interface RetryEvent extends Partial<CallFields> {
  modality: Modality;
  provider: string;
  model: string;
  /** 1 for the first retry of this turn. */
  attempt: number;
  delayMs: number;
  error: ProviderError;
}

/** The chain moved from one option to the next. `from` and `to` are `provider/model` labels. */
export interface FallbackEvent extends Partial<CallFields> {
  modality: Modality;
  from: string;
  to: string;
  error: ProviderError;
  /** `from` could not start at all (e.g. LiveKit Inference without credentials): reported once per attached session. */
  atStartup?: boolean;
}

/** The holding phrase was spoken (once per failure episode). */
export interface HoldingEvent extends Partial<CallFields> {
  modality: Modality;
  /** `waiting`: the chain started waiting between passes; `slow`: no first token after `holdingAfterMs`; `not_hearing`: every STT option is down. */
  reason: 'waiting' | 'slow' | 'not_hearing';
  text: string;
}

/** Every option failed within the retry window. */
export interface ExhaustedEvent extends Partial<CallFields> {
  modality: Modality;
  errors: ProviderError[];
}

/** An option answered again after a failure episode. */
export interface RecoveredEvent extends Partial<CallFields> {
  modality: Modality;
  provider: string;
  model: string;
}

/** One user turn's figures, collected from LiveKit's metrics by `attach(session)`. */
export interface TurnMetrics extends Partial<CallFields> {
  speechId: string | undefined;
  /** `provider/model` of the option that served each modality in this turn. */
  servedBy: Partial<Record<Modality, string>>;
  sttDurationMs: number | undefined;
  endOfUtteranceDelayMs: number | undefined;
  llmTtftMs: number | undefined;
  ttsTtfbMs: number | undefined;
  /** End of the user's speech (or the text input) to the first audio (or text) of the reply. */
  endToEndMs: number | undefined;
  fallbacks: number;
  held: boolean;
  apologised: boolean;
}

/**
 * What was said, with the option that served it: the user's transcripts as the STT streams them (interim, then
 * final) and each reply of the agent (final, one per message). A reply made only of spoken-policy phrases (the
 * apology) has `provider: 'livekit-voice-stack'`, `model: 'spoken-policy'`.
 */
export interface TranscriptEvent extends Partial<CallFields> {
  role: 'user' | 'assistant';
  text: string;
  final: boolean;
  provider: string;
  model: string;
}

/** The events of a VoiceStack: `stack.on(name, (payload) => …)`. */
export interface VoiceStackEvents {
  retry: (event: RetryEvent) => void;
  fallback: (event: FallbackEvent) => void;
  holding: (event: HoldingEvent) => void;
  exhausted: (event: ExhaustedEvent) => void;
  recovered: (event: RecoveredEvent) => void;
  turn: (event: TurnMetrics) => void;
  transcript: (event: TranscriptEvent) => void;
}

/** Every name of {@link VoiceStackEvents} (the record's type makes the compiler check that none is missing). */
export const VOICE_STACK_EVENTS = Object.keys({
  retry: true,
  fallback: true,
  holding: true,
  exhausted: true,
  recovered: true,
  turn: true,
  transcript: true,
} satisfies Record<keyof VoiceStackEvents, true>) as readonly (keyof VoiceStackEvents)[];
