import { randomUUID } from 'node:crypto';
import { voice } from '@livekit/agents';
import { EventEmitter } from 'eventemitter3';
import type { VoiceStackConfig } from '../config/voice-stack-config.js';
import { ConfigError, VoiceStackError } from '../errors/index.js';
import { defaultLogger } from '../config/logger.js';
import { createVoiceStack, type CreateVoiceStackOptions } from './create-voice-stack.js';
import type { HealthOptions } from './health.js';
import type { VoiceStack } from './voice-stack.js';
import { defaultStore } from '../state/default-store.js';
import { guardStore } from '../state/guard-store.js';
import type { StateStore } from '../state/state-store.js';
import { type CallLease, FLEET_KEYS, type ModeRecord, type RolloutRecord } from '../state/fleet-state.js';
import { isRealtimeModel } from '../config/livekit-instance.js';
import { appendFleetLog } from '../state/fleet-state.js';
import { recordFleetEvents } from './fleet-events.js';
import { checkRollout, leaseKey, pickMode, readModeStatus, type Rollout, writeMode, writeRollout } from './mode-state.js';

/** The preferred mode could not start for this call: this call uses the fallback mode, from its first word. */
export interface ModeFallbackEvent {
  from: string;
  to: string;
  error: unknown;
  /** `build`: the stack failed to build or its probe failed; `realtime`: the Realtime handshake was refused or timed out. */
  reason: 'build' | 'realtime';
}

/** The mode for calls that start from now on changed (`setMode()` here, or in another process of the fleet). */
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
  /** The mode new calls use until a mode is set in the store (`setMode()` or `livekit-voice-stack mode set`). */
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
  /**
   * Where the mode, the rollout and the active calls live, shared by every process using the same store.
   * @default the machine store (`createMachineStore()`), shared by every process on this machine
   */
  store?: StateStore;
  /**
   * Before a call starts on a realtime (speech-to-speech) mode, open its Realtime WebSocket once (closed before any
   * session or audio: nothing billed) within this time; a refused (401, 429 …) or timed-out handshake puts this call on
   * the fallback mode from its first word. `false` skips the check. @default 5000 when a `fallbackMode` is set
   */
  realtimeCheckMs?: number | false;
  /** How long a call counts as active after its process stops renewing it (killed), in ms. Renewed every third of it. @default 10000 */
  leaseMs?: number;
}

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

/** Picks the stack for each new call from a set of modes; see {@link createModeController}. */
export class ModeController<M extends string = string> extends EventEmitter<ModeControllerEvents> {
  readonly #options: ModeControllerOptions<M>;
  readonly #store: StateStore;
  readonly #names: M[];
  /** The mode last seen, to emit `mode` when another process changed it. */
  #seen: M;
  readonly #stacks = new Map<M, Promise<VoiceStack>>();
  readonly #failedAt = new Map<M, number>();
  /** This process's calls per mode: a stack closes when its last call ends. */
  readonly #active = new Map<M, number>();
  /** This process's calls, whose leases the renewal timer keeps alive. */
  readonly #leases = new Map<string, CallLease>();
  /** Calls that started on the fallback mode, per mode they should have had. */
  readonly #fallbacks = new Map<M, number>();
  #renewal: ReturnType<typeof setInterval> | undefined;
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;

