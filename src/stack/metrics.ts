import { type metrics as lkMetrics, voice } from '@livekit/agents';
import type { EventEmitter } from 'eventemitter3';
import type { ResolvedVerbalOptions } from '../config/policy-config.js';
import { MODALITIES, type Modality } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import type { TurnMetrics, VoiceStackEvents } from '../policies/events.js';
import type { Attachment } from './voice-stack.js';
import { activeCall } from './call-context.js';
import { percentile } from './percentile.js';
import { MAX_TURNS, type LatencyName, type LatencyStats, type MetricsSummary, type OptionMetrics } from './metrics-summary.js';

export { type LatencyName, type LatencyStats, type MetricsSummary, type OptionMetrics } from './metrics-summary.js';

/** How many finished speeches per session are remembered, so that their late metrics are dropped. */
const MAX_FINISHED = 64;

interface TurnState {
  /** The call the turn belongs to. */
  sessionId: string;
  record: TurnMetrics;
  source: string;
  llmSeen: boolean;
  done: boolean;
}

/**
 * Collects LiveKit's `metrics_collected` session events into per-turn records (emitted as `turn` on the stack) and
 * summarises them with the stack's own `fallback`/`holding`/`exhausted` events.
 */
export class MetricsCollector {
  readonly #options: Readonly<Record<Modality, readonly ProviderOption[]>>;
  readonly #verbal: ResolvedVerbalOptions | false;
  readonly #turns: TurnMetrics[] = [];
  #count = 0;
  readonly #since = Date.now();
  readonly #fallbacks: Partial<Record<Modality, number>> = {};
  #holds = 0;
  #apologies = 0;
  #exhausted = 0;
  /** Turns in progress across every attached session, to attribute stack events when only one is. */
  readonly #inFlight = new Set<TurnState>();
  /** Told each finished turn of this stack's own sessions (the fleet metrics). */
  readonly #turnListeners: Array<(turn: TurnMetrics) => void> = [];

