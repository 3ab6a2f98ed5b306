/**
 * A LiveKit agent with no cloud at all: Vosk STT, a local llama.cpp and Piper TTS, from S1's offline `.env`.
 *
 *   STT_PROVIDER=vosk TTS_PROVIDER=piper LOCAL_LLM_BASE_URL=http://localhost:8080/v1 npm run example:offline -- dev
 *   npm run example:offline -- --simulate     # keyless: a simulated call against the library's mocks
 */
import { fileURLToPath } from 'node:url';
import { cli, defineAgent, type JobContext, ServerOptions, voice } from '@livekit/agents';
import { createVoiceStack, voiceStackConfigFromEnv } from 'livekit-voice-stack';
import { INSTRUCTIONS } from './instructions.js';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const stack = await createVoiceStack(voiceStackConfigFromEnv());
    ctx.addShutdownCallback(() => stack.close());
    const session = new voice.AgentSession({ ...stack.sessionOptions() });
    stack.attach(session);
    await session.start({ agent: new voice.Agent({ instructions: INSTRUCTIONS }), room: ctx.room });
    session.say('Hello! Everything you say stays on this machine.');
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--simulate')) {
    const { initializeLogger } = await import('@livekit/agents');
    initializeLogger({ pretty: false, level: 'error' });
    const { simulate } = await import('./simulate.js');
    await simulate();
    process.exit(0);
  } else cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url) }));
}
