import { afterAll, describe, expect, it } from 'vitest';
import { runTsx, runTwice, stateDir } from '../helpers/composition.js';

// Each runnable example of examples/README.md as its own process, as `npm run example:…` runs it, twice in a row on
// one machine store: both runs succeed, print the same thing (but for the figures: latencies, times), and exit by
// themselves after their last line. inference-vs-plugins and self-hosted are workers for a LiveKit server
// (`cli.runApp`): their configs run against the mocks in test/examples.
const examples = [
  { name: 'outbound-agent --simulate', args: ['examples/outbound-agent/agent.ts', '--simulate'], expect: /llama-cpp\/local/ },
  { name: 'custom-adapter', args: ['examples/custom-adapter/main.ts'], expect: /agent: Acme here: your parcel ships today\./ },
  { name: 'realtime-vs-pipeline --simulate', args: ['examples/realtime-vs-pipeline/agent.ts', '--simulate'], expect: /\[fallback\]/ },
  { name: 'offline --simulate', args: ['examples/offline/agent.ts', '--simulate'], expect: /\S/ },
  { name: 'org-scoped', args: ['examples/org-scoped/org-scoped.ts'], expect: /\S/ },
];

/**
 * What must not change from one run to the next: the output without its figures, and without what depends on the
 * machine's speed (event lines `-- …`, and the holding phrase, said when a reply is slow).
 */
const shape = (text: string) =>
  text
    .split('\n')
    .filter((line) => !/^\s*-- /.test(line))
    .join('\n')
    .replaceAll('One moment, please. ', '')
    .replace(/\d+(\.\d+)?/g, '#')
    // Columns are padded to their figures' widths.
    .replace(/ {2,}/g, ' ');

const states: { remove(): void }[] = [];
afterAll(() => states.forEach((state) => state.remove()));

describe('the examples, twice in a row', { timeout: 300_000 }, () => {
  it.each(examples)('$name', async ({ args, expect: printed }) => {
    const state = stateDir();
    states.push(state);
    const runs = await runTwice(
      () => runTsx(args, { env: { LIVEKIT_VOICE_STACK_STATE_DIR: state.dir }, marker: false }),
      (result) => expect(result.stdout).toMatch(printed),
    );
    expect(shape(runs[1]!.stdout), 'the second run printed something else').toBe(shape(runs[0]!.stdout));
  });
});
