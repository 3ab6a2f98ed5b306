import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceStack, voiceStackConfigFromEnv } from '../../src/index.js';
import {
  mockCartesiaTTS,
  mockDeepgramSTT,
  mockOpenAIEndpoint,
  type MockCartesiaTTS,
  type MockDeepgramSTT,
} from '../../src/testing/index.js';
import { CARTESIA_DEFAULT_VOICES } from '../../src/providers/cartesia/cartesia-voices.js';
import { useMswServer } from '../helpers/msw.js';
import { startAudioSession } from '../helpers/audio-session.js';
import { KEYS } from '../helpers/setup-envs.js';

const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'Bien sûr.' });
useMswServer(...openai.handlers);
let deepgram: MockDeepgramSTT;
let cartesia: MockCartesiaTTS;
beforeAll(async () => {
  [deepgram, cartesia] = await Promise.all([mockDeepgramSTT({ transcript: 'Bonjour' }), mockCartesiaTTS({ audioMs: 100 })]);
});
afterAll(() => Promise.all([deepgram.close(), cartesia.close()]));

/** S0's plugins (flag off), pointed at the mocks. */
function s0Config() {
  const config = voiceStackConfigFromEnv({
    USE_LIVEKIT_INFERENCE: 'false',
    OPENAI_API_KEY: KEYS.openai,
    DEEPGRAM_API_KEY: KEYS.deepgram,
    CARTESIA_API_KEY: KEYS.cartesia,
  });
  return {
    ...config,
    stt: { ...(config.stt as object[])[0], baseURL: deepgram.baseURL } as never,
    llm: { provider: 'openai', model: 'gpt-4.1-mini', apiKey: KEYS.openai } as const,
    tts: { ...(config.tts as object[])[0], baseURL: cartesia.baseURL } as never,
  };
}

async function oneCall(stack: Awaited<ReturnType<typeof createVoiceStack>>) {
  const call = await startAudioSession(stack);
  try {
    const replied = call.nextReply();
    await call.input.speak();
    await replied;
    return call.messages();
  } finally {
    await call.close();
  }
}

describe('language-aware choices: the language picks model and voice per slot, per stack or per call', () => {
  it('a French and an English call on one shared stack each get theirs (Nova-3 fr, Sonic Turbo with a French voice)', async () => {
    deepgram.reset();
    cartesia.reset();
    const stack = await createVoiceStack(s0Config(), { env: {} });
    const french = await stack.forLanguage('fr');
    expect(await stack.forLanguage('fr')).toBe(french); // built once, shared by every French call
    const [frMessages, enMessages] = await Promise.all([oneCall(french), oneCall(stack)]);
    await stack.close(); // closes the French sibling too
    expect(frMessages).toEqual([
      ['user', 'Bonjour'],
      ['assistant', 'Bien sûr.'],
    ]);
    expect(enMessages).toHaveLength(2);
    expect(deepgram.requests.map((request) => [request.model, request.language]).sort()).toEqual([
      ['nova-3', 'en'],
      ['nova-3', 'fr'],
    ]);
    const byLanguage = Object.fromEntries(cartesia.requests.map((request) => [request.language, [request.model, request.voice]]));
    expect(byLanguage.fr).toEqual(['sonic-turbo', CARTESIA_DEFAULT_VOICES.fr]);
    expect(byLanguage.en).toEqual(['sonic-3', CARTESIA_DEFAULT_VOICES.en]);
  });

  it('the table can be overridden per language, and an entry’s own choices always win', async () => {
    cartesia.reset();
    const stack = await createVoiceStack(
      {
        ...s0Config(),
        language: 'de',
        languages: { de: { tts: { cartesia: { model: 'sonic-2', voice: 'my-german-voice' } } } },
      },
      { env: {} },
    );
    expect(stack.options.tts.map((option) => option.label)).toEqual(['cartesia/sonic-2']);
    expect(stack.options.stt.map((option) => option.label)).toEqual(['deepgram/nova-3']);
    await stack.close();
    const own = await createVoiceStack(
      {
        ...s0Config(),
        language: 'fr',
        tts: { provider: 'cartesia', model: 'sonic-3', voice: 'mine', baseURL: cartesia.baseURL, apiKey: KEYS.cartesia },
      },
      { env: {} },
    );
    expect(own.options.tts.map((option) => option.label)).toEqual(['cartesia/sonic-3']);
    await own.close();
  });

  it('a malformed language is named with the fix', async () => {
    await expect(createVoiceStack({ language: 'french!' }, { env: {} })).rejects.toThrow('language: expected a language code');
  });
});
