import { voice } from '@livekit/agents';
import type { Modality } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import { optionLabel } from './metrics.js';
import type { Attachment } from './voice-stack.js';

/** Who said a spoken-policy phrase: no provider answered it. */
const SPOKEN_POLICY = { provider: 'livekit-voice-stack', model: 'spoken-policy' } as const;

/**
 * The `transcript` events of one session: the user's transcripts (interim and final) and each reply of the agent,
 * labelled with the option that served them, for forwarding to a room data channel, a CRM or a log.
 * The option comes from LiveKit's metrics (the chains forward their children's), so it is exact per session.
 */
export function transcriptEvents(options: Readonly<Record<Modality, readonly ProviderOption[]>>): Attachment {
  return (session, stack, call) => {
    let stt = options.stt[0] ? { provider: options.stt[0].provider, model: options.stt[0].model } : undefined;
    let llm: { provider: string; model: string } | undefined;
    const served = (modality: Modality, metadata: { modelProvider?: string; modelName?: string } | undefined) => {
      const label = optionLabel(options[modality], metadata);
      const option = options[modality].find((candidate) => candidate.label === label);
      return option ? { provider: option.provider, model: option.model } : undefined;
    };
    const onMetrics = ({ metrics }: voice.MetricsCollectedEvent) => {
      if (metrics.type === 'stt_metrics') stt = served('stt', metrics.metadata) ?? stt;
      if (metrics.type === 'llm_metrics' && metrics.ttftMs >= 0) llm = served('llm', metrics.metadata) ?? llm;
      // A realtime model is the stack's only LLM option; its metrics carry no model metadata.
      if (metrics.type === 'realtime_model_metrics' && metrics.ttftMs >= 0 && options.llm.length === 1)
        llm = { provider: options.llm[0]!.provider, model: options.llm[0]!.model };
    };
    const onSpeech = () => void (llm = undefined); // a new reply: forget who served the last one
    const onUser = ({ transcript, isFinal }: voice.UserInputTranscribedEvent) => {
      if (transcript)
        stack.emit('transcript', {
          role: 'user',
          text: transcript,
          final: isFinal,
          ...(stt ?? { provider: 'unknown', model: 'unknown' }),
          ...call,
        });
    };
    const onItem = ({ item }: voice.ConversationItemAddedEvent) => {
      if (item.type !== 'message' || item.role !== 'assistant' || !item.textContent) return;
      stack.emit('transcript', { role: 'assistant', text: item.textContent, final: true, ...(llm ?? SPOKEN_POLICY), ...call });
    };
    session.on(voice.AgentSessionEventTypes.MetricsCollected, onMetrics);
    session.on(voice.AgentSessionEventTypes.SpeechCreated, onSpeech);
    session.on(voice.AgentSessionEventTypes.UserInputTranscribed, onUser);
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
    return () => {
      session.off(voice.AgentSessionEventTypes.MetricsCollected, onMetrics);
      session.off(voice.AgentSessionEventTypes.SpeechCreated, onSpeech);
      session.off(voice.AgentSessionEventTypes.UserInputTranscribed, onUser);
      session.off(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
    };
  };
}
