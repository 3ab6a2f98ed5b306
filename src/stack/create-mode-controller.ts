import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { VoiceStackConfig } from '../config/voice-stack-config.js';
import { ConfigError, VoiceStackError } from '../errors/index.js';
import { defaultLogger } from '../config/logger.js';
import type { CreateVoiceStackOptions } from './create-voice-stack.js';
import type { HealthOptions } from './health.js';
import type { VoiceStack } from './voice-stack.js';
import { defaultStore } from '../state/default-store.js';
import { guardStore } from '../state/guard-store.js';
import type { StateStore } from '../state/state-store.js';
import { appendFleetLog, FLEET_KEYS } from '../state/fleet-state.js';
import { checkStore } from '../state/check-store.js';
import { addKnownModes, checkRollout, leaseKey, readModeStatus, type Rollout, writeMode, writeRollout } from './mode-state.js';
import { buildModeStack } from './build-mode-stack.js';
import { CallLeases } from './call-leases.js';
import { type CallStack, createCallStack } from './call-stack.js';
import { checkRealtimeStart } from './check-realtime-start.js';
import { FailedModes } from './failed-modes.js';
import { ModeChoice } from './mode-choice.js';
import { StackCache } from './stack-cache.js';

export type { CallStack } from './call-stack.js';

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
  /** Passed to every `createVoiceStack()` (custom adapters, logger, env). Its `store` defaults to the controller's `store`. */
  createOptions?: CreateVoiceStackOptions;
  /**
   * Probe a new stack with `stack.health()` before its first call; a failed probe counts as a failed build
   * (see docs/operations.md for when a report fails). `true` uses the default health options. @default false
   */
  probe?: boolean | HealthOptions;
  /**
   * After the preferred mode failed to start (its build, its probe or its Realtime check), how long this process's calls
   * go straight to `fallbackMode` before that mode is tried again, in ms. @default 30000
   */
  fallbackForMs?: number;
  /** @deprecated Renamed {@link ModeControllerOptions.fallbackForMs} (it is not a `Retry-After`); removed in the next release. */
  retryAfterMs?: number;
  /**
   * Where the mode, the rollout and the active calls live, shared by every process using the same store; the stacks the
   * controller builds keep their cooldowns and fleet log there too (unless `createOptions.store` says otherwise).
   * @default the machine store (`createMachineStore()`), shared by every process on this machine; under a test runner,
   *   a memory store per test file (docs/testing.md)
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

/** Picks the stack for each new call from a set of modes; see {@link createModeController}. */
export class ModeController<M extends string = string> extends EventEmitter<ModeControllerEvents> {
  readonly #options: ModeControllerOptions<M>;
  readonly #store: StateStore;
  readonly #names: M[];
  readonly #choice: ModeChoice<M>;
  readonly #stacks: StackCache<M>;
  /** When a mode last failed to start, so that calls skip it for `fallbackForMs`. */
  readonly #failed = new FailedModes<M>();
  /** This process's calls, whose leases are renewed while they last. */
  readonly #leases: CallLeases;
  /** Calls that started on the fallback mode, per mode they should have had. */
  readonly #fallbacks = new Map<M, number>();
  #closing: Promise<void> | undefined;

  constructor(options: ModeControllerOptions<M>) {
    super();
    for (const name of [options.mode, options.fallbackMode]) {
      if (name !== undefined && !(name in options.modes)) throw unknownMode(name, options.modes);
    }
    this.#options = options;
    this.#names = Object.keys(options.modes) as M[];
    const logger = options.createOptions?.logger ?? defaultLogger();
    if (options.store !== undefined) checkStore(options.store, 'createModeController()');
    this.#store = guardStore(options.store ?? defaultStore(logger), { logger });
    this.#choice = new ModeChoice(this.#store, this.#names, options.mode);
    // One store reaches everything built from it: the stacks' cooldowns and fleet log go where the mode lives.
    const createOptions = { ...options.createOptions, store: options.createOptions?.store ?? this.#store };
    this.#stacks = new StackCache((mode) => buildModeStack(mode, options.modes[mode], createOptions, options.probe));
    this.#leases = new CallLeases(this.#store, options.leaseMs ?? 10_000);
    // Tell the CLI which names it may set (merged with the other controllers' of the fleet).
    void addKnownModes(this.#store, this.#names);
    // What new calls get while no mode is set, for `mode status` and the dashboard to say.
    void this.#store.set(FLEET_KEYS.configuredMode, options.mode, 30 * 24 * 3_600_000);
  }

  /** The mode new calls use: the one set in the store by any process, else the `mode` option. */
  get mode(): M {
    return this.#choice.current;
  }

  /** The rollout set in the store: the share of new calls per mode, in percent. */
  get rollout(): Partial<Record<M, number>> {
    return this.#choice.rollout() as Partial<Record<M, number>>;
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
    this.#failed.forget(name); // an explicit switch tries the mode again at once
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
    const preferred = this.#choice.forCall(callId, current);
    const { fallbackMode } = this.#options;
    const fallbackForMs = this.#options.fallbackForMs ?? this.#options.retryAfterMs ?? 30_000;
    const skipPreferred = fallbackMode !== undefined && fallbackMode !== preferred && this.#failed.failedWithin(preferred, fallbackForMs);
    let fellBack = skipPreferred;
    if (!skipPreferred) {
      let reason: ModeFallbackEvent['reason'] = 'build';
      try {
        const stack = await this.#stack(preferred);
        if (fallbackMode !== undefined && fallbackMode !== preferred) {
          reason = 'realtime';
          await checkRealtimeStart(preferred, stack, this.#options.realtimeCheckMs ?? 5_000);
        }
        return this.#lease(callId, preferred, stack);
      } catch (error) {
        // Closed meanwhile: no fallback stack is built for a call that cannot start.
        if (this.#closing) throw closedError('was closed while the call was starting');
        if (fallbackMode === undefined || fallbackMode === preferred) throw error;
        fellBack = true;
        this.#failed.record(preferred);
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

  /** The stack of `mode` if it has been built (e.g. to read its `metrics()`), without counting a call. */
  async stackOf(mode: M): Promise<VoiceStack | undefined> {
    return this.#stacks.built(mode);
  }

  /**
   * Closes every stack once no call uses it: idle ones (and ones still being built) now, busy ones when their last call
   * ends. A `stackForCall()` still waiting for its stack rejects with `STACK_CLOSED`. Resolves when all are closed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#stacks.drain().then(() => void this.removeAllListeners());
    return this.#closing;
  }

  #stack(mode: M): Promise<VoiceStack> {
    if (this.#closing) return Promise.reject(closedError('was closed while the call was starting'));
    return this.#stacks.get(mode);
  }

  #notice(mode: M): void {
    const change = this.#choice.notice(mode);
    if (change) this.emit('mode', change);
  }

  #lease(callId: string, mode: M, stack: VoiceStack, fellBackFrom?: M): CallStack {
    // close() ran while the stack was being built or checked: close() closes that stack (no call counted it), so the
    // call gets an error rather than a closed stack, and no lease or renewal timer is left behind.
    if (this.#closing) throw closedError('was closed while the call was starting');
    this.#stacks.use(mode);
    const key = leaseKey(mode, callId);
    this.#leases.start(key, { mode, startedAt: Date.now() });
    return createCallStack({
      stack,
      callId,
      mode,
      fellBackFrom,
      end: () => {
        this.#leases.end(key);
        this.#stacks.release(mode);
      },
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
