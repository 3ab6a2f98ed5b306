/** When each mode last failed to start in this process, so that calls skip it for a while before it is tried again. */
export class FailedModes<M extends string> {
  readonly #failedAt = new Map<M, number>();

  /** `mode` failed to start now. */
  record(mode: M): void {
    this.#failedAt.set(mode, Date.now());
  }

  /** Forgets `mode`'s failure (an explicit switch tries it again at once). */
  forget(mode: M): void {
    this.#failedAt.delete(mode);
  }

  /** Whether `mode` failed less than `ms` ago. */
  failedWithin(mode: M, ms: number): boolean {
    const failedAt = this.#failedAt.get(mode);
    return failedAt !== undefined && Date.now() - failedAt < ms;
  }
}
