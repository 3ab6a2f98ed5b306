import { voice } from '@livekit/agents';
import EventEmitter from 'eventemitter3';
import type { VoiceStackConfig } from '../config/voice-stack-config.js';
import { ConfigError, VoiceStackError } from '../errors/index.js';
import { defaultLogger } from '../config/logger.js';
import { createVoiceStack, type CreateVoiceStackOptions } from './create-voice-stack.js';
import type { HealthOptions } from './health.js';
import type { VoiceStack } from './voice-stack.js';

/** The preferred mode's stack could not be built (or failed its probe): this call uses the fallback mode. */
export interface ModeFallbackEvent {
  from: string;
  to: string;
  error: unknown;
}

/** `setMode()` changed the mode for calls that start from now on. */
export interface ModeChangeEvent {
  from: string;
  to: string;
}

export interface ModeControllerEvents {
  fallback: (event: ModeFallbackEvent) => void;
  mode: (event: ModeChangeEvent) => void;
}

export interface ModeControllerOptions<M extends string> {
  /** Each mode's config, e.g. `{ pipeline: {...}, realtime: { llm: { provider: 'openai-realtime' } } }`. */
  modes: Record<M, VoiceStackConfig<never>>;
  /** The mode new calls use. */
  mode: NoInfer<M>;
  /** Used when the current mode's stack fails to build (e.g. LiveKit Inference unreachable → plugins). @default none */
  fallbackMode?: NoInfer<M>;
  /** Passed to every `createVoiceStack()` (custom adapters, logger, env). */
  createOptions?: CreateVoiceStackOptions;
  /**
   * Probe a new stack with `stack.health()` before its first call; a failed probe counts as a failed build
   * (see docs/operations.md for when a report fails). `true` uses the default health options. @default false
   */
  probe?: boolean | HealthOptions;
  /** After a failed build, how long calls go straight to the fallback before the mode is built again, in ms. @default 30000 */
  retryAfterMs?: number;
}

/** One call's stack. Bind the call's session so that the call counts as active until the session closes. */
export interface CallStack {
  readonly stack: VoiceStack;
  /** The mode whose stack this is (the fallback mode when the current one failed). */
  readonly mode: string;
  /** Attaches the stack to `session` (`stack.attach`) and ends the call when the session closes. Returns `session`. */
  bind<S extends voice.AgentSession>(session: S): S;
  /** Ends the call without a session (e.g. the call failed before the session started). Safe to call twice. */
  release(): void;
}

/** Picks the stack for each new call from a set of modes; see {@link createModeController}. */
export class ModeController<M extends string = string> extends EventEmitter<ModeControllerEvents> {
  readonly #options: ModeControllerOptions<M>;
  #mode: M;
  readonly #stacks = new Map<M, Promise<VoiceStack>>();
  readonly #failedAt = new Map<M, number>();
  readonly #active = new Map<M, number>();
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;

  constructor(options: ModeControllerOptions<M>) {
    super();
    for (const name of [options.mode, options.fallbackMode]) {
      if (name !== undefined && !(name in options.modes)) throw unknownMode(name, options.modes);
    }
    this.#options = options;
    this.#mode = options.mode;
  }

  /** The mode new calls use. */
  get mode(): M {
    return this.#mode;
  }

