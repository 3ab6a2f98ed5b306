import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRealtimeServerEvent } from '../../../src/providers/openai/realtime-server-event.js';

// Valid events of the types the plugin handles, as the Realtime API sends them (openai-node's realtime types).
const VALID: Record<string, unknown>[] = [
  { type: 'session.created', session: { id: 'sess_1', model: 'gpt-realtime' } },
  {
    type: 'error',
    error: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided', param: null, event_id: null },
  },
  { type: 'response.created', response: { id: 'resp_1', status: 'in_progress', output: [] } },
  { type: 'response.done', response: { id: 'resp_1', status: 'completed', output: [], usage: null } },
  {
    type: 'response.output_item.added',
    response_id: 'resp_1',
    output_index: 0,
    item: { id: 'item_1', type: 'message', role: 'assistant' },
  },
  { type: 'conversation.item.added', previous_item_id: null, item: { id: 'item_1', type: 'message', role: 'user', content: [] } },
  { type: 'conversation.item.deleted', item_id: 'item_1' },
  { type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_1', content_index: 0, transcript: 'Hi' },
  { type: 'response.content_part.added', response_id: 'resp_1', item_id: 'item_1', part: { type: 'audio', transcript: '' } },
  { type: 'response.output_audio_transcript.delta', response_id: 'resp_1', item_id: 'item_1', delta: 'Hello ' },
  { type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_1', delta: Buffer.alloc(480).toString('base64') },
  { type: 'response.output_audio.done', response_id: 'resp_1', item_id: 'item_1' },
  { type: 'rate_limits.updated', rate_limits: [] },
];

/** What the plugin's handler of each type reads: it must not throw on an event the parser let through. */
function readAsThePluginDoes(event: Record<string, any>): void {
  switch (event.type) {
    case 'error':
      void event.error.message.startsWith('Cancellation failed');
      break;
    case 'response.created':
    case 'response.done':
      void event.response.id.length;
      break;
    case 'response.output_item.added':
    case 'conversation.item.added':
      void (event.item.type + event.item.id);
      break;
    case 'response.content_part.added':
      void event.part.type.length;
      break;
    case 'response.output_audio.delta':
      void atob(event.delta);
      break;
    case 'response.output_audio_transcript.delta':
      void event.delta.length;
      break;
  }
}

/** A valid event with one field replaced or removed, or the whole thing as another JSON value. */
const mutated = fc.oneof(
  fc.tuple(fc.constantFrom(...VALID), fc.string({ maxLength: 12 }), fc.option(fc.jsonValue({ maxDepth: 3 }))).map(([event, key, value]) => {
    const keys = Object.keys(event);
    const target = keys.includes(key) ? key : keys[key.length % keys.length]!;
    const copy: Record<string, unknown> = { ...event };
    if (value === null) delete copy[target];
    else copy[target] = value;
    return JSON.stringify(copy);
  }),
  fc.tuple(fc.constantFrom(...VALID), fc.jsonValue({ maxDepth: 2 })).map(([event, value]) => {
    const nested = Object.entries(event).find(([, inner]) => inner !== null && typeof inner === 'object');
    return JSON.stringify(nested ? { ...event, [nested[0]]: { ...(nested[1] as object), id: value, message: value, type: value } } : event);
  }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

describe('parseRealtimeServerEvent', () => {
  it('the frames a broken server sent (kept from the property run and the integration test) are refused with a reason', () => {
    for (const frame of [
      'not json',
      'null',
      '[]',
      '{"type":5}',
      '{"type":"response.output_audio.delta","item_id":"item_x","delta":"%%%not base64"}',
      '{"type":"conversation.item.added"}',
      '{"type":"error","error":null}',
      '{"type":"response.done","response":"done"}',
      '{"type":"error","error":{"message":5}}',
    ])
      expect(parseRealtimeServerEvent(frame), frame).toEqual({ problem: expect.any(String) });
    for (const event of VALID) expect(parseRealtimeServerEvent(JSON.stringify(event))).toEqual({ event, text: JSON.stringify(event) });
  });

  it('property: never throws, answers within 100 ms, and an event it lets through survives the plugin’s reads', () => {
    fc.assert(
      fc.property(mutated, (frame) => {
        const started = performance.now();
        const parsed = parseRealtimeServerEvent(frame);
        expect(performance.now() - started).toBeLessThan(100);
        if ('problem' in parsed) {
          expect(typeof parsed.problem).toBe('string');
          return;
        }
        expect(typeof parsed.event.type).toBe('string');
        expect(JSON.parse(parsed.text)).toEqual(parsed.event);
        expect(() => readAsThePluginDoes(parsed.event)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );
  });
});
