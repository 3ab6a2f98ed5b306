import { sleep } from '../state/sleep.js';

// The one abortable sleep of the package lives with the retry loop; the mocks and tests take it from here.
export { sleep };

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
