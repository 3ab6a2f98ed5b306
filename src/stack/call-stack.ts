import { voice } from '@livekit/agents';
import { VoiceStackError } from '../errors/index.js';
import type { VoiceStack } from './voice-stack.js';

/** One call's stack. Bind the call's session so that the call counts as active until the session closes. */
export interface CallStack {
  readonly stack: VoiceStack;
  /** The call's id: the one given to `stackForCall()`, else a random one. */
  readonly callId: string;
  /** The mode whose stack this is (the fallback mode when the current one failed). */
  readonly mode: string;
  /** The mode this call should have had, when it fell back (e.g. `realtime` refused the handshake). */
  readonly fellBackFrom?: string;
  /** Attaches the stack to `session` (`stack.attach`) and ends the call when the session closes. Returns `session`. */
  bind<S extends voice.AgentSession>(session: S): S;
  /** Ends the call without a session (e.g. the call failed before the session started). Safe to call twice. */
  release(): void;
}

/** What makes one call's {@link CallStack}; `end` runs once, when the bound session closes or on `release()`. */
export interface CallStackInit {
  stack: VoiceStack;
  callId: string;
  mode: string;
  fellBackFrom?: string | undefined;
  end: () => void;
}

/** One call's stack: `bind()` attaches a session and ends the call when it closes; `release()` ends it without one. */
export function createCallStack({ stack, callId, mode, fellBackFrom, end }: CallStackInit): CallStack {
  let released = false;
  let bound: voice.AgentSession | undefined;
  const release = () => {
    if (released) return;
    released = true;
    bound?.off(voice.AgentSessionEventTypes.Close, release);
    end();
  };
  return {
    stack,
    callId,
    mode,
    ...(fellBackFrom !== undefined && { fellBackFrom }),
    release,
    bind: (session) => {
      if (bound && bound !== session)
        throw new VoiceStackError(
          'STACK_CLOSED',
          'Failed to bind a session: this call is already bound to another session. Fix: call stackForCall() once per call.',
        );
      if (released)
        throw new VoiceStackError(
          'STACK_CLOSED',
          'Failed to bind a session: this call has ended. Fix: call stackForCall() for the new call.',
        );
      bound = session;
      stack.attach(session);
      session.on(voice.AgentSessionEventTypes.Close, release);
      return session;
    },
  };
}
