import { describe, expect, it } from 'vitest';
import { createMemoryStore, createModeController, readFleetMetrics } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';

const endpoint = mockOpenAIEndpoint({ baseURL: 'http://controller.test/v1', reply: 'Filed.' });
useMswServer(...endpoint.handlers);

describe('a mode controller’s stacks', () => {
  it('record their turns in the controller’s store, under their mode', async () => {
    const store = createMemoryStore();
    const controller = createModeController({
      modes: { pipeline: { llm: { provider: 'openai-compatible', baseURL: 'http://controller.test/v1', model: 'm' } } },
      mode: 'pipeline',
      store,
      createOptions: { logger: { debug() {}, info() {}, warn() {}, error() {} } },
    });
    const call = await controller.stackForCall('call-1');
    const session = await startTextSession(call.stack);
    call.bind(session.session);
    await session.ask('Hello?');
    await session.close();
    await controller.close(); // closes the stack, which flushes its counters
    const report = await readFleetMetrics(store);
    expect(report.modes.pipeline).toMatchObject({ calls: 1, turns: 1, apologies: 0 });
    expect(report.options.pipeline!['openai-compatible/m']).toMatchObject({ modality: 'llm', turns: 1 });
  });
});
