// Fallbacks of the docs' provider pairs, as a user's script runs them: `fallback.ts <pair> [<pair> …]`, one after the
// other in one process (one Node and LiveKit start-up for all). For each, the primary is refused (429), the second
// option answers; the script prints one JSON line `{ pair, answers, fallbacks }` and closes everything of that pair as
// the docs say (session, stack, mocks). Then it prints the closing marker: the process must exit by itself, so a
// handle left open by any pair keeps it alive.
import { join } from 'node:path';
import { stt, tts } from '@livekit/agents';
import { setupServer } from 'msw/node';
import { createVoiceStack, type VoiceStackConfig } from 'livekit-voice-stack';
import {
  localOnly,
  mockCartesiaTTS,
  mockDeepgramSTT,
  mockElevenLabsTTS,
  mockInferenceSTT,
  mockInferenceTTS,
  mockOpenAIEndpoint,
  mockOpenAISpeechEndpoint,
  pushFrames,
  speechLikeFrames,
  startTextSession,
} from 'livekit-voice-stack/testing';

const CLOSED = 'composition: closed';
const livekit = { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' };
const env = {
  OPENAI_API_KEY: 'sk-test',
  OPENROUTER_API_KEY: 'sk-or-test',
  DEEPGRAM_API_KEY: 'dg-test',
  CARTESIA_API_KEY: 'sk_car_test',
  ELEVEN_API_KEY: 'xi-test',
  LIVEKIT_API_KEY: livekit.apiKey,
  LIVEKIT_API_SECRET: livekit.apiSecret,
};
const server = setupServer();
server.listen({ onUnhandledFrame: localOnly });

/** One pair: its mocks (on `server`, or closed by `closers`) and its config. */
async function setUp(pair: string) {
  const closers: (() => unknown)[] = [];
  let config: VoiceStackConfig;
  let kind: 'llm' | 'stt' | 'tts';
  switch (pair) {
    // README: OpenRouter's models, then a local llama.cpp.
    case 'openrouter>llama-cpp': {
      const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'From OpenRouter.' });
      const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'From llama.cpp.', llamaCpp: true });
      server.use(...openrouter.handlers, ...llama.handlers);
      openrouter.use({ status: 429, retryAfter: 30 });
      kind = 'llm';
      config = { llm: [{ provider: 'openrouter', models: ['a/one', 'b/two'] }, { provider: 'llama-cpp' }] };
      break;
    }
    // getting-started: OpenAI, then llama.cpp.
    case 'openai>llama-cpp': {
      const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'From OpenAI.' });
      const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'From llama.cpp.', llamaCpp: true });
      server.use(...openai.handlers, ...llama.handlers);
      openai.use({ status: 429, retryAfter: 30 });
      kind = 'llm';
      config = {
        llm: [
          { provider: 'openai', model: 'gpt-4.1-mini' },
          { provider: 'llama-cpp', baseURL: 'http://localhost:8080/v1' },
        ],
      };
      break;
    }
    // migration/cloud-to-self-hosted: a vLLM server, then OpenAI.
    case 'openai-compatible>openai': {
      const vllm = mockOpenAIEndpoint({ baseURL: 'http://vllm.internal:8000/v1', reply: 'From vLLM.' });
      const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'From OpenAI.' });
      server.use(...vllm.handlers, ...openai.handlers);
      vllm.use({ status: 429, retryAfter: 30 });
      kind = 'llm';
      config = {
        llm: [
          { provider: 'openai-compatible', baseURL: 'http://vllm.internal:8000/v1', model: 'Qwen/Qwen3-8B' },
          { provider: 'openai', model: 'gpt-4.1-mini' },
        ],
      };
      break;
    }
    // providers/inference: LiveKit Inference, then the Deepgram plugin.
    case 'inference>deepgram': {
      const gateway = await mockInferenceSTT({ transcript: 'What time is it?', auth: livekit });
      const deepgram = await mockDeepgramSTT({ transcript: 'What time is it?' });
      closers.push(
        () => gateway.close(),
        () => deepgram.close(),
      );
      gateway.use({ status: 429, retryAfter: 30 });
      kind = 'stt';
      config = {
        stt: [
          { provider: 'inference', model: 'deepgram/nova-3:fr', baseURL: gateway.baseURL },
          { provider: 'deepgram', model: 'nova-3', language: 'fr', baseURL: deepgram.baseURL },
        ],
      };
      break;
    }
    // Cartesia (24 kHz), then ElevenLabs (22.05 kHz: resampled to the chain's rate).
    case 'cartesia>elevenlabs': {
      const cartesia = await mockCartesiaTTS({ apiKey: env.CARTESIA_API_KEY });
      const elevenlabs = await mockElevenLabsTTS({ apiKey: env.ELEVEN_API_KEY });
      closers.push(
        () => cartesia.close(),
        () => elevenlabs.close(),
      );
      server.use(...cartesia.handlers, ...elevenlabs.handlers);
      cartesia.use({ status: 429, times: 1 });
      kind = 'tts';
      config = {
        tts: [
          { provider: 'cartesia', baseURL: cartesia.baseURL },
          { provider: 'elevenlabs', baseURL: elevenlabs.baseURL },
        ],
      };
      break;
    }
    // policies: Cartesia, then LiveKit Inference.
    case 'cartesia>inference': {
      const cartesia = await mockCartesiaTTS({ apiKey: env.CARTESIA_API_KEY });
      const gateway = await mockInferenceTTS({ auth: livekit });
      closers.push(
        () => cartesia.close(),
        () => gateway.close(),
      );
      server.use(...cartesia.handlers);
      cartesia.use({ status: 429, times: 1 });
      kind = 'tts';
      config = {
        tts: [
          { provider: 'cartesia', baseURL: cartesia.baseURL },
          { provider: 'inference', model: 'cartesia/sonic-turbo', baseURL: gateway.baseURL },
        ],
      };
      break;
    }
    // migration/cloud-to-self-hosted: a Kokoro server (OpenAI format, 24 kHz), then Cartesia.
    case 'openai-compatible>cartesia': {
      const kokoro = mockOpenAISpeechEndpoint({ baseURL: 'http://kokoro.internal:8880/v1' });
      const cartesia = await mockCartesiaTTS({ apiKey: env.CARTESIA_API_KEY });
      closers.push(() => cartesia.close());
      server.use(...kokoro.handlers, ...cartesia.handlers);
      kokoro.use({ status: 429, retryAfter: 30 });
      kind = 'tts';
      config = {
        tts: [
          { provider: 'openai-compatible', baseURL: 'http://kokoro.internal:8880/v1', model: 'kokoro', voice: 'af_bella' },
          { provider: 'cartesia', baseURL: cartesia.baseURL },
        ],
      };
      break;
    }
    default:
      throw new Error(`unknown pair ${pair}`);
  }
  return { closers, config, kind };
}

