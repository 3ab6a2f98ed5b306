/**
 * Keyless: three calls against local mocks of OpenAI Realtime and of the self-hosted pipeline. The first call's Realtime
 * handshake is refused (429), so it runs on the pipeline from its first word; the second one, seconds later, goes
 * straight to the pipeline (Realtime is tried again after `fallbackForMs`); then an admin sets the mode again (as the
 * dashboard does) and the third call gets Realtime. Last, the admin makes the pipeline the mode and rolls Realtime out
 * to 10 % of calls: a call id always lands in the same mode for a given rollout (room-17 in Realtime, room-5 not).
 */
import { voice } from '@livekit/agents';
import { setupServer } from 'msw/node';
import { createMemoryStore } from 'livekit-voice-stack';
import { localOnly, mockOpenAIEndpoint, mockOpenAIRealtime } from 'livekit-voice-stack/testing';
import { createModes } from './modes.js';

export interface SimulatedCall {
  callId: string;
  mode: string;
  fellBackFrom: string | undefined;
  reply: string;
}

export async function simulate({ print = true }: { print?: boolean } = {}): Promise<SimulatedCall[]> {
  const realtime = await mockOpenAIRealtime({ reply: 'Hi, this is the realtime model.' });
  const runpod = mockOpenAIEndpoint({ baseURL: 'http://runpod.local/v1', reply: 'Hi, this is the self-hosted pipeline.' });
  const server = setupServer(...runpod.handlers);
  server.listen({ onUnhandledFrame: localOnly });
  const env = {
    LLM_MODE: 'openai_realtime',
    OPENAI_API_KEY: 'simulated-key',
    RUNPOD_A100_ENDPOINT: 'http://runpod.local/v1',
    RUNPOD_LLM_MODEL: 'qwen-14b',
  };
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const controller = createModes(env, { store: createMemoryStore(), logger: quiet, realtimeBaseURL: realtime.baseURL });
  controller.on('fallback', ({ from, to, error }) => print && console.log(`[fallback] ${from} → ${to}: ${(error as Error).message}`));
  const calls: SimulatedCall[] = [];
  try {
    realtime.use({ status: 429, retryAfter: 20, times: 1 }); // OpenAI refuses the first call's handshake
    const script = [
      { callId: 'room-1', question: 'Hello, is anyone there?' },
      { callId: 'room-2', question: 'Hello again!' },
      { callId: 'room-3', question: 'Third time lucky?' },
      { callId: 'room-17', question: 'Am I in the 10 %?' },
      { callId: 'room-5', question: 'And me?' },
    ];
    for (const { callId, question } of script) {
      if (calls.length === 2) await controller.setMode('openai_realtime'); // an explicit switch tries Realtime again at once
      if (calls.length === 3) {
        await controller.setMode('runpod_streaming');
        await controller.setRollout({ openai_realtime: 10 }); // 10 % of calls, chosen by call id
        if (print) console.log(`[admin] mode runpod_streaming, rollout ${JSON.stringify(controller.rollout)}`);
      }
      const call = await controller.stackForCall(callId);
      const { llm, tts, connOptions } = call.stack.sessionOptions();
      const session = call.bind(
        new voice.AgentSession({ llm: llm!, ...(tts && { tts }), connOptions, vad: null, turnHandling: { turnDetection: null } }),
      );
      await session.start({ agent: new voice.Agent({ instructions: 'You are a friendly receptionist.' }) });
      const result = await session.run({ userInput: question }).wait();
      const reply = result.events
        .flatMap((event) => (event.type === 'message' && event.item.role === 'assistant' ? [event.item.textContent ?? ''] : []))
        .join(' ');
      calls.push({ callId, mode: call.mode, fellBackFrom: call.fellBackFrom, reply });
      if (print)
        console.log(
          `[call ${callId}] mode ${call.mode}${call.fellBackFrom ? ` (fell back from ${call.fellBackFrom})` : ''}\n  caller: ${question}\n  agent:  ${reply}`,
        );
      await session.close();
    }
    if (print) console.log(`calls that fell back per mode: ${JSON.stringify(controller.fallbacksByMode())}`);
    return calls;
  } finally {
    await controller.close();
    server.close();
    await realtime.close();
  }
}
