/** Resolves after `ms` (never, for Infinity), or rejects when `signal` aborts; leaves no timer behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits `ms` (if any) before a mock answers; `false` when the client gave up meanwhile (a timeout), so the handler
 * answers nothing instead of throwing into msw.
 */
export function delayed(ms: number | undefined, signal: AbortSignal): Promise<boolean> {
  return ms
    ? sleep(ms, signal).then(
        () => true,
        () => false,
      )
    : Promise.resolve(!signal.aborted);
}
