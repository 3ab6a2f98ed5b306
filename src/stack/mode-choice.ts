import { readMode, readRollout } from '../state/fleet-state.js';
import type { StateStore } from '../state/state-store.js';
import { pickMode, type Rollout } from './mode-state.js';

/**
 * Which mode a new call gets: the rollout's mode for its id, else the mode set in the store by any process, else the
 * controller's own `mode`. Names this process does not know (another app version) are ignored. Remembers the mode
 * last seen, to tell when another process changed it.
 */
export class ModeChoice<M extends string> {
  readonly #store: StateStore;
  readonly #names: readonly M[];
  readonly #initial: M;
  #seen: M;

  /** @param initial the mode new calls use until one is set in the store. */
  constructor(store: StateStore, names: readonly M[], initial: M) {
    this.#store = store;
    this.#names = names;
    this.#initial = initial;
    this.#seen = this.current;
  }

  /** The mode new calls use: the one set in the store by any process, else the initial one. */
  get current(): M {
    const stored = readMode(this.#store)?.mode;
    return stored !== undefined && this.#names.includes(stored as M) ? (stored as M) : this.#initial;
  }

  /** The rollout set in the store, without the modes this process does not know. */
  rollout(): Rollout {
    const rollout = readRollout(this.#store)?.percent ?? {};
    // A name this process does not know (another app version) is left to the current mode.
    return Object.fromEntries(Object.entries(rollout).filter(([name]) => this.#names.includes(name as M)));
  }

  /** The mode of a new call with this id, given the current mode. */
  forCall(callId: string, current: M): M {
    return pickMode(callId, current, this.rollout()) as M;
  }

  /** Records `mode` as seen; returns the change when it differs from the mode last seen. */
  notice(mode: M): { from: M; to: M } | undefined {
    const from = this.#seen;
    this.#seen = mode;
    return from !== mode ? { from, to: mode } : undefined;
  }
}