// Each pair keeps its cooldowns in a store of its own (a directory under the given one, found again by the next run):
// pairs that share a provider (OpenAI is the primary of one and the backup of another) must not see each other's.
const stateRoot = process.env.LIVEKIT_VOICE_STACK_STATE_DIR;
for (const pair of process.argv.slice(2)) {
  if (stateRoot) process.env.LIVEKIT_VOICE_STACK_STATE_DIR = join(stateRoot, pair.replace(/[^a-z-]/g, '_'));
  const { closers, config, kind } = await setUp(pair);
  const stack = await createVoiceStack(config, { env });
  const fallbacks: string[] = [];
  stack.on('fallback', ({ from, to, error }) => fallbacks.push(`${from} → ${to} (${error.category})`));
  const answers: string[] = [];
  if (kind === 'llm') {
    const session = await startTextSession(stack);
    for (const question of ['Hello?', 'Still there?']) answers.push((await session.ask(question)).text);
    await session.close();
  } else if (kind === 'tts') {
    for (const text of ['Hello there.', 'Goodbye.']) {
      const stream = stack.tts!.stream();
      stream.pushText(text);
      stream.endInput();
      let samples = 0;
      let rate = 0;
      for await (const audio of stream) {
        if (audio === tts.SynthesizeStream.END_OF_STREAM) break;
        samples += audio.frame.samplesPerChannel;
        rate = audio.frame.sampleRate;
      }
      stream.close();
      answers.push(`${samples > 0 ? 'audio' : 'silence'} at ${rate} Hz`);
    }
  } else {
    for (let turn = 0; turn < 2; turn++) {
      const stream = stack.stt!.stream();
      const pushing = pushFrames(stream, speechLikeFrames(), { end: false });
      for await (const event of stream) {
        if (event.type === stt.SpeechEventType.FINAL_TRANSCRIPT) {
          answers.push(event.alternatives?.[0]?.text ?? '');
          break;
        }
      }
      await pushing;
      stream.close();
    }
  }
  console.log(JSON.stringify({ pair, answers, fallbacks }));
  await stack.close();
  for (const close of closers) await close();
  server.resetHandlers();
}
server.close();
console.error(CLOSED);
