import { llm, stt, tts } from '@livekit/agents';
import type EventEmitter from 'eventemitter3';
import type { ResolvedRetryOptions, ResolvedVerbalOptions } from '../config/policy-config.js';
import { isRealtimeModel } from '../config/livekit-instance.js';
import { ConfigError } from '../errors/index.js';
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
  /** Registers something `stack.attach(session)` installs (spoken policy, metrics …). */
  attach(attachment: Attachment): void;
  /** Registers something `stack.close()` releases (timers, probes, sockets). */
  onClose(close: () => Promise<void> | void): void;
}

/** One LLM (or realtime model) for the session: the option itself, or a chain over the options. */
export function composeLLM(options: ProviderOption<'llm'>[], _context: ComposeContext): llm.LLM | llm.RealtimeModel {
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
  const llms = options.map((option) => option.instance as llm.LLM);
  return llms.length === 1 ? llms[0]! : new llm.FallbackAdapter({ llms });
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
