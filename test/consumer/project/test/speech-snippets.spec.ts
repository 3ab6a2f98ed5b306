// docs/testing.md's speech snippets as written. They refer to "your msw server" (`declare const server`): here it is.
import { syncBuiltinESMExports } from 'node:module';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, it } from 'vitest';
import { localOnly } from 'livekit-voice-stack/testing';

const server = setupServer();
Object.assign(globalThis, { server });
beforeAll(() => {
  server.listen({ onUnhandledFrame: localOnly });
  syncBuiltinESMExports();
});
afterAll(() => server.close());

it('testing "Speech mocks (TTS)" runs as written', async () => {
  await import('../blocks/testing-speech-tts.js');
});

it('testing "Speech mocks (STT)" runs as written', async () => {
  await import('../blocks/testing-speech-stt.js');
});
