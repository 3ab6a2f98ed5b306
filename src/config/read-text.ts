import { Readable } from 'node:stream';

/**
 * The start of a body as text, at most `maxBytes` of it: the rest is not read, and the body is cancelled. For error
 * bodies and other answers from outside, which may be endless. Takes a fetch `Response` or a Node stream (the
 * `IncomingMessage` of a refused WebSocket handshake). Empty when the body cannot be read; what came before a failure
 * when it breaks off. The cancel is not awaited: it may never settle (msw 2's mocked bodies), which would hang the read.
 */
export async function readText(body: Response | Readable, maxBytes: number): Promise<string> {
  const stream = body instanceof Readable ? (Readable.toWeb(body) as ReadableStream<Uint8Array>) : body.body;
  const reader = stream?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      const part = value.subarray(0, maxBytes - size);
      size += part.length;
      text += decoder.decode(part, { stream: true });
    }
    return text + decoder.decode();
  } catch {
    return text;
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
