import type { llm, stt, tts } from '@livekit/agents';
import type { EventEmitter } from 'eventemitter3';
import type { ResolvedRetryOptions, ResolvedVerbalOptions } from '../config/policy-config.js';
import { isRealtimeModel } from '../config/livekit-instance.js';
import { ConfigError } from '../errors/index.js';
import { ChainLLM } from '../policies/llm-chain.js';
import { ChainSTT, type HearingNotice } from '../policies/stt-chain.js';
import { ChainTTS } from '../policies/tts-chain.js';
import { VerbalPolicy } from '../policies/verbal-policy.js';
import type { Logger } from '../config/logger.js';
import type { ProviderOption } from '../providers/provider-option.js';
import type { VoiceStackEvents } from '../policies/events.js';
import type { StateStore } from '../state/state-store.js';
import type { Attachment } from './voice-stack.js';

/** What composing a slot into one LiveKit instance needs. */
export interface ComposeContext {
  retry: ResolvedRetryOptions;
  verbal: ResolvedVerbalOptions | false;
  events: EventEmitter<VoiceStackEvents>;
  logger: Logger;
  /** Where the chains keep cooldowns: shared by every session of the stack, and by every stack and process given the same store. */
  store: StateStore;
  /** Registers something `stack.attach(session)` installs (spoken policy, metrics …). */
  attach(attachment: Attachment): void;
  /** Registers something `stack.close()` releases (timers, probes, sockets). */
  onClose(close: () => Promise<void> | void): void;
}

/**
 * One LLM (or realtime model) for the session: a {@link ChainLLM} over the options, for a single option too (it still
 * gets the retry window and the spoken policy). A lone chain passed in as an instance is used as it is.
 */
export function composeLLM(options: ProviderOption<'llm'>[], context: ComposeContext): llm.LLM | llm.RealtimeModel {
  const realtime = options.filter((option) => isRealtimeModel(option.instance));
  if (realtime.length > 0) {
    if (options.length > 1) {
      throw new ConfigError([
        {
          path: realtime[0]!.path,
          message:
            'a realtime (speech-to-speech) model cannot be part of an LLM chain. Fix: use it alone in `llm`, and switch modes with createModeController().',
        },
      ]);
    }
    return options[0]!.instance;
  }
  if (options.length === 1 && options[0]!.instance instanceof ChainLLM) return options[0]!.instance;
  const chain = new ChainLLM({ ...chainSettings(options, context), verbal: context.verbal ? new VerbalPolicy(context.verbal) : undefined });
  context.onClose(() => chain.aclose());
  return chain;
}

/**
 * One STT for the session: a {@link ChainSTT} over the options, for a single option too (it still reconnects with
 * backoff, tells the user once when it cannot hear them, and never closes the session). A lone chain passed in as
 * an instance is used as it is. The "cannot hear you" notice is said on the session whose stream lost every option.
 */
export function composeSTT(options: ProviderOption<'stt'>[], context: ComposeContext): stt.STT {
  if (options.length === 1 && options[0]!.instance instanceof ChainSTT) return options[0]!.instance;
  const chain = new ChainSTT({ ...chainSettings(options, context), notHearing: context.verbal ? context.verbal.notHearing : undefined });
  context.attach((session) => {
    const onNotHearing = ({ connOptions, text }: HearingNotice) => {
      // The session passes its own `sttConnOptions` object to stt.stream(): that is how a stream finds its session.
      if (connOptions !== session.connOptions.sttConnOptions) return;
      try {
        // The agent is listening (no reply is being generated), so say() is heard at once. Kept out of the history.
        session.say(text, { allowInterruptions: true, addToChatCtx: false });
      } catch (error) {
        context.logger.warn('Failed to tell the user that the agent cannot hear them', { error: String(error) });
      }
    };
    chain.notices.on('not_hearing', onNotHearing);
    return () => void chain.notices.off('not_hearing', onNotHearing);
  });
  context.onClose(() => chain.close());
  return chain;
}

/**
 * One TTS for the session: a {@link ChainTTS} over the options, for a single option too (a failed synthesis never
 * closes the session nor becomes an unhandled rejection). A lone chain passed in as an instance is used as it is.
 */
export function composeTTS(options: ProviderOption<'tts'>[], context: ComposeContext): tts.TTS {
  if (options.length === 1 && options[0]!.instance instanceof ChainTTS) return options[0]!.instance;
  const chain = new ChainTTS({ ...chainSettings(options, context), verbal: context.verbal ? new VerbalPolicy(context.verbal) : undefined });
  context.onClose(() => chain.close());
  return chain;
}

/** What every chain takes from the stack: its options, the retry window, the logger, the events and the cooldowns. */
function chainSettings<O>(options: O, context: ComposeContext) {
  return {
    options,
    retry: context.retry,
    logger: context.logger,
    events: context.events,
    store: context.store,
  };
}