  constructor(options: ModeControllerOptions<M>) {
    super();
    for (const name of [options.mode, options.fallbackMode]) {
      if (name !== undefined && !(name in options.modes)) throw unknownMode(name, options.modes);
    }
    this.#options = options;
    this.#names = Object.keys(options.modes) as M[];
    const logger = options.createOptions?.logger ?? defaultLogger();
    this.#store = guardStore(options.store ?? defaultStore(), { logger });
    this.#seen = this.mode;
    // Tell the CLI which names it may set (merged with the other controllers' of the fleet).
    const known = new Set([...(this.#store.get<string[]>(FLEET_KEYS.modes) ?? []), ...this.#names]);
    void this.#store.set(FLEET_KEYS.modes, [...known], 30 * 24 * 3_600_000);
  }

  /** The mode new calls use: the one set in the store by any process, else the `mode` option. */
  get mode(): M {
    const stored = this.#store.get<ModeRecord>(FLEET_KEYS.mode)?.mode;
    return stored !== undefined && this.#names.includes(stored as M) ? (stored as M) : this.#options.mode;
  }

  /** The rollout set in the store: the share of new calls per mode, in percent. */
  get rollout(): Partial<Record<M, number>> {
    return this.#rollout() as Partial<Record<M, number>>;
  }

  /** Calls of the whole fleet (every process sharing the store) that got a stack and have not ended. */
  get activeCalls(): number {
    return this.#store.list(FLEET_KEYS.callPrefix).length;
  }

  /** Active calls of the fleet per mode. */
  activeCallsByMode(): Partial<Record<M, number>> {
    return readModeStatus(this.#store).activeCalls as Partial<Record<M, number>>;
  }

  /**
   * Switches the mode of calls that start from now on, on every worker sharing the store; calls in progress keep
   * their stack until they end. Resolves once written.
   * @throws {ConfigError} at once for a mode that is not in `modes`.
   */
  setMode(name: M): Promise<void> {
    if (!(name in this.#options.modes)) throw unknownMode(name, this.#options.modes);
    this.#failedAt.delete(name); // an explicit switch tries the mode again at once
    const written = writeMode(this.#store, name, this.#names, 'controller');
    this.#notice(name);
    return written;
  }

  /**
   * Sends a share of new calls to other modes, e.g. `setRollout({ realtime: 10 })`: a call id always lands in the same
   * mode for a given rollout; the rest get the current mode. Replaces the previous rollout (`{}` ends it), fleet-wide.
   * @throws {ConfigError} at once for an unknown mode, a share outside 0–100, or shares adding up to more than 100.
   */
  setRollout(rollout: Partial<Record<M, number>>): Promise<void> {
    checkRollout(rollout as Rollout, this.#names);
    return writeRollout(this.#store, rollout as Rollout, this.#names, 'controller');
  }

  /**
   * The stack for a new call (built on first use, then shared by the mode's calls): the rollout's mode for `callId`,
   * else the current mode; the fallback mode's when that one fails to build. The call counts as active (fleet-wide)
   * until the session given to `bind()` closes.
   * @param callId e.g. the room name or the SIP call id; a random one when omitted (then the rollout is not repeatable).
   * @throws {VoiceStackError} `STACK_CLOSED` when the controller is closed, or `close()` ran before this call's stack
   *   was ready (that stack is closed with the others; the call is not counted).
   * @throws when neither mode's stack can be built.
   */
  async stackForCall(callId: string = randomUUID()): Promise<CallStack> {
    if (this.#closing) throw closedError('is closed');
    const current = this.mode;
    this.#notice(current);
    const preferred = pickMode(callId, current, this.#rollout()) as M;
    const { fallbackMode } = this.#options;
    const retryAfterMs = this.#options.retryAfterMs ?? 30_000;
    const failedAt = this.#failedAt.get(preferred);
    const skipPreferred =
      fallbackMode !== undefined && fallbackMode !== preferred && failedAt !== undefined && Date.now() - failedAt < retryAfterMs;
    let fellBack = skipPreferred;
    if (!skipPreferred) {
      let reason: ModeFallbackEvent['reason'] = 'build';
      try {
        const stack = await this.#stack(preferred);
        if (fallbackMode !== undefined && fallbackMode !== preferred) {
          reason = 'realtime';
          await this.#checkRealtime(preferred, stack);
        }
        return this.#lease(callId, preferred, stack);
      } catch (error) {
        // Closed meanwhile: no fallback stack is built for a call that cannot start.
        if (this.#closing) throw closedError('was closed while the call was starting');
        if (fallbackMode === undefined || fallbackMode === preferred) throw error;
        fellBack = true;
        this.#failedAt.set(preferred, Date.now());
        const logger = this.#options.createOptions?.logger ?? defaultLogger();
        const what = reason === 'realtime' ? 'start the Realtime session of' : 'build the stack of';
        logger.warn(`Failed to ${what} the "${preferred}" mode; this call uses "${fallbackMode}"`, { error: (error as Error)?.message });
        this.emit('fallback', { from: preferred, to: fallbackMode, error, reason });
        void appendFleetLog(this.#store, {
          kind: 'mode-fallback',
          from: preferred,
          to: fallbackMode,
          reason: (error as Error)?.message ?? String(error),
          callId,
        });
      }
    }
    if (fellBack) this.#fallbacks.set(preferred, (this.#fallbacks.get(preferred) ?? 0) + 1);
    return this.#lease(callId, fallbackMode!, await this.#stack(fallbackMode!), fellBack ? preferred : undefined);
  }

  /** Calls that started on the fallback mode, per mode they should have had (a metric for dashboards and alerts). */
  fallbacksByMode(): Partial<Record<M, number>> {
    return Object.fromEntries(this.#fallbacks) as Partial<Record<M, number>>;
  }

  /**
   * A realtime mode's model connects when the session starts, too late to pick another mode: open its handshake now
   * (the adapter's health probe), so a refused key, a rate limit or a timeout sends this call to the fallback mode.
   */
  async #checkRealtime(mode: M, stack: VoiceStack): Promise<void> {
    const timeoutMs = this.#options.realtimeCheckMs ?? 5_000;
    if (timeoutMs === false || !isRealtimeModel(stack.llm)) return;
    const report = await stack.health({ modalities: ['llm'], timeoutMs });
    const failed = report.results.find((result) => result.status === 'failed');
    if (failed)
      throw new VoiceStackError(
        'PROVIDER_ERROR',
        `Failed to start the "${mode}" mode's Realtime session: ${failed.provider}/${failed.model}: ${failed.error ?? 'failed'}. Fix: run \`npx livekit-voice-stack doctor\`.`,
      );
  }

  /** The stack of `mode` if it has been built (e.g. to read its `metrics()`), without counting a call. */
  async stackOf(mode: M): Promise<VoiceStack | undefined> {
    return this.#stacks.get(mode)?.catch(() => undefined);
  }

  /**
   * Closes every stack once no call uses it: idle ones (and ones still being built) now, busy ones when their last call
   * ends. A `stackForCall()` still waiting for its stack rejects with `STACK_CLOSED`. Resolves when all are closed.
   */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#drained = resolve;
      this.#closeIdle();
    }).then(() => void this.removeAllListeners());
    return this.#closing;
  }

  #stack(mode: M): Promise<VoiceStack> {
    if (this.#closing) return Promise.reject(closedError('was closed while the call was starting'));
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
    // The controller's store is its stacks' (their cooldowns and fleet metrics reach the fleet it manages).
    const stack = await createVoiceStack(this.#options.modes[mode], { store: this.#store, ...this.#options.createOptions, mode });
    recordFleetEvents(stack, this.#store);
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

  #rollout(): Rollout {
    const rollout = this.#store.get<RolloutRecord>(FLEET_KEYS.rollout)?.percent ?? {};
    // A name this process does not know (another app version) is left to the current mode.
    return Object.fromEntries(Object.entries(rollout).filter(([name]) => this.#names.includes(name as M)));
  }

  #notice(mode: M): void {
    const from = this.#seen;
    this.#seen = mode;
    if (from !== mode) this.emit('mode', { from, to: mode });
  }

  #lease(callId: string, mode: M, stack: VoiceStack, fellBackFrom?: M): CallStack {
    // close() ran while the stack was being built or checked: close() closes that stack (no call counted it), so the
    // call gets an error rather than a closed stack, and no lease or renewal timer is left behind.
    if (this.#closing) throw closedError('was closed while the call was starting');
    this.#active.set(mode, (this.#active.get(mode) ?? 0) + 1);
    const key = leaseKey(mode, callId);
    const lease: CallLease = { mode, startedAt: Date.now() };
    this.#leases.set(key, lease);
    void this.#store.set(key, lease, this.#leaseMs);
    this.#renewLeases();
    let released = false;
    let bound: voice.AgentSession | undefined;
    const release = () => {
      if (released) return;
      released = true;
      bound?.off(voice.AgentSessionEventTypes.Close, release);
      this.#active.set(mode, (this.#active.get(mode) ?? 1) - 1);
      this.#leases.delete(key);
      void this.#store.delete(key);
      this.#renewLeases();
      if (this.#closing) this.#closeIdle();
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

  get #leaseMs(): number {
    return this.#options.leaseMs ?? 10_000;
  }

  /** One timer renews every lease of this process while it has calls (not kept alive by it: unref). */
  #renewLeases(): void {
    if (this.#leases.size === 0) {
      clearInterval(this.#renewal);
      this.#renewal = undefined;
      return;
    }
    this.#renewal ??= setInterval(() => {
      for (const [key, lease] of this.#leases) void this.#store.set(key, lease, this.#leaseMs);
    }, this.#leaseMs / 3);
    this.#renewal.unref();
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
 * self-hosted). The mode, the rollout and the active calls live in the store, so `setMode()` and `setRollout()` from
 * any process apply to the calls that start afterwards on every worker, never to one in progress.
 *
 * @example
 * const modes = createModeController({ modes: { inference: inferenceConfig, plugins: pluginConfig }, mode: 'inference', fallbackMode: 'plugins' });
 * const call = await modes.stackForCall(ctx.room.name);
 * const session = call.bind(new voice.AgentSession({ ...call.stack.sessionOptions() }));
 */
export function createModeController<const M extends string>(options: ModeControllerOptions<M>): ModeController<M> {
  return new ModeController(options);
}

function closedError(what: string): VoiceStackError {
  return new VoiceStackError(
    'STACK_CLOSED',
    `Failed to start a call: the mode controller ${what}. Fix: create a new controller for new calls (close() is for shutting down).`,
  );
}

function unknownMode(name: string, modes: Record<string, unknown>): ConfigError {
  const known = Object.keys(modes)
    .map((mode) => `"${mode}"`)
    .join(', ');
  return new ConfigError([{ path: 'mode', message: `unknown mode "${name}". Fix: use one of ${known}.` }], 'createModeController()');
}
