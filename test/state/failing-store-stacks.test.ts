import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import {
  mockCartesiaTTS,
  mockDeepgramSTT,
  mockInferenceSTT,
  mockOpenAIEndpoint,
  mockOpenAISpeechEndpoint,
  startTextSession,
  type MockCartesiaTTS,
  type MockDeepgramSTT,
  type MockInferenceSTT,
} from '../../src/testing/index.js';
import { startAudioSession } from '../helpers/audio-session.js';
import { listen } from '../helpers/listen.js';
import { useMswServer } from '../helpers/msw.js';
import { recordEvents, recordingLogger } from '../helpers/recorders.js';
import { SPEECH_KEYS } from '../helpers/speech-secrets.js';
import { failingStore } from '../helpers/state.js';
import { primaryAndBackup } from '../helpers/chain-stack.js';

// The failing-store matrix through whole stacks (createVoiceStack against the mocks): the store rejects, throws or
// hangs on every call, and each chain's primary refuses every request with a 429. Each turn therefore reads a
// cooldown (which fails: no entry) and writes one (which fails): the fallback must answer every turn, nothing may be
// left unhandled, and the outage is logged once per stack, not per turn.

const HOWS = ['reject', 'throw', 'hang'] as const;
const TURNS = 3;

const { primary, backup, config, handlers: chainHandlers } = primaryAndBackup();
const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'It is noon.' });
const speech = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1', auth: { bearer: SPEECH_KEYS.openai } });
useMswServer(...chainHandlers, ...openai.handlers, ...speech.handlers);
let deepgram: MockDeepgramSTT;
let inference: MockInferenceSTT;
let cartesia: MockCartesiaTTS;
beforeAll(async () => {
  [deepgram, inference, cartesia] = await Promise.all([
    mockDeepgramSTT({ transcript: 'What time is it?', apiKey: SPEECH_KEYS.deepgram }),
    mockInferenceSTT({ transcript: 'What time is it?', auth: { apiKey: SPEECH_KEYS.livekitKey, apiSecret: SPEECH_KEYS.livekitSecret } }),
    mockCartesiaTTS({ apiKey: SPEECH_KEYS.cartesia }),
  ]);
});
afterAll(() => Promise.all([deepgram.close(), inference.close(), cartesia.close()]));

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);
beforeAll(() => void process.on('unhandledRejection', onRejection));
afterAll(() => void process.off('unhandledRejection', onRejection));

/** The store's outage warnings a stack logged. */
const outageWarnings = (logger: ReturnType<typeof recordingLogger>) =>
  logger.messages('warn').filter((message) => message.startsWith('Failed to use the failing-'));

describe.each(HOWS)('a store that %ss, through a whole stack', (how) => {
  it('LLM: the backup answers every turn of a text session', async () => {
    primary.reset();
    backup.reset();
    primary.use({ status: 429, retryAfter: 30 });
    const logger = recordingLogger();
    const stack = await createVoiceStack(config, { env: {}, logger, store: failingStore(how) });
    const recorder = recordEvents(stack);
    const session = await startTextSession(stack);
    try {
      for (let turn = 1; turn <= TURNS; turn++) expect((await session.ask(`Question ${turn}?`)).text).toBe('From the backup.');
    } finally {
      await session.close();
      await stack.close();
    }
    // Fail open: no cooldown was kept, so each turn asked the primary again before the backup answered.
    expect(primary.chatRequests()).toHaveLength(TURNS);
    expect(backup.chatRequests()).toHaveLength(TURNS);
    expect(recorder.of('fallback')).toHaveLength(TURNS);
    expect(recorder.of('exhausted')).toEqual([]);
    expect(outageWarnings(logger)).toHaveLength(1);
    expect(outageWarnings(logger)[0]).toMatch(/Fix: check the store/);
    expect(rejections).toEqual([]);
  });

  it('STT: the fallback transcribes every utterance', async () => {
    deepgram.reset();
    inference.reset();
    deepgram.use({ status: 429 });
    const logger = recordingLogger();
    const stack = await createVoiceStack(
      {
        stt: [
          { provider: 'deepgram', baseURL: deepgram.baseURL, apiKey: SPEECH_KEYS.deepgram },
          { provider: 'inference', baseURL: inference.baseURL, apiKey: SPEECH_KEYS.livekitKey, apiSecret: SPEECH_KEYS.livekitSecret },
        ],
      },
      { env: {}, logger, store: failingStore(how) },
    );
    const recorder = recordEvents(stack);
    try {
      for (let utterance = 0; utterance < TURNS; utterance++) expect((await listen(stack.stt!)).final).toBe('What time is it?');
    } finally {
      await stack.close();
    }
    // Deepgram was tried again each time (no cooldown was kept), and each time the fallback took over.
    expect(recorder.of('fallback').map((event) => [event.from, event.error.category])).toEqual(
      Array(TURNS).fill([stack.options.stt[0]!.label, 'rate_limit']),
    );
    expect(inference.requests.flatMap((request) => request.transcripts)).toEqual(Array(TURNS).fill('What time is it?'));
    expect(recorder.of('exhausted')).toEqual([]);
    expect(outageWarnings(logger)).toHaveLength(1);
    expect(rejections).toEqual([]);
  });

  it('TTS: the fallback speaks every reply of an audio session, which never closes', async () => {
    cartesia.reset();
    speech.reset();
    openai.reset();
    cartesia.use({ status: 429 });
    const logger = recordingLogger();
    const stack = await createVoiceStack(
      {
        llm: { provider: 'openai', model: 'gpt-4.1-mini', apiKey: SPEECH_KEYS.openai },
        tts: [
          { provider: 'cartesia', baseURL: cartesia.baseURL, apiKey: SPEECH_KEYS.cartesia },
          { provider: 'openai', apiKey: SPEECH_KEYS.openai },
        ],
      },
      { env: {}, logger, store: failingStore(how) },
    );
    const recorder = recordEvents(stack);
    const call = await startAudioSession(stack, { audioInput: false });
    try {
      for (let turn = 1; turn <= TURNS; turn++) {
        const samples = call.output.samples;
        const replied = call.nextReply();
        call.session.generateReply({ userInput: `Question ${turn}?` });
        await replied;
        expect(call.messages().at(-1)).toEqual(['assistant', 'It is noon.']);
        expect(call.output.samples).toBeGreaterThan(samples);
      }
      expect(call.closed).toEqual([]);
    } finally {
      await call.close();
      await stack.close();
    }
    expect(speech.requests.map((request) => request.text.trim())).toEqual(Array(TURNS).fill('It is noon.'));
    expect(recorder.of('fallback').map((event) => [event.from, event.error.category])).toEqual(
      Array(TURNS).fill([stack.options.tts[0]!.label, 'rate_limit']),
    );
    expect(recorder.of('exhausted')).toEqual([]);
    // One stack, two chains (LLM and TTS), one outage: one warning.
    expect(outageWarnings(logger)).toHaveLength(1);
    expect(rejections).toEqual([]);
  });
});
