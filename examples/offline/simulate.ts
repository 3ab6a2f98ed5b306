/**
 * Keyless: a simulated call on S1's offline stack, against the library's mocks of vosk-server (a real WebSocket server
 * on 127.0.0.1), llama.cpp and Piper (msw). Each turn: the caller's audio goes through Vosk (the stack's STT), the
 * words to the agent (the stack's LLM), the reply through Piper (the stack's TTS). Built from the `.env` the team
 * uses, with `STT_HOST`/`STT_PORT` pointed at the Vosk mock.
 */
import { stt } from '@livekit/agents';
import { setupServer } from 'msw/node';
import { createMemoryStore, createVoiceStack, voiceStackConfigFromEnv, type VoiceStack } from 'livekit-voice-stack';
import {
  localOnly,
  mockOpenAIEndpoint,
  mockPiperTTS,
  mockVoskSTT,
  pushFrames,
  speechLikeFrames,
  startTextSession,
} from 'livekit-voice-stack/testing';
import { INSTRUCTIONS } from './instructions.js';

export interface SimulatedTurn {
  /** What Vosk heard. */
  caller: string;
  /** What the agent answered (llama.cpp). */
  agent: string;
  /** Length of the agent's audio (Piper), in ms. */
  audioMs: number;
  /** Who served each slot, `provider/model`. */
  servedBy: { stt: string; llm: string; tts: string };
}

const SCRIPT = [
  { caller: 'what time do you open tomorrow', agent: 'We open at nine tomorrow morning.' },
  { caller: 'thank you goodbye', agent: 'You are welcome, goodbye!' },
];

export async function simulate({ print = true }: { print?: boolean } = {}): Promise<SimulatedTurn[]> {
  const vosk = await mockVoskSTT();
  const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1' });
  const piper = mockPiperTTS();
  const server = setupServer(...llama.handlers, ...piper.handlers);
  server.listen({ onUnhandledFrame: localOnly });
  const port = new URL(vosk.baseURL).port;
  const env = {
    STT_PROVIDER: 'vosk',
    STT_HOST: '127.0.0.1',
    STT_PORT: port,
    TTS_PROVIDER: 'piper',
    TTS_HOST: 'localhost',
    TTS_PORT: '5000',
    LOCAL_LLM_BASE_URL: 'http://localhost:8080/v1',
  };
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  // The servers are mocks of this process: so is the state (see examples/outbound-agent/simulate.ts).
  const stack = await createVoiceStack(voiceStackConfigFromEnv(env), { env: {}, logger: quiet, store: createMemoryStore() });
  const call = await startTextSession(stack, { instructions: INSTRUCTIONS });
  const turns: SimulatedTurn[] = [];
  try {
    for (const line of SCRIPT) {
      vosk.use({ transcript: line.caller, times: 1 });
      llama.use({ reply: line.agent, times: 1 });
      const caller = await hear(stack);
      const reply = await call.ask(caller);
      const audioMs = await say(stack, reply.text);
      const turn = {
        caller,
        agent: reply.text,
        audioMs,
        servedBy: { stt: stack.options.stt[0]!.label, llm: stack.options.llm[0]!.label, tts: stack.options.tts[0]!.label },
      };
      turns.push(turn);
      if (print)
        console.log(
          `  caller (${turn.servedBy.stt}): ${caller}\n  agent  (${turn.servedBy.llm}, ${turn.servedBy.tts}, ${audioMs} ms of audio): ${reply.text}`,
        );
    }
    return turns;
  } finally {
    await call.close();
    await stack.close();
    server.close();
    await vosk.close();
  }
}

/** The caller speaks: speech-like audio into the stack's STT, until its final transcript. */
async function hear(stack: VoiceStack): Promise<string> {
  const stream = stack.stt!.stream();
  const pushing = pushFrames(stream, speechLikeFrames(), { end: false }).catch(() => undefined);
  try {
    for await (const event of stream) {
      if (event.type === stt.SpeechEventType.FINAL_TRANSCRIPT) return event.alternatives?.[0]?.text ?? '';
    }
    return '';
  } finally {
    await pushing;
    stream.close();
  }
}

/** The agent speaks: the reply through the stack's TTS; returns the length of the audio. */
async function say(stack: VoiceStack, text: string): Promise<number> {
  const stream = stack.tts!.synthesize(text);
  let samples = 0;
  let rate = 1;
  for await (const audio of stream) {
    samples += audio.frame.samplesPerChannel;
    rate = audio.frame.sampleRate;
  }
  return Math.round((samples / rate) * 1000);
}
