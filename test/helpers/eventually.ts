/**
 * Resolves after `ms`. Only for tests where time itself is what is tested (a cooldown running out, a timer that must
 * not fire early): anything that happens is awaited with `eventually()` or the event itself.
 */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `read()` every 5 ms until it returns a truthy value (a message arriving, a change reaching another process's
 * view) and returns it; after `timeoutMs` returns the last (falsy) value, for the caller's `expect` to report.
 */
export async function eventually<T>(read: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value || Date.now() > deadline) return value;
    await sleep(5);
  }
}