  constructor(
    options: Readonly<Record<Modality, readonly ProviderOption[]>>,
    verbal: ResolvedVerbalOptions | false,
    events: EventEmitter<VoiceStackEvents>,
  ) {
    this.#options = options;
    this.#verbal = verbal;
    events.on('fallback', ({ modality }) => {
      this.#fallbacks[modality] = (this.#fallbacks[modality] ?? 0) + 1;
      const only = this.#only();
      if (only) only.record.fallbacks++;
    });
    events.on('holding', () => {
      this.#holds++;
      const only = this.#only();
      if (only) only.record.held = true;
    });
    events.on('exhausted', (event) => {
      this.#exhausted++;
      if (event.modality !== 'llm' || this.#verbal === false) return;
      this.#apologies++;
      const only = this.#only(event);
      if (only) only.record.apologised = true;
    });
  }

  /** Installs the per-session collection; `stack.attach(session)` runs it. */
  readonly attachment: Attachment = (session, stack, call) => {
    const turns = new Map<string, TurnState>();
    let pendingStt: lkMetrics.STTMetrics[] = [];
    const timers = new Set<ReturnType<typeof setTimeout>>();
    /** The recent speeches whose turn was recorded: their late metrics must not open it again. */
    const finished = new Set<string>();

    const turnFor = (speechId: string, source = 'generate_reply'): TurnState | undefined => {
      let state = turns.get(speechId);
      if (!state) {
        if (finished.has(speechId)) return undefined;
        state = { sessionId: call.sessionId, record: emptyTurn(speechId), source, llmSeen: false, done: false };
        turns.set(speechId, state);
        this.#inFlight.add(state);
      }
      return state;
    };
    const finish = (state: TurnState) => {
      if (!turns.has(state.record.speechId!)) return;
      turns.delete(state.record.speechId!);
      this.#inFlight.delete(state);
      finished.add(state.record.speechId!);
      if (finished.size > MAX_FINISHED) finished.delete(finished.values().next().value!);
      if (state.source === 'say' && !state.llmSeen) return; // a `say()`, not a reply to the user
      const record = state.record;
      const parts = [record.endOfUtteranceDelayMs, record.llmTtftMs, record.ttsTtfbMs].filter(
        (value): value is number => value !== undefined,
      );
      record.endToEndMs = parts.length > 0 ? round(parts.reduce((sum, value) => sum + value, 0)) : undefined;
      this.#record(record);
      for (const listener of this.#turnListeners) listener(record);
      stack.emit('turn', { ...record, ...call });
    };

    const onSpeech = (event: voice.SpeechCreatedEvent) => {
      const handle = event.speechHandle;
      const state = turnFor(handle.id, event.source);
      if (!state) return;
      if (event.source !== 'say' && pendingStt.length > 0) {
        const sttMetrics = pendingStt;
        pendingStt = [];
        applySTT(state.record, sttMetrics, this.#labelOf('stt', sttMetrics.at(-1)?.metadata));
      }
      handle.addDoneCallback(() => {
        state.done = true;
        // Metrics of the last stream may be emitted just after the speech ends: give them a tick.
        const timer = setTimeout(() => {
          timers.delete(timer);
          finish(state);
        }, 20);
        timers.add(timer);
      });
    };
    const onMetrics = ({ metrics: item }: voice.MetricsCollectedEvent) => {
      switch (item.type) {
        case 'stt_metrics':
          pendingStt.push(item);
          return;
        case 'eou_metrics': {
          if (!item.speechId) return;
          const record = turnFor(item.speechId)?.record;
          if (!record) return;
          record.endOfUtteranceDelayMs = round(item.endOfUtteranceDelayMs);
          if (record.sttDurationMs === undefined && item.transcriptionDelayMs > 0) record.sttDurationMs = round(item.transcriptionDelayMs);
          return;
        }
        case 'llm_metrics': {
          if (!item.speechId) return;
          const state = turnFor(item.speechId);
          if (!state) return;
          const label = this.#labelOf('llm', item.metadata);
          // The first request of a turn is its TTFT; later ones (after tool calls) are not what the user waited for.
          if (!state.llmSeen && item.ttftMs >= 0) {
            state.llmSeen = true;
            state.record.llmTtftMs = round(item.ttftMs);
            if (label) state.record.servedBy.llm = label;
          }
          return;
        }
        case 'realtime_model_metrics': {
          // A realtime response carries no speech id: it belongs to this session's latest turn. Its TTFT is the
          // time from the response's creation to its first audio, the speech-to-speech equivalent of LLM TTFT + TTS TTFB.
          const state = [...turns.values()].at(-1);
          if (!state || state.llmSeen || item.ttftMs < 0) return;
          state.llmSeen = true;
          state.record.llmTtftMs = round(item.ttftMs);
          const label = this.#options.llm.length === 1 ? this.#options.llm[0]!.label : undefined;
          if (label) state.record.servedBy.llm = label;
          return;
        }
        case 'tts_metrics': {
          if (!item.speechId) return;
          const record = turnFor(item.speechId)?.record;
          if (!record) return;
          if (record.ttsTtfbMs === undefined && item.ttfbMs >= 0) {
            record.ttsTtfbMs = round(item.ttfbMs);
            const label = this.#labelOf('tts', item.metadata);
            if (label) record.servedBy.tts = label;
          }
          return;
        }
        default:
          return;
      }
    };
    // The spoken phrases are part of the reply's text: that is exact per session, whatever other sessions do.
    const onItem = ({ item }: voice.ConversationItemAddedEvent) => {
      if (item.type !== 'message' || item.role !== 'assistant' || this.#verbal === false) return;
      const text = item.textContent ?? '';
      const current = [...turns.values()].find((state) => !state.done);
      if (!current) return;
      if (this.#verbal.holding.some((phrase) => text.startsWith(phrase))) current.record.held = true;
      if (text.includes(this.#verbal.apology)) current.record.apologised = true;
    };

    session.on(voice.AgentSessionEventTypes.SpeechCreated, onSpeech);
    session.on(voice.AgentSessionEventTypes.MetricsCollected, onMetrics);
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
    return () => {
      session.off(voice.AgentSessionEventTypes.SpeechCreated, onSpeech);
      session.off(voice.AgentSessionEventTypes.MetricsCollected, onMetrics);
      session.off(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // Turns that ended but had not been flushed yet are kept; unfinished ones are dropped.
      for (const state of [...turns.values()]) {
        if (state.done) finish(state);
        else this.#inFlight.delete(state);
      }
      turns.clear();
    };
  };

  /** Calls `listener` with each turn this collector records (only its own sessions': not a language sibling's). */
  onTurn(listener: (turn: TurnMetrics) => void): void {
    this.#turnListeners.push(listener);
  }

  /** The recent turn records, oldest first. */
  turns(): readonly TurnMetrics[] {
    return [...this.#turns];
  }

  summary(): MetricsSummary {
    const options: Record<string, OptionMetrics> = {};
    for (const modality of MODALITIES) {
      const own = OWN_FIGURE[modality];
      for (const option of this.#options[modality]) {
        const served = this.#turns.filter((turn) => turn.servedBy[modality] === option.label);
        options[option.label] ??= {
          modality,
          provider: option.provider,
          model: option.model,
          turns: served.length,
          latency: statsOf(served, [own, 'endToEndMs']),
        };
      }
      // Options the metrics named that the config does not list (e.g. a passed-through instance).
      for (const turn of this.#turns) {
        const label = turn.servedBy[modality];
        if (!label || options[label]) continue;
        const served = this.#turns.filter((other) => other.servedBy[modality] === label);
        const [provider, ...model] = label.split('/');
        options[label] = {
          modality,
          provider: provider!,
          model: model.join('/'),
          turns: served.length,
          latency: statsOf(served, [own, 'endToEndMs']),
        };
      }
    }
    const fallbacks = Object.values(this.#fallbacks).reduce((sum, count) => sum + (count ?? 0), 0);
    return {
      turns: this.#count,
      latency: statsOf(this.#turns, ['sttDurationMs', 'endOfUtteranceDelayMs', 'llmTtftMs', 'ttsTtfbMs', 'endToEndMs']),
      options,
      fallbacks,
      fallbacksByModality: { ...this.#fallbacks },
      holds: this.#holds,
      apologies: this.#apologies,
      exhausted: this.#exhausted,
      since: this.#since,
    };
  }

  #record(record: TurnMetrics): void {
    this.#count++;
    this.#turns.push(record);
    if (this.#turns.length > MAX_TURNS) this.#turns.shift();
  }

  /**
   * The turn a stack event belongs to: the in-flight turn of the call whose stream emitted it (see call-context.ts),
   * else the only turn in flight. Several candidates (or none) attribute the event to no turn.
   */
  #only(event?: { sessionId?: string | undefined }): TurnState | undefined {
    const sessionId = event?.sessionId ?? activeCall()?.sessionId;
    const candidates = sessionId ? [...this.#inFlight].filter((state) => state.sessionId === sessionId) : [...this.#inFlight];
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  #labelOf(modality: Modality, metadata: lkMetrics.MetricsMetadata | undefined): string | undefined {
    return optionLabel(this.#options[modality], metadata);
  }
}

/** Maps LiveKit's `metadata.modelProvider/modelName` (forwarded by the chains from their children) to the option's `provider/model` label. */
export function optionLabel(
  options: readonly ProviderOption[],
  metadata: { modelProvider?: string | undefined; modelName?: string | undefined } | undefined,
): string | undefined {
  if (!metadata?.modelName) return undefined;
  const candidates = options.filter((option) => option.model === metadata.modelName || modelOfInstance(option) === metadata.modelName);
  const exact = candidates.find((option) => providerOfInstance(option) === metadata.modelProvider);
  const match = exact ?? (candidates.length === 1 ? candidates[0] : undefined);
  return match?.label ?? `${metadata.modelProvider ?? 'unknown'}/${metadata.modelName}`;
}

const OWN_FIGURE: Record<Modality, LatencyName> = { stt: 'sttDurationMs', llm: 'llmTtftMs', tts: 'ttsTtfbMs' };

function emptyTurn(speechId: string): TurnMetrics {
  return {
    speechId,
    servedBy: {},
    sttDurationMs: undefined,
    endOfUtteranceDelayMs: undefined,
    llmTtftMs: undefined,
    ttsTtfbMs: undefined,
    endToEndMs: undefined,
    fallbacks: 0,
    held: false,
    apologised: false,
  };
}

function applySTT(record: TurnMetrics, items: readonly lkMetrics.STTMetrics[], label: string | undefined): void {
  // A non-streaming STT reports its request time; a streaming one reports 0 and the EOU's transcription delay is used.
  const requests = items.filter((item) => !item.streamed && item.durationMs > 0);
  if (requests.length > 0) record.sttDurationMs = round(requests.at(-1)!.durationMs);
  if (label) record.servedBy.stt = label;
}

function statsOf(turns: readonly TurnMetrics[], names: readonly LatencyName[]): Partial<Record<LatencyName, LatencyStats>> {
  const out: Partial<Record<LatencyName, LatencyStats>> = {};
  for (const name of names) {
    const values = turns.map((turn) => turn[name]).filter((value): value is number => value !== undefined);
    if (values.length === 0) continue;
    out[name] = {
      count: values.length,
      p50: percentile(values, 0.5),
      p95: percentile(values, 0.95),
      mean: round(values.reduce((sum, value) => sum + value, 0) / values.length),
    };
  }
  return out;
}

function providerOfInstance(option: ProviderOption): string | undefined {
  try {
    const provider = (option.instance as { provider?: unknown }).provider;
    return typeof provider === 'string' ? provider : undefined;
  } catch {
    return undefined;
  }
}

function modelOfInstance(option: ProviderOption): string | undefined {
  try {
    const model = (option.instance as { model?: unknown }).model;
    return typeof model === 'string' ? model : undefined;
  } catch {
    return undefined;
  }
}

const round = (value: number) => Math.round(value * 10) / 10;
