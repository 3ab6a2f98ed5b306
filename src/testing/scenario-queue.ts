/**
 * The scripted scenarios of a mock, in the order they were queued. A scenario answers `times` requests (default:
 * every one) and is then used up.
 */
export class ScenarioQueue<S extends { times?: number | undefined }> {
  readonly #queue: { scenario: S; used: number }[] = [];

  push(scenarios: S[]): void {
    this.#queue.push(...scenarios.map((scenario) => ({ scenario: { ...scenario }, used: 0 })));
  }

  /** The first scenario that is not used up and `matches` (e.g. the request's model), counted as used. */
  take(matches: (scenario: S) => boolean = () => true): S | undefined {
    const entry = this.#queue.find((candidate) => candidate.used < (candidate.scenario.times ?? Infinity) && matches(candidate.scenario));
    if (entry) entry.used++;
    return entry?.scenario;
  }

  /**
   * The next scenario that is not used up, only if it passes `when` (otherwise it stays queued): a WebSocket handshake
   * takes a `status` scenario, a generation on an open socket any other.
   */
  takeNextIf(when: (scenario: S) => boolean): S | undefined {
    const entry = this.#queue.find((candidate) => candidate.used < (candidate.scenario.times ?? Infinity));
    if (!entry || !when(entry.scenario)) return undefined;
    entry.used++;
    return entry.scenario;
  }

  clear(): void {
    this.#queue.length = 0;
  }
}

/** A mock with the scenario controls of {@link withScenarios}. */
export type WithScenarios<S, M> = M & {
  /** Queues scenarios; returns the mock, for chaining. */
  use(...scenarios: S[]): WithScenarios<S, M>;
  /** Forgets the queued scenarios and empties every recorded list. */
  reset(): void;
};

/**
 * Adds `use(...scenarios)` and `reset()` to a mock: `use` feeds `queue`, `reset` clears it and empties the
 * `recorded` lists (requests, voice lookups …) in place, so references the test holds stay valid.
 */
export function withScenarios<S extends { times?: number | undefined }, M extends object>(
  queue: ScenarioQueue<S>,
  recorded: unknown[][],
  fields: M,
): WithScenarios<S, M> {
  const mock: WithScenarios<S, M> = Object.assign(fields, {
    use(...scenarios: S[]) {
      queue.push(scenarios);
      return mock;
    },
    reset() {
      queue.clear();
      for (const list of recorded) list.length = 0;
    },
  });
  return mock;
}
