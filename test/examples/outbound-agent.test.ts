import { describe, expect, it } from 'vitest';
import { simulateCall } from '../../examples/outbound-agent/simulate.js';

describe('examples/outbound-agent --simulate', () => {
  it('plays the scripted outage: fallback to llama.cpp, one holding phrase and one apology, then recovery', async () => {
    const { lines, metrics } = await simulateCall({ print: false });
    const agent = lines.filter((line) => line.role === 'agent');
    expect(agent).toHaveLength(5); // greeting + four turns: no turn lost
    expect(agent[1]).toMatchObject({
      servedBy: 'openrouter/meta-llama/llama-3.3-70b-instruct:free',
      text: expect.stringContaining('all set'),
    });
    expect(agent[2]).toMatchObject({ servedBy: 'llama-cpp/local', text: expect.stringContaining('2pm') });
    expect(agent[3]?.servedBy).toBeUndefined();
    expect(agent[3]?.text).toBe("One moment, please. Sorry, I'm having trouble right now. Could you say that again in a moment?");
    expect(agent[4]).toMatchObject({
      servedBy: 'openrouter/meta-llama/llama-3.3-70b-instruct:free',
      text: expect.stringContaining('See you then'),
    });
    expect(lines.filter((line) => line.text.startsWith('holding phrase'))).toHaveLength(1);
    expect(lines.filter((line) => line.text.startsWith('every option failed'))).toHaveLength(1);
    expect(metrics).toMatchObject({ turns: 4, holds: 1, apologies: 1 });
    expect(metrics.options['openrouter/meta-llama/llama-3.3-70b-instruct:free']?.turns).toBe(2);
    expect(metrics.options['llama-cpp/local']?.turns).toBe(1);
  });
});
