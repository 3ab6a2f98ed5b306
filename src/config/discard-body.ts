/**
 * Lets go of a response body that is not read, without waiting: the call is what releases the connection, and a
 * body's `cancel()` may never settle (msw 2's mocked responses do not), which would hang whoever awaited it.
 */
export function discardBody(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}
