/**
 * The start of a response body as text, at most `maxBytes` of it: the rest is not read, and the body is cancelled.
 * For error bodies and other answers from outside, which may be endless. Empty when the body cannot be read.
 */
export async function readText(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
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
    await reader.cancel().catch(() => undefined);
  }
}
