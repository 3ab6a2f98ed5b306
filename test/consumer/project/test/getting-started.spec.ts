// docs/getting-started.md step 2 as written: plugins from three packages, with no logger set up by the host.
import { afterAll, expect, it, vi } from 'vitest';
import type { VoiceStack } from 'livekit-voice-stack';

let stack: VoiceStack | undefined;
afterAll(() => stack?.close());

it('getting-started "2. Describe the stack" creates its stack', async () => {
  vi.stubEnv('DEEPGRAM_API_KEY', 'dg-consumer');
  vi.stubEnv('OPENAI_API_KEY', 'sk-consumer');
  vi.stubEnv('CARTESIA_API_KEY', 'sk_car_consumer');
  ({ stack } = await import('../blocks/getting-started-describe.js'));
  expect(Object.values(stack!.options).map((options) => options.map((option) => option.provider))).toEqual([
    ['deepgram'],
    ['openai', 'llama-cpp'],
    ['cartesia'],
  ]);
});
