// One call in a process of its own (as LiveKit runs each call): builds a stack over a primary and a backup LLM, runs one
// text turn, prints `{ text, answeredBy }` as JSON. The store is the default machine store (LIVEKIT_VOICE_STACK_STATE_DIR)
// unless a Redis URL is given.
import { createVoiceStack } from '../../../src/stack/create-voice-stack.js';
import { createRedisStore } from '../../../src/state/create-redis-store.js';
import { startTextSession } from '../../../src/testing/index.js';

const [primaryURL, backupURL, redisURL] = process.argv.slice(2);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
// Generous: the first sync must finish before the turn, or this process would not see the other's cooldown.
const store = redisURL ? await createRedisStore({ url: redisURL }, { connectTimeoutMs: 60_000 }) : undefined;
const stack = await createVoiceStack(
  {
    llm: [
      { provider: 'openai-compatible', baseURL: primaryURL!, model: 'primary-model' },
      { provider: 'openai-compatible', baseURL: backupURL!, model: 'backup-model' },
    ],
  },
  { logger: quiet, ...(store && { store }) },
);
const answeredBy: string[] = [];
stack.on('transcript', (event) => {
  if (event.role === 'assistant') answeredBy.push(`${event.provider}/${event.model}`);
});
const session = await startTextSession(stack);
const { text } = await session.ask('When do you open?');
await session.close();
await stack.close();
// Every command to Redis goes over one connection in order: once the ping answers, the cooldown written is in Redis.
await store?.ping();
await store?.close();
process.stdout.write(`${JSON.stringify({ text, answeredBy })}\n`);
process.exit(0);
