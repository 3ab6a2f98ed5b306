/**
 * An event without the fields that say which call it belongs to (`sessionId`, `roomName`, `jobId`), for tests that
 * compare payloads of one call whole. test/stack/concurrent-calls.test.ts checks those fields.
 */
export function withoutCall<T extends object>(event: T): Omit<T, 'sessionId' | 'roomName' | 'jobId'> {
  const { sessionId: _sessionId, roomName: _roomName, jobId: _jobId, ...rest } = event as T & Record<string, unknown>;
  return rest as Omit<T, 'sessionId' | 'roomName' | 'jobId'>;
}
