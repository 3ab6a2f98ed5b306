import {
  mockCartesiaTTS,
  mockDeepgramSTT,
  mockElevenLabsTTS,
  type STTMockBase,
  type STTScenario,
  type TTSMockBase,
  type TTSScenario,
} from '../src/testing/index.js';

/** The speech endpoints of the bench, each a mock of `livekit-voice-stack/testing` with one fixed behaviour. */
export type SpeechMockName =
  | 'cartesia'
  | 'cartesia-rate-limited'
  | 'cartesia-hanging'
  | 'elevenlabs'
  | 'deepgram'
  /** Healthy, except connections given a scripted mid-stream close (`use`), one per scenario. */
  | 'deepgram-dying';

export interface SpeechMockOptions {
  /** Delay before the first audio of a synthesis, in ms. */
  ttfbMs: number;
  /** Length of the audio of a synthesis, in ms. */
  audioMs: number;
}

export interface SpeechMocks {
  /** `http://127.0.0.1:<port>…` per mock: the `baseURL` of a config entry. */
  readonly baseURLs: Record<SpeechMockName, string>;
  use(name: SpeechMockName, scenarios: (STTScenario & TTSScenario)[]): void;
  /** Syntheses (TTS) or connections and requests (STT) received. */
  requests(name: SpeechMockName): number;
  close(): Promise<void>;
}

/** The final transcript of every utterance the STT mocks hear. */
export const BENCH_TRANSCRIPT = 'What time is it?';

/**
 * Starts the WebSocket speech mocks: a behaviour per endpoint (not per model, as the OpenAI-format server does), since
 * the provider protocols carry no free-form model name the mock could switch on. Runs in the bench's server thread.
 */
export async function startSpeechMocks(options: SpeechMockOptions): Promise<SpeechMocks> {
  const tts = { audioMs: options.audioMs };
  const stt = { transcript: BENCH_TRANSCRIPT, afterAudioMs: 300, endOfSpeechMs: 300 };
  const [cartesia, rateLimited, hanging, elevenlabs, deepgram, dying] = await Promise.all([
    mockCartesiaTTS(tts),
    mockCartesiaTTS(tts),
    mockCartesiaTTS(tts),
    mockElevenLabsTTS(tts),
    mockDeepgramSTT(stt),
    mockDeepgramSTT(stt),
  ]);
  const healthy: TTSScenario = { delayMs: options.ttfbMs };
  cartesia.use(healthy);
  elevenlabs.use(healthy);
  // Refused at every handshake, as Cartesia does when the account is rate limited (the `ws` client drops the headers).
  rateLimited.use({ status: 429, retryAfter: 600, message: 'Too many requests' });
  // Accepts every generation and never answers.
  hanging.use({ stallAfterChunks: 0 });
  const mocks: Record<SpeechMockName, (TTSMockBase | STTMockBase) & { baseURL: string; close(): Promise<void> }> = {
    cartesia,
    'cartesia-rate-limited': rateLimited,
    'cartesia-hanging': hanging,
    elevenlabs,
    deepgram,
    'deepgram-dying': dying,
  };
  return {
    baseURLs: Object.fromEntries(Object.entries(mocks).map(([name, mock]) => [name, mock.baseURL])) as Record<SpeechMockName, string>,
    use: (name, scenarios) => void (mocks[name].use as (...all: unknown[]) => unknown)(...scenarios),
    requests: (name) => mocks[name].requests.length,
    close: async () => {
      await Promise.all(Object.values(mocks).map((mock) => mock.close()));
    },
  };
}
