import { type HttpHandler, http, HttpResponse } from 'msw';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
import { errorResponse, scriptedFailure } from './scripted-failure.js';
import { audioStream, tonePCM, type TTSMockBase, type TTSRequest, type TTSScenario } from './tts-scenario.js';

/** OpenAI's speech endpoint answers 24 kHz mono PCM for `response_format: "pcm"`. */
const OPENAI_TTS_SAMPLE_RATE = 24_000;

export interface MockOpenAISpeechEndpointOptions {
  /** The base URL clients are configured with, e.g. `https://api.openai.com/v1` or `http://kokoro:8880/v1`. */
  baseURL: string;
  /** Length of the audio of a normal answer, in ms. @default 200 */
  audioMs?: number;
  /** Check `Authorization: Bearer <token>`; a wrong or missing token gets a 401. @default no check */
  auth?: { bearer: string };
}

/** A mocked OpenAI-format speech endpoint (OpenAI, Kokoro, openedai-speech …) for msw. */
export interface MockOpenAISpeechEndpoint extends TTSMockBase {
  readonly baseURL: string;
  /** Pass to `setupServer(...endpoint.handlers)` or `server.use(...)`. */
  readonly handlers: HttpHandler[];
}

/**
 * Mocks `POST {baseURL}/audio/speech` with msw: JSON in, raw 16-bit PCM at 24 kHz out (what the OpenAI plugin asks
 * for with `response_format: "pcm"`). Scenarios script status codes with `Retry-After`, delays, resets and stalls.
 *
 * @example
 * const speech = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1' });
 * speech.use({ status: 429, retryAfter: 2, times: 1 });
 * const server = setupServer(...speech.handlers);
 */
export function mockOpenAISpeechEndpoint(options: MockOpenAISpeechEndpointOptions): MockOpenAISpeechEndpoint {
  const base = options.baseURL.replace(/\/+$/, '');
  const scenarios = new ScenarioQueue<TTSScenario>();
  const requests: TTSRequest[] = [];
  return withScenarios(scenarios, [requests], {
    baseURL: base,
    requests,
    handlers: [
      http.post(`${base}/audio/speech`, async ({ request }) => {
        const body = (await request
          .clone()
          .json()
          .catch(() => undefined)) as Record<string, unknown> | undefined;
        const url = new URL(request.url);
        requests.push({
          ...recordedRequest('http', url, request.headers),
          model: typeof body?.model === 'string' ? body.model : undefined,
          voice: typeof body?.voice === 'string' ? body.voice : undefined,
          language: undefined,
          text: typeof body?.input === 'string' ? body.input : '',
          sampleRate: OPENAI_TTS_SAMPLE_RATE,
          body,
        });
        if (options.auth && request.headers.get('authorization') !== `Bearer ${options.auth.bearer}`) {
          return errorResponse({ status: 401, message: 'Incorrect API key provided' });
        }
        const scenario = scenarios.take() ?? {};
        const failure = await scriptedFailure(scenario, request.signal);
        if (failure) return failure;
        if (!body || typeof body.input !== 'string') return errorResponse({ status: 400, message: 'mock: `input` is required' });
        return new HttpResponse(audioStream(scenario, OPENAI_TTS_SAMPLE_RATE, options.audioMs ?? 200, request.signal), {
          // The full length, as a server that knows it sends: a body cut short (stall, reset) is then an error for
          // the client, not a complete (shorter) response.
          headers: {
            'content-type': 'audio/pcm',
            'content-length': String(tonePCM(OPENAI_TTS_SAMPLE_RATE, scenario.audioMs ?? options.audioMs ?? 200).length),
            'x-request-id': `req_tts_${requests.length}`,
          },
        });
      }),
    ],
  });
}
