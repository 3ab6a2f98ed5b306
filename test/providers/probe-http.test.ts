import { describe, expect, it } from 'vitest';
import { probeHTTP } from '../../src/providers/probe-http.js';

describe('probeHTTP', () => {
  it('an error body is read for at most a few KB: a 64 MB error page is not downloaded', async () => {
    const LIMIT = 64 * 1024 * 1024;
    let pulled = 0;
    const huge = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= LIMIT) return controller.close();
        const chunk = new TextEncoder().encode('overloaded '.repeat(5_958)); // 64 KiB
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const fetch = async () => new Response(huge, { status: 503 });
    const result = await probeHTTP('http://provider.test/health', {}, { fetch, signal: undefined });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/^HTTP 503: overloaded overloaded/) });
    expect(pulled).toBeLessThan(LIMIT / 64); // what the stream's buffers pull ahead, not the rest
  });
});
