/**
 * A LiveKit agent whose STT, LLM and TTS all run on your own servers (OpenAI-compatible APIs).
 *
 *   npm run example:self-hosted -- dev      # needs LIVEKIT_URL/API_KEY/API_SECRET and the three servers
 */
import { fileURLToPath } from 'node:url';
import { cli, defineAgent, type JobContext, ServerOptions, voice } from '@livekit/agents';
import { createVoiceStack } from 'livekit-voice-stack';
import { selfHostedConfig } from './config.js';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const stack = await createVoiceStack(selfHostedConfig());
    ctx.addShutdownCallback(() => stack.close());
    const session = new voice.AgentSession({ ...stack.sessionOptions() });
    stack.attach(session);
    await session.start({
      agent: new voice.Agent({ instructions: 'You are a helpful assistant running fully on-premises.' }),
      room: ctx.room,
    });
    session.say('Hello! Everything you say stays on our own servers.');
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url) }));
}
