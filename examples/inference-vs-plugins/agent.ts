/**
 * One flag switches the agent between LiveKit Inference and the direct plugins, with automatic fallback to the plugins
 * when Inference cannot start.
 *
 *   USE_LIVEKIT_INFERENCE=true npm run example:inference-vs-plugins -- dev
 */
import { fileURLToPath } from 'node:url';
import { cli, defineAgent, type JobContext, type JobProcess, ServerOptions, voice } from '@livekit/agents';
import { createModes } from './modes.js';

const controller = createModes();
controller.on('fallback', ({ from, to, error }) =>
  console.warn(`[modes] ${from} unavailable (${String((error as Error)?.message ?? error)}); using ${to}`),
);

export default defineAgent({
  prewarm: async (_proc: JobProcess) => {
    await controller.stackForCall().then((call) => call.release()); // build (and probe) the preferred stack once per process
  },
  entry: async (ctx: JobContext) => {
    const call = await controller.stackForCall();
    const session = call.bind(new voice.AgentSession({ ...call.stack.sessionOptions() }));
    await session.start({
      agent: new voice.Agent({ instructions: `You are a helpful assistant (served by ${call.mode}).` }),
      room: ctx.room,
    });
    session.say('Hello! How can I help?');
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url) }));
}
