import { STATUS_CODES } from 'node:http';
import { type HttpHandler, http, HttpResponse } from 'msw';
import { wavHeader } from '../providers/wav-file.js';
import { delayed } from './sleep.js';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
import { audioStream, tonePCM, type TTSMockBase, type TTSRequest, type TTSScenario } from './tts-scenario.js';

export interface MockPiperTTSOptions {
  /** The server's base URL. @default "http://localhost:5000" */
  baseURL?: string;
  /**
   * The HTTP API of the piper-tts version to mock: `"synthesize"` (1.5+: `POST /synthesize` with JSON, `GET /voices`,
   * `GET /` a web page), `"json"` (1.3–1.4: `POST /` with JSON, `GET /voices`), `"text"` (1.2 and earlier:
   * `POST /` with the text as body, or `GET /?text=`). @default "synthesize"
   */
  api?: 'synthesize' | 'json' | 'text';
  /** The voice the server was started with (`-m`): the one that speaks when a request names none or an unknown one. @default "en_US-lessac-medium" */
  voice?: string;
  /** Every voice in the server's data directory, by name, with its sample rate. @default { [voice]: sampleRate } */
  voices?: Record<string, number>;
  /** The default voice's sample rate. @default 22050 */
  sampleRate?: number;
  /** Length of the audio of a normal answer, in ms. @default 200 */
  audioMs?: number;
}

/** A mocked Piper HTTP server for msw. */
export interface MockPiperTTS extends TTSMockBase {
  readonly baseURL: string;
  /** Pass to `setupServer(...piper.handlers)` or `server.use(...)`. */
  readonly handlers: HttpHandler[];
}

/**
 * Mocks Piper's HTTP server (`python3 -m piper.http_server`) with msw, as each piper-tts version serves it: the text
 * in (JSON or plain), a whole 16-bit mono WAV out at the voice's sample rate, with the `text/html` content type Flask
 * gives bytes. An unknown voice speaks with the default one, as the real server does. Scenarios script statuses
 * (Flask's HTML error page, `Retry-After`), delays, resets, a body cut short or stalled, and `malformed` (a 200 with
 * the web page instead of a WAV).
 *
 * @example
 * const piper = mockPiperTTS();
 * piper.use({ status: 500, times: 1 });
 * const server = setupServer(...piper.handlers);
 */
export function mockPiperTTS(options: MockPiperTTSOptions = {}): MockPiperTTS {
  const base = (options.baseURL ?? 'http://localhost:5000').replace(/\/+$/, '');
  const api = options.api ?? 'synthesize';
  const defaultVoice = options.voice ?? 'en_US-lessac-medium';
  const voices = options.voices ?? { [defaultVoice]: options.sampleRate ?? 22_050 };
  const scenarios = new ScenarioQueue<TTSScenario>();
  const requests: TTSRequest[] = [];

  const synthesize = async (request: Request) => {
    const url = new URL(request.url);
    const raw = request.method === 'GET' ? (url.searchParams.get('text') ?? '') : await request.clone().text();
    let body: Record<string, unknown> | undefined;
    if (api !== 'text') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return flaskError(500); // json.loads raises: Flask's 500 page
      }
    }
    const text = (api === 'text' ? raw : String(body?.text ?? '')).trim();
    const asked = typeof body?.voice === 'string' ? body.voice : undefined;
    const voice = asked !== undefined && asked in voices ? asked : defaultVoice;
    const sampleRate = voices[voice] ?? options.sampleRate ?? 22_050;
    requests.push({
      ...recordedRequest('http', url, request.headers),
      model: undefined,
      voice,
      language: undefined,
      text,
      sampleRate,
      body: body ?? raw,
    });
    const scenario = scenarios.take() ?? {};
    if (!(await delayed(scenario.delayMs, request.signal))) return HttpResponse.error();
    if (scenario.status) return flaskError(scenario.status, scenario);
    if (scenario.reset) return HttpResponse.error();
    if (!text) return flaskError(500); // ValueError("No text provided")
    if (scenario.malformed) return new HttpResponse(WEB_PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } });
    const dataBytes = tonePCM(sampleRate, scenario.audioMs ?? options.audioMs ?? 200).length;
    return new HttpResponse(
      withHeader(wavHeader(sampleRate, dataBytes), audioStream(scenario, sampleRate, options.audioMs ?? 200, request.signal)),
      {
        // Flask's default for a view that returns bytes; the length is known, so a body cut short is an error.
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(44 + dataBytes) },
      },
    );
  };
  const listVoices = () =>
    HttpResponse.json(
      Object.fromEntries(Object.entries(voices).map(([name, sampleRate]) => [name, { audio: { sample_rate: sampleRate }, dataset: name }])),
    );

  const handlers =
    api === 'synthesize'
      ? [
          http.post(`${base}/synthesize`, ({ request }) => synthesize(request)),
          http.get(`${base}/voices`, listVoices),
          http.get(`${base}/`, () => new HttpResponse(WEB_PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } })),
          http.post(`${base}/`, () => flaskError(405)),
        ]
      : api === 'json'
        ? [
            http.post(`${base}/`, ({ request }) => synthesize(request)),
            http.get(`${base}/voices`, listVoices),
            http.get(`${base}/`, () => flaskError(405)),
          ]
        : [http.all(`${base}/`, ({ request }) => synthesize(request))];
  // Any other path of this server is Flask's 404 (a client speaking another version's API).
  handlers.push(http.all(`${base}/*`, () => flaskError(404)));
  return withScenarios(scenarios, [requests], { baseURL: base, requests, handlers });
}

const WEB_PAGE = '<!DOCTYPE html>\n<html lang="en"><head><title>Piper</title></head><body><h1>Piper</h1></body></html>\n';

const FLASK_MESSAGES: Record<number, string> = {
  404: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  405: 'The method is not allowed for the requested URL.',
};

/** Flask's HTML error page (what Piper answers for an exception, an unknown path or method). */
function flaskError(status: number, scenario: TTSScenario = {}): Response {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  const message =
    scenario.message ?? FLASK_MESSAGES[status] ?? 'The server encountered an internal error and was unable to complete your request.';
  const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', ...scenario.headers };
  if (scenario.retryAfter !== undefined) headers['retry-after'] = String(scenario.retryAfter);
  return new HttpResponse(
    `<!doctype html>\n<html lang=en>\n<title>${title}</title>\n<h1>${STATUS_CODES[status] ?? 'Error'}</h1>\n<p>${message}</p>\n`,
    {
      status,
      headers,
    },
  );
}

/** The WAV header, then the audio body (which may drop or stall as scripted). */
function withHeader(header: Buffer, audio: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = audio.getReader();
  let sentHeader = false;
  return new ReadableStream({
    async pull(controller) {
      if (!sentHeader) {
        sentHeader = true;
        return controller.enqueue(new Uint8Array(header));
      }
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
