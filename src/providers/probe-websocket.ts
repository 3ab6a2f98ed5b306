import type { AdapterContext, ProbeResult } from './define-adapter.js';
import { PROBE_ERROR_BODY_BYTES, providerMessage } from './probe-http.js';
import { readText } from '../config/read-text.js';

/**
 * Opens a WebSocket with these headers and closes it as soon as the handshake succeeds: proves reachability and
 * credentials of a streaming endpoint without sending audio (nothing is billed).
 */
export async function probeWebSocket(
  url: string,
  headers: Record<string, string>,
  context: Pick<AdapterContext, 'signal'>,
): Promise<ProbeResult> {
  const { WebSocket } = await import('ws');
  return new Promise<ProbeResult>((resolve) => {
    const socket = new WebSocket(url, { headers });
    let settled = false;
    const done = (result: ProbeResult) => {
      // Once: a body still being read when the signal aborts reports nothing more.
      if (settled) return;
      settled = true;
      context.signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      if (socket.readyState === socket.OPEN) socket.close(1000);
      else socket.terminate();
      resolve(result);
    };
    const onAbort = () => done({ ok: false, error: 'timed out' });
    if (context.signal?.aborted) return onAbort();
    context.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('open', () => done({ ok: true }));
    socket.once('unexpected-response', async (_request, response) => {
      const body = providerMessage(await readText(response, PROBE_ERROR_BODY_BYTES));
      done({ ok: false, error: `HTTP ${response.statusCode}${body ? `: ${body}` : ''}` });
    });
    socket.once('error', (error: Error & { code?: string }) =>
      done({
        ok: false,
        error: error.code === 'ECONNREFUSED' ? 'connection refused' : error.code === 'ENOTFOUND' ? 'host not found' : error.message,
      }),
    );
  });
}
