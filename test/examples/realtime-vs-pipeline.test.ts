import { describe, expect, it } from 'vitest';
import { simulate } from '../../examples/realtime-vs-pipeline/simulate.js';

describe('examples/realtime-vs-pipeline --simulate', () => {
  it('a refused Realtime handshake puts the first call on the pipeline from its first word; the next one too, until an admin sets the mode again; a 10 % rollout by call id', async () => {
    const calls = await simulate({ print: false });
    expect(calls).toEqual([
      { callId: 'room-1', mode: 'runpod_streaming', fellBackFrom: 'openai_realtime', reply: 'Hi, this is the self-hosted pipeline.' },
      { callId: 'room-2', mode: 'runpod_streaming', fellBackFrom: 'openai_realtime', reply: 'Hi, this is the self-hosted pipeline.' },
      { callId: 'room-3', mode: 'openai_realtime', fellBackFrom: undefined, reply: 'Hi, this is the realtime model.' },
      { callId: 'room-17', mode: 'openai_realtime', fellBackFrom: undefined, reply: 'Hi, this is the realtime model.' },
      { callId: 'room-5', mode: 'runpod_streaming', fellBackFrom: undefined, reply: 'Hi, this is the self-hosted pipeline.' },
    ]);
  });
});
