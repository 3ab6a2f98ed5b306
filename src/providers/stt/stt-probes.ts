import type { AdapterContext, ProbeResult } from '../define-adapter.js';
import { probeHTTP } from '../probe-http.js';

/** Half a second of near-silent 16 kHz PCM16 mono, as a WAV file: enough for a transcription endpoint to answer. */
export function probeWav(ms = 500, sampleRate = 16_000): Uint8Array<ArrayBuffer> {
  const samples = Math.round((sampleRate * ms) / 1000);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVE', 8);
  wav.write('fmt ', 12);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  // A faint 200 Hz hum rather than digital zeros, which some servers reject as empty audio.
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 200 * i) / sampleRate) * 200), 44 + i * 2);
  return new Uint8Array(wav);
}

/** Transcribes {@link probeWav} through `POST {baseURL}/audio/transcriptions`: proves the server, the key and the model. */
export function probeTranscription(
  endpoint: { baseURL: string; model: string; language: string; apiKey?: string | undefined },
  context: Pick<AdapterContext, 'fetch' | 'signal'>,
): Promise<ProbeResult> {
  const form = new FormData();
  form.append('file', new File([probeWav()], 'probe.wav', { type: 'audio/wav' }));
  form.append('model', endpoint.model);
  form.append('language', endpoint.language);
  form.append('response_format', 'json');
  return probeHTTP(
    `${endpoint.baseURL.replace(/\/+$/, '')}/audio/transcriptions`,
    { method: 'POST', headers: endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}, body: form },
    context,
  );
}

/**
 * Opens a WebSocket with these headers and closes it as soon as the handshake succeeds: proves reachability and
 * credentials of a streaming endpoint without sending audio (nothing is billed).
 */
export async function probeWebSocket(url: string, headers: Record<string, string>, context: Pick<AdapterContext, 'signal'>): Promise<ProbeResult> {
  const { WebSocket } = await import('ws');
  return new Promise<ProbeResult>((resolve) => {
    const socket = new WebSocket(url, { headers });
    const done = (result: ProbeResult) => {
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
    socket.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => {
        const body = Buffer.concat(chunks).toString().replace(/\s+/g, ' ').trim().slice(0, 160);
        done({ ok: false, error: `HTTP ${response.statusCode}${body ? `: ${body}` : ''}` });
      });
      response.once('error', () => done({ ok: false, error: `HTTP ${response.statusCode}` }));
    });
    socket.once('error', (error: Error & { code?: string }) =>
      done({ ok: false, error: error.code === 'ECONNREFUSED' ? 'connection refused' : error.code === 'ENOTFOUND' ? 'host not found' : error.message }),
    );
  });
}