  /** Calls that got a stack and have not ended (their session has not closed). */
  get activeCalls(): number {
    let total = 0;
    for (const count of this.#active.values()) total += count;
    return total;
  }

  /** Active calls per mode. */
  activeCallsByMode(): Partial<Record<M, number>> {
    return Object.fromEntries([...this.#active].filter(([, count]) => count > 0)) as Partial<Record<M, number>>;
  }

  /** Switches the mode of calls that start from now on; calls in progress keep their stack until they end. */
  setMode(name: M): void {
    if (!(name in this.#options.modes)) throw unknownMode(name, this.#options.modes);
    const from = this.#mode;
    this.#mode = name;
    this.#failedAt.delete(name); // an explicit switch tries the mode again at once
    if (from !== name) this.emit('mode', { from, to: name });
  }

  /**
   * The current mode's stack for a new call (built on first use, then shared by the mode's calls), or the fallback
   * mode's when it fails to build. The call counts as active until the session given to `bind()` closes.
   * @throws when the controller is closing, or neither mode's stack can be built.
   */
  async stackForCall(): Promise<CallStack> {
    if (this.#closing)
      throw new VoiceStackError('STACK_CLOSED', 'Failed to start a call: the mode controller is closed. Fix: create a new controller.');
    const preferred = this.#mode;
    const { fallbackMode } = this.#options;
    const retryAfterMs = this.#options.retryAfterMs ?? 30_000;
    const failedAt = this.#failedAt.get(preferred);
    const skipPreferred =
      fallbackMode !== undefined && fallbackMode !== preferred && failedAt !== undefined && Date.now() - failedAt < retryAfterMs;
    if (!skipPreferred) {
      try {
        return this.#lease(preferred, await this.#stack(preferred));
      } catch (error) {
        if (fallbackMode === undefined || fallbackMode === preferred) throw error;
        this.#failedAt.set(preferred, Date.now());
        const logger = this.#options.createOptions?.logger ?? defaultLogger();
        logger.warn(`Failed to build the "${preferred}" mode's stack; using "${fallbackMode}"`, { error: (error as Error)?.message });
        this.emit('fallback', { from: preferred, to: fallbackMode, error });
      }
    }
    return this.#lease(fallbackMode!, await this.#stack(fallbackMode!));
  }

  /** The stack of `mode` if it has been built (e.g. to read its `metrics()`), without counting a call. */
  async stackOf(mode: M): Promise<VoiceStack | undefined> {
    return this.#stacks.get(mode)?.catch(() => undefined);
  }

  /** Closes every stack once no call uses it: idle ones now, busy ones when their last call ends. Resolves when all are closed. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#drained = resolve;
      this.#closeIdle();
    }).then(() => void this.removeAllListeners());
    return this.#closing;
  }

  #stack(mode: M): Promise<VoiceStack> {
    let pending = this.#stacks.get(mode);
    if (!pending) {
      pending = this.#build(mode);
      this.#stacks.set(mode, pending);
      // A failed build is forgotten so that a later call can try again.
      pending.catch(() => {
        if (this.#stacks.get(mode) === pending) this.#stacks.delete(mode);
      });
    }
    return pending;
  }

  async #build(mode: M): Promise<VoiceStack> {
    const stack = await createVoiceStack(this.#options.modes[mode], { ...this.#options.createOptions, mode });
    const { probe } = this.#options;
    if (!probe) return stack;
    const report = await stack.health(probe === true ? {} : probe);
    if (!report.ok) {
      await stack.close();
      const failed = report.results
        .filter((result) => !result.ok)
        .map((result) => `${result.modality} ${result.provider}/${result.model}: ${result.error ?? 'failed'}`);
      throw new VoiceStackError(
        'PROVIDER_ERROR',
        `Failed to probe the "${mode}" mode's stack: ${failed.join('; ')}. Fix: run \`npx livekit-voice-stack doctor\`.`,
      );
    }
    return stack;
  }

  #lease(mode: M, stack: VoiceStack): CallStack {
    this.#active.set(mode, (this.#active.get(mode) ?? 0) + 1);
    let released = false;
    let bound: voice.AgentSession | undefined;
    const release = () => {
      if (released) return;
      released = true;
      bound?.off(voice.AgentSessionEventTypes.Close, release);
      this.#active.set(mode, (this.#active.get(mode) ?? 1) - 1);
      if (this.#closing) this.#closeIdle();
    };
    return {
      stack,
      mode,
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

  #closeIdle(): void {
    const closing: Promise<unknown>[] = [];
    for (const [mode, pending] of this.#stacks) {
      if ((this.#active.get(mode) ?? 0) > 0) continue;
      this.#stacks.delete(mode);
      closing.push(pending.then((stack) => stack.close()).catch(() => undefined));
    }
    void Promise.all(closing).then(() => {
      if (this.#stacks.size === 0) this.#drained?.();
    });
  }
}

/**
 * Picks the stack for each new call from a set of modes (pipeline vs realtime, Inference vs plugins, cloud vs
 * self-hosted). `setMode()` applies to calls that start afterwards, never to one in progress.
 *
 * @example
 * const modes = createModeController({ modes: { inference: inferenceConfig, plugins: pluginConfig }, mode: 'inference', fallbackMode: 'plugins' });
 * const call = await modes.stackForCall();
 * const session = call.bind(new voice.AgentSession({ ...call.stack.sessionOptions() }));
 */
export function createModeController<const M extends string>(options: ModeControllerOptions<M>): ModeController<M> {
  return new ModeController(options);
}

function unknownMode(name: string, modes: Record<string, unknown>): ConfigError {
  const known = Object.keys(modes)
    .map((mode) => `"${mode}"`)
    .join(', ');
  return new ConfigError([{ path: 'mode', message: `unknown mode "${name}". Fix: use one of ${known}.` }], 'createModeController()');
}
