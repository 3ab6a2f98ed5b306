import type { VoiceStack } from './voice-stack.js';

/**
 * The stacks of a mode controller, one per mode: built on first use, then shared by the mode's calls; a failed build
 * is forgotten so that a later call builds again. Counts this process's calls per mode so that, once draining, each
 * stack closes when its last call ends.
 */
export class StackCache<M extends string> {
  readonly #build: (mode: M) => Promise<VoiceStack>;
  readonly #stacks = new Map<M, Promise<VoiceStack>>();
  /** This process's calls per mode: a stack closes when its last call ends. */
  readonly #active = new Map<M, number>();
  #draining: Promise<void> | undefined;
  #drained: (() => void) | undefined;

  constructor(build: (mode: M) => Promise<VoiceStack>) {
    this.#build = build;
  }

  /** The stack of `mode`, built on first use. */
  get(mode: M): Promise<VoiceStack> {
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

  /** The stack of `mode` if it has been built, without building it. */
  async built(mode: M): Promise<VoiceStack | undefined> {
    return this.#stacks.get(mode)?.catch(() => undefined);
  }

  /** A call started on `mode`'s stack. */
  use(mode: M): void {
    this.#active.set(mode, (this.#active.get(mode) ?? 0) + 1);
  }

  /** A call on `mode`'s stack ended; while draining, its stack closes if that was the last call. */
  release(mode: M): void {
    this.#active.set(mode, (this.#active.get(mode) ?? 1) - 1);
    if (this.#draining) this.#closeIdle();
  }

  /** Closes idle stacks (and ones still being built) now, busy ones when their last call ends; resolves when all are closed. */
  drain(): Promise<void> {
    this.#draining ??= new Promise<void>((resolve) => {
      this.#drained = resolve;
      this.#closeIdle();
    });
    return this.#draining;
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
