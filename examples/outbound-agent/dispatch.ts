/**
 * Asks the worker to call a number: creates a room and an explicit dispatch of the outbound agent into it.
 *
 *   npm run example:dispatch -- +33612345678
 */
import { AgentDispatchClient } from 'livekit-server-sdk';
import { AGENT_NAME } from './call-script.js';

const phoneNumber = process.argv[2];
const { LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET } = process.env;
if (!phoneNumber?.startsWith('+')) {
  console.error('Failed to dispatch: give the number to call in E.164 form. Fix: npm run example:dispatch -- +33612345678');
  process.exit(2);
}
if (!LIVEKIT_URL || !LIVEKIT_API_KEY || !LIVEKIT_API_SECRET) {
  console.error(
    'Failed to dispatch: LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be set. Fix: export them (see examples/outbound-agent/README.md).',
  );
  process.exit(2);
}
const room = `call-${phoneNumber.replace(/\D/g, '')}-${Date.now()}`;
const dispatch = await new AgentDispatchClient(LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET).createDispatch(room, AGENT_NAME, {
  metadata: JSON.stringify({ phoneNumber }),
});
console.log(`Dispatched ${AGENT_NAME} to room ${room} (dispatch ${dispatch.id}) to call ${phoneNumber}.`);
