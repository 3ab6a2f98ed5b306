import type { AdapterContext, ProbeResult } from '../define-adapter.js';
import { probeHTTP } from '../probe-http.js';
import { wavHeader } from '../wav-file.js';

/** Half a second of near-silent 16 kHz PCM16 mono, as a WAV file: enough for a transcription endpoint to answer. */
function probeWav(ms = 500, sampleRate = 16_000): Uint8Array<ArrayBuffer> {
  const samples = Math.round((sampleRate * ms) / 1000);
  const wav = Buffer.concat([wavHeader(sampleRate, samples * 2), Buffer.alloc(samples * 2)]);
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
