import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, type ProcessRun, runTsx, stateDir } from '../helpers/composition.js';

// Every fallback kind the docs show, per provider pair, as a user's script: the primary refused (429), the second
// option answers both turns, and after close() the process exits by itself, twice in a row on one machine store (the
// second run finds the primary still cooling and goes straight to the second option). One process runs every pair in
// turn, each closed before the next (a process start-up, Node's and LiveKit's imports, costs more than a pair): a
// handle any pair leaves open keeps it alive past the limit.
const script = 'test/compositions/scripts/fallback.ts';
const state = stateDir();
afterAll(() => state.remove());

const pairs = [
  { pair: 'openrouter>llama-cpp', answers: ['From llama.cpp.', 'From llama.cpp.'], first: 'openrouter/a/one → openrouter/b/two' },
  { pair: 'openai>llama-cpp', answers: ['From llama.cpp.', 'From llama.cpp.'], first: 'openai/gpt-4.1-mini → llama-cpp/local' },
  {
    pair: 'openai-compatible>openai',
    answers: ['From OpenAI.', 'From OpenAI.'],
    first: 'openai-compatible/Qwen/Qwen3-8B → openai/gpt-4.1-mini',
  },
  { pair: 'inference>deepgram', answers: ['What time is it?', 'What time is it?'], first: 'inference/deepgram/nova-3 → deepgram/nova-3' },
  {
    pair: 'cartesia>elevenlabs',
    answers: ['audio at 24000 Hz', 'audio at 24000 Hz'],
    first: 'cartesia/sonic-3 → elevenlabs/eleven_turbo_v2_5',
  },
  {
    pair: 'cartesia>inference',
    answers: ['audio at 24000 Hz', 'audio at 24000 Hz'],
    first: 'cartesia/sonic-3 → inference/cartesia/sonic-turbo',
  },
  {
    pair: 'openai-compatible>cartesia',
    answers: ['audio at 24000 Hz', 'audio at 24000 Hz'],
    first: 'openai-compatible/kokoro → cartesia/sonic-3',
  },
];

describe('fallbacks end in a process that exits', { timeout: 240_000 }, () => {
  const runs: ProcessRun[] = [];
  beforeAll(async () => {
    for (let run = 0; run < 2; run++) {
      runs.push(
        await runTsx([script, ...pairs.map(({ pair }) => pair)], { env: { LIVEKIT_VOICE_STACK_STATE_DIR: state.dir }, timeoutMs: 240_000 }),
      );
    }
  }, 480_000);

  it.each(pairs)('$pair: the second option answers, and the process exits after close(), twice in a row', ({ pair, answers, first }) => {
    for (const [index, result] of runs.entries()) {
      const run = index + 1;
      expect(result.stayedAlive, `run ${run}: ${describeRun(result)}`).toBe(false);
      expect(result.code, `run ${run}: ${describeRun(result)}`).toBe(0);
      const printed = result.stdout
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { pair: string; answers: string[]; fallbacks: string[] })
        .find((line) => line.pair === pair);
      expect(printed, `run ${run}: ${describeRun(result)}`).toBeDefined();
      // On a loaded machine a slow fallback may be preceded by the holding phrase: the answer ends the reply.
      expect(printed!.answers).toEqual(answers.map((answer) => expect.stringMatching(new RegExp(`${answer.replace(/[.?]/g, '\\$&')}$`))));
      // The first run sees the primary fail; the second finds it cooling in the machine store and skips it.
      if (run === 1) expect(printed!.fallbacks[0]).toContain(first);
    }
    expect(runs).toHaveLength(2);
  });
});
