import { describe, expect, it } from 'vitest';
import { simulate } from '../../examples/offline/simulate.js';

describe('examples/offline --simulate', () => {
  it('each turn goes through Vosk, llama.cpp and Piper, from S1’s offline .env, with no key', async () => {
    const turns = await simulate({ print: false });
    const servedBy = { stt: 'vosk/default', llm: 'llama-cpp/local', tts: 'piper/default' };
    expect(turns).toEqual([
      { caller: 'what time do you open tomorrow', agent: 'We open at nine tomorrow morning.', audioMs: 200, servedBy },
      { caller: 'thank you goodbye', agent: 'You are welcome, goodbye!', audioMs: 200, servedBy },
    ]);
  });
});
