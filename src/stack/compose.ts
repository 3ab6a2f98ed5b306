import { llm, stt, tts } from '@livekit/agents';
import type EventEmitter from 'eventemitter3';
import type { ResolvedRetryOptions, ResolvedVerbalOptions } from '../config/policy-config.js';
import { isRealtimeModel } from '../config/livekit-instance.js';
import { ConfigError } from '../errors/index.js';
import { type CooldownStore, MemoryCooldownStore } from '../policies/cooldown-store.js';
import { ChainLLM } from '../policies/llm-chain.js';
import { VerbalPolicy } from '../policies/verbal-policy.js';
import type { Logger } from '../providers/logger.js';
import type { ProviderOption } from '../providers/provider-option.js';
import type { VoiceStackEvents } from './events.js';
import type { Attachment } from './voice-stack.js';

/** What composing a slot into one LiveKit instance needs. */
export interface ComposeContext {
  retry: ResolvedRetryOptions;
  verbal: ResolvedVerbalOptions | false;
  events: EventEmitter<VoiceStackEvents>;
  logger: Logger;
  /** Cooldowns shared by every session of the stack (and by stacks given the same store). @default one per composition */
  cooldowns?: CooldownStore;
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
          message: 'a realtime (speech-to-speech) model cannot be part of an LLM chain. Fix: use it alone in `llm`, and switch modes with createModeController().',
        },
      ]);
    }
    return options[0]!.instance;
  }
  if (options.length === 1 && options[0]!.instance instanceof ChainLLM) return options[0]!.instance;
  const chain = new ChainLLM({
    options,
    retry: context.retry,
    verbal: context.verbal ? new VerbalPolicy(context.verbal) : undefined,
    logger: context.logger,
    events: context.events,
    cooldowns: context.cooldowns ?? new MemoryCooldownStore(),
  });
  context.onClose(() => chain.aclose());
  return chain;
}

/** One STT for the session. */
export function composeSTT(options: ProviderOption<'stt'>[], _context: ComposeContext): stt.STT {
  const instances = options.map((option) => option.instance);
  const vad = options.find((option) => option.vad)?.vad;
  return instances.length === 1 ? instances[0]! : new stt.FallbackAdapter({ sttInstances: instances, ...(vad && { vad }) });
}

/** One TTS for the session. */
export function composeTTS(options: ProviderOption<'tts'>[], _context: ComposeContext): tts.TTS {
  const instances = options.map((option) => option.instance);
  return instances.length === 1 ? instances[0]! : new tts.FallbackAdapter({ ttsInstances: instances });
}
