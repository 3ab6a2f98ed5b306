import { describe, expect, it } from 'vitest';
import { simulate } from '../../examples/realtime-vs-pipeline/simulate.js';

describe('examples/realtime-vs-pipeline --simulate', () => {
  it('a refused Realtime handshake puts the first call on the pipeline from its first word; the next one too, until an admin sets the mode again', async () => {
    const calls = await simulate({ print: false });
    expect(calls).toEqual([
      { mode: 'runpod_streaming', fellBackFrom: 'openai_realtime', reply: 'Hi, this is the self-hosted pipeline.' },
      { mode: 'runpod_streaming', fellBackFrom: 'openai_realtime', reply: 'Hi, this is the self-hosted pipeline.' },
      { mode: 'openai_realtime', fellBackFrom: undefined, reply: 'Hi, this is the realtime model.' },
    ]);
  });
});
