/** Header names lower-case, repeated headers joined. */
export function headerRecord(headers: Headers | Record<string, string | string[] | undefined>): Record<string, string> {
  if (headers instanceof Headers) return Object.fromEntries(headers);
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
  );
}

/** The fields every recorded STT/TTS request starts with: how it came, its URL and its headers. */
export function recordedRequest(
  transport: 'http' | 'websocket',
  url: URL,
  headers: Headers | Record<string, string | string[] | undefined>,
): { transport: 'http' | 'websocket'; path: string; query: Record<string, string>; headers: Record<string, string>; at: number } {
  return { transport, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: headerRecord(headers), at: Date.now() };
}
