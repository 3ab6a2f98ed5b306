/**
 * OpenAI Realtime or the self-hosted pipeline, per call, switched by an admin (the dashboard, or `setMode()`), never
 * mid-call; a call whose Realtime handshake is refused starts on the pipeline.
 *
 *   LLM_MODE=openai_realtime OPENAI_API_KEY=… RUNPOD_A100_ENDPOINT=… ELEVENLABS_API_KEY=… npm run example:realtime-vs-pipeline -- dev
 *   npm run example:realtime-vs-pipeline -- --simulate     # keyless: a refused handshake falls back to the pipeline
 */
import { fileURLToPath } from 'node:url';
import { cli, defineAgent, type JobContext, ServerOptions, voice } from '@livekit/agents';
import { createModes } from './modes.js';

const simulating = process.argv.includes('--simulate');
const controller = simulating ? undefined : createModes();

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const call = await controller!.stackForCall();
    const session = call.bind(new voice.AgentSession({ ...call.stack.sessionOptions() }));
    await session.start({ agent: new voice.Agent({ instructions: 'You are a friendly receptionist.' }), room: ctx.room });
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (simulating) {
    const { initializeLogger } = await import('@livekit/agents');
    initializeLogger({ pretty: false, level: 'error' });
    const { simulate } = await import('./simulate.js');
    await simulate();
    process.exit(0);
  } else cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url) }));
}
