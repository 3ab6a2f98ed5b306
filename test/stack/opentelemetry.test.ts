import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { type DataPoint, type Histogram, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore, createVoiceStack } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';

const endpoint = mockOpenAIEndpoint({ baseURL: 'http://otel.test/v1', reply: 'Measured.' });
useMswServer(...endpoint.handlers);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const config = { llm: { provider: 'openai-compatible' as const, baseURL: 'http://otel.test/v1', model: 'otel-model' } };

/** A reader the test collects from when it wants (the SDK's in-memory path, without a periodic export). */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

afterEach(() => metrics.disable());

async function runTurns(count: number, mode = 'otel-mode') {
  const stack = await createVoiceStack(config, { logger: quiet, mode, store: createMemoryStore() });
  const session = await startTextSession(stack);
  try {
    for (let index = 0; index < count; index++) await session.ask(`Question ${index}`);
  } finally {
    await session.close();
    await stack.close();
  }
}

describe('fleet metrics on OpenTelemetry’s global meter', () => {
  it('records nothing, and costs no error, without a MeterProvider', async () => {
    endpoint.reset();
    await expect(runTurns(1)).resolves.toBeUndefined();
  });

  it('an app’s MeterProvider gets GenAI LLM figures and our turn figures, with the mode, with no code', async () => {
    endpoint.reset();
    endpoint.use({ delayMs: 60 });
    // The stack is built before the app installs its provider: the meter is looked up when a figure is recorded.
    const stack = await createVoiceStack(config, { logger: quiet, mode: 'otel-mode', store: createMemoryStore() });
    const reader = new CollectingReader();
    const provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    const session = await startTextSession(stack);
    try {
      await session.ask('One?');
      await session.ask('Two?');
    } finally {
      await session.close();
      await stack.close();
    }
    const { resourceMetrics } = await reader.collect();
    const scope = resourceMetrics.scopeMetrics.find((item) => item.scope.name === 'livekit-voice-stack')!;
    const named = (name: string) => scope.metrics.find((metric) => metric.descriptor.name === name)!;

    const ttfc = named('gen_ai.client.operation.time_to_first_chunk');
    expect(ttfc.descriptor.unit).toBe('s');
    const [point] = ttfc.dataPoints as DataPoint<Histogram>[];
    expect(point!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai-compatible',
      'gen_ai.request.model': 'otel-model',
      'livekit_voice_stack.mode': 'otel-mode',
    });
    expect(point!.value.count).toBe(2);
    expect(point!.value.min).toBeGreaterThanOrEqual(0.06); // seconds: the mock's 60 ms delay
    expect((named('gen_ai.client.operation.duration').dataPoints[0] as DataPoint<Histogram>).value.count).toBe(2);

    const turns = named('livekit_voice_stack.turns').dataPoints;
    expect(turns.map((item) => [item.attributes, item.value])).toEqual([[{ 'livekit_voice_stack.mode': 'otel-mode' }, 2]]);
    expect(named('livekit_voice_stack.calls').dataPoints[0]!.value).toBe(1);
    const e2e = named('livekit_voice_stack.turn.duration').dataPoints[0] as DataPoint<Histogram>;
    expect(e2e.value.count).toBe(2);
    await provider.shutdown();
  });

  it('a real Prometheus exporter serves them, scraped over HTTP', async () => {
    endpoint.reset();
    endpoint.use({ delayMs: 10 });
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    metrics.setGlobalMeterProvider(provider);
    const server = createServer((request, response) => exporter.getMetricsRequestHandler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await runTurns(3, 'prom-mode');
      const text = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
      const scope = 'otel_scope_name="livekit-voice-stack"';
      expect(text).toContain(`livekit_voice_stack_turns_total{livekit_voice_stack_mode="prom-mode",${scope}} 3\n`);
      expect(text).toContain(
        `gen_ai_client_operation_time_to_first_chunk_count{gen_ai_operation_name="chat",gen_ai_provider_name="openai-compatible",gen_ai_request_model="otel-model",livekit_voice_stack_mode="prom-mode",${scope}} 3\n`,
      );
      expect(text).toContain(`livekit_voice_stack_turn_duration_bucket{livekit_voice_stack_mode="prom-mode",${scope},le="+Inf"} 3\n`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await provider.shutdown();
    }
  });
});
