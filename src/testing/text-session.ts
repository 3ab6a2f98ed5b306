import { initializeLogger, loggerOptions, voice } from '@livekit/agents';
import type { VoiceStack } from '../stack/voice-stack.js';

/** One answered turn of a text session. */
export interface TextTurn {
  /** The assistant's reply text for this turn (every assistant message, joined by a space). */
  text: string;
  /** Every assistant message of the turn. */
  messages: string[];
}

/** A running text-mode session (no room, no audio) over a stack. */
export interface TextSession {
  readonly session: voice.AgentSession;
  /** Sends a user message and waits for the agent's reply. */
  ask(text: string): Promise<TextTurn>;
  /** The conversation so far, `role: text`, without LiveKit's bookkeeping items. */
  transcript(): { role: string; text: string }[];
  /** Closes the session (the stack stays open). */
  close(): Promise<void>;
}

export interface StartTextSessionOptions {
  /** The agent's instructions. @default "You are a helpful voice assistant." */
  instructions?: string;
  /** Use this agent instead of a plain one built from `instructions`. */
  agent?: voice.Agent;
}

/**
 * Starts a real `voice.AgentSession` in text mode over `stack` (no room, no VAD, no turn detector) with the stack
 * attached: the quickest way to test an agent's behaviour against mocked endpoints.
 */
export async function startTextSession(stack: VoiceStack, options: StartTextSessionOptions = {}): Promise<TextSession> {
  // 'error': LiveKit warns "skipping user input" on every close, which is noise in tests.
  if (!loggerOptions()) initializeLogger({ pretty: false, level: 'error' });
  const { connOptions, llm } = stack.sessionOptions();
  const session = new voice.AgentSession({ ...(llm && { llm }), connOptions, vad: null, turnHandling: { turnDetection: null } });
  stack.attach(session);
  const agent = options.agent ?? new voice.Agent({ instructions: options.instructions ?? 'You are a helpful voice assistant.' });
  await session.start({ agent });
  return {
    session,
    async ask(text) {
      const result = await session.run({ userInput: text }).wait();
      const messages = result.events.flatMap((event) =>
        event.type === 'message' && event.item.role === 'assistant' ? [event.item.textContent ?? ''] : [],
      );
      return { text: messages.join(' '), messages };
    },
    transcript: () =>
      session.history.items.flatMap((item) => (item.type === 'message' ? [{ role: item.role, text: item.textContent ?? '' }] : [])),
    close: () => session.close(),
  };
}
