/**
 * An outbound-calling LiveKit agent. Dispatched with metadata `{ "phoneNumber": "+33…" }`, it dials the number through
 * a SIP trunk, waits for the callee to answer, and greets them. Providers come from the environment
 * (`voiceStackConfigFromEnv()`), with the retry window, fallback chains and spoken error policy of livekit-voice-stack.
 *
 *   npm run example:outbound -- start          # run the worker (needs LIVEKIT_URL/API_KEY/API_SECRET and a SIP trunk)
 *   npm run example:outbound -- --simulate     # no keys, no server: a simulated call against local mocks
 */
import { fileURLToPath } from 'node:url';
import { cli, defineAgent, type JobContext, ServerOptions, voice } from '@livekit/agents';
import { createVoiceStack, voiceStackConfigFromEnv } from 'livekit-voice-stack';
import { SipClient } from 'livekit-server-sdk';

import { AGENT_NAME, GREETING, INSTRUCTIONS } from './call-script.js';

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const { phoneNumber } = JSON.parse(ctx.job.metadata || '{}') as { phoneNumber?: string };
    if (!phoneNumber)
      throw new Error('Failed to place the call: the dispatch metadata has no `phoneNumber`. Fix: dispatch with {"phoneNumber": "+33…"}.');
    const trunkId = process.env.SIP_OUTBOUND_TRUNK_ID;
    if (!trunkId)
      throw new Error('Failed to place the call: SIP_OUTBOUND_TRUNK_ID is not set. Fix: create an outbound trunk and set its id.');

    const stack = await createVoiceStack({
      ...voiceStackConfigFromEnv(),
      verbal: {
        holding: ['One moment, please.', 'Just a second.'],
        apology: "Sorry, I'm having trouble right now. Could you say that again in a moment?",
      },
    });
    ctx.addShutdownCallback(() => stack.close());
    await ctx.connect();

    const identity = `sip-${phoneNumber}`;
    const sip = new SipClient(ctx.info.url, process.env.LIVEKIT_API_KEY, process.env.LIVEKIT_API_SECRET);
    await sip.createSipParticipant(trunkId, phoneNumber, ctx.room.name!, {
      participantIdentity: identity,
      waitUntilAnswered: true, // resolves when the callee picks up
      ringingTimeout: 30,
      ...(process.env.SIP_FROM_NUMBER && { fromNumber: process.env.SIP_FROM_NUMBER }),
    });
    const participant = await ctx.waitForParticipant(identity);

    const session = new voice.AgentSession({ ...stack.sessionOptions() });
    stack.attach(session); // error listener, spoken error policy, metrics
    await session.start({
      agent: new voice.Agent({ instructions: INSTRUCTIONS }),
      room: ctx.room,
      inputOptions: { participantIdentity: participant.identity },
    });
    session.say(GREETING);
  },
});

if (process.argv.includes('--simulate')) {
  const { simulateCall } = await import('./simulate.js');
  await simulateCall();
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  cli.runApp(new ServerOptions({ agent: fileURLToPath(import.meta.url), agentName: AGENT_NAME }));
}
