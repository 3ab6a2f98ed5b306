/**
 * Runs `run` and returns the exceptions that escaped to the process meanwhile (they would have ended it), with the
 * runner's own handlers set aside so that they are asserted on rather than reported.
 */
export async function uncaughtDuring<T>(run: () => Promise<T>): Promise<{ value: T | undefined; uncaught: unknown[] }> {
  const previous = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const uncaught: unknown[] = [];
  const listener = (error: unknown) => void uncaught.push(error);
  process.on('uncaughtException', listener);
  try {
    const value = await run().catch(() => undefined);
    return { value, uncaught };
  } finally {
    process.off('uncaughtException', listener);
    for (const restored of previous) process.on('uncaughtException', restored);
  }
}
