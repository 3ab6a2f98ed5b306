import { type HttpHandler, http, HttpResponse } from 'msw';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
import { scriptedFailure } from './scripted-failure.js';
import type { STTMockBase, STTRequest, STTScenario } from './stt-scenario.js';

export interface MockOpenAITranscriptionEndpointOptions {
  /** The base URL clients are configured with, e.g. `https://api.openai.com/v1` or `http://whisper:8000/v1`. */
  baseURL: string;
  /** The transcript of every request. @default "Hello from the mock." */
  transcript?: string;
  /** Check `Authorization: Bearer <token>`; a wrong or missing token gets a 401. @default no check */
  auth?: { bearer: string };
}

/** A mocked OpenAI-format transcription endpoint for msw. */
export interface MockOpenAITranscriptionEndpoint extends STTMockBase {
  readonly baseURL: string;
  /** Pass to `setupServer(...mock.handlers)` or `server.use(...)`. */
  readonly handlers: HttpHandler[];
}

/**
 * Mocks `POST {baseURL}/audio/transcriptions` (OpenAI, faster-whisper-server, whisper.cpp …) with msw: reads the
 * multipart upload (file, model, language, prompt, response_format), records it, and answers `{ text }` (or
 * `verbose_json`). Scenarios script status codes with `Retry-After`, delays and transcripts.
 *
 * @example
 * const whisper = mockOpenAITranscriptionEndpoint({ baseURL: 'http://whisper:8000/v1', transcript: 'Bonjour' });
 * const server = setupServer(...whisper.handlers);
 */
export function mockOpenAITranscriptionEndpoint(options: MockOpenAITranscriptionEndpointOptions): MockOpenAITranscriptionEndpoint {
  const base = options.baseURL.replace(/\/+$/, '');
  const defaultTranscript = options.transcript ?? 'Hello from the mock.';
  const queue = new ScenarioQueue<STTScenario>();
  const requests: STTRequest[] = [];

  return withScenarios(queue, [requests], {
    baseURL: base,
    requests,
    handlers: [
      http.post(`${base}/audio/transcriptions`, async ({ request }) => {
        const url = new URL(request.url);
        const form = await request.formData();
        const fields: Record<string, string> = {};
        let file: File | undefined;
        for (const [name, value] of form.entries()) {
          if (typeof value === 'string') fields[name] = value;
          else file = value;
        }
        const upload = file ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
        const isWav = upload.length >= 44 && String.fromCharCode(...upload.subarray(0, 4)) === 'RIFF';
        const record: STTRequest = {
          ...recordedRequest('http', url, request.headers),
          model: fields.model,
          language: fields.language,
          sampleRate: isWav ? new DataView(upload.buffer, upload.byteOffset).getUint32(24, true) : undefined,
          audioBytes: isWav ? upload.length - 44 : upload.length,
          body: { ...fields, file: file ? { name: file.name, type: file.type, size: file.size } : undefined },
          messages: [],
          transcripts: [],
          closed: true,
        };
        requests.push(record);
        if (options.auth && request.headers.get('authorization') !== `Bearer ${options.auth.bearer}`) {
          return HttpResponse.json(
            { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } },
            { status: 401 },
          );
        }
        const scenario = queue.take() ?? {};
        const failure = await scriptedFailure(scenario, request.signal);
        if (failure) return failure;
        if (scenario.malformed) return new HttpResponse('{"text": "Hel', { headers: { 'content-type': 'application/json' } });
        const text = scenario.transcript ?? defaultTranscript;
        record.transcripts.push(text);
        if (fields.response_format === 'text') return HttpResponse.text(text);
        if (fields.response_format === 'verbose_json') {
          return HttpResponse.json({ task: 'transcribe', language: fields.language ?? 'english', duration: 1, text, segments: [] });
        }
        return HttpResponse.json({ text });
      }),
    ],
  });
}
