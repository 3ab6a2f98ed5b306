import { z } from 'zod';

/** A server event of the OpenAI Realtime API that passed {@link parseRealtimeServerEvent}. */
export type RealtimeServerEvent = { type: string } & Record<string, unknown>;

/** The outcome of parsing one frame: the event, or what is wrong with it (for a log line; never the frame itself). */
export type ParsedRealtimeEvent = { event: RealtimeServerEvent; text: string } | { problem: string };

const id = z.string().min(1);
const item = z.looseObject({ id, type: z.string().min(1) });
const itemEvent = z.looseObject({ item });
const itemIdEvent = z.looseObject({ item_id: id });
const delta = z.looseObject({ item_id: id, delta: z.string() });
const response = z.looseObject({ response: z.looseObject({ id: z.string(), status: z.string().optional() }) });
const problem = z.looseObject({ message: z.string() });

/**
 * The fields the LiveKit OpenAI plugin (1.9) reads from each event type it handles, as openai-node's realtime types
 * declare them. A handler that meets a missing field throws halfway through and can leave a reply waiting for an end
 * that never comes; such an event is refused here instead. Types the plugin ignores only need a `type`.
 */
const SHAPES: Record<string, z.ZodType> = {
  error: z.looseObject({
    error: z.looseObject({
      message: z.string(),
      type: z.string().nullish(),
      code: z.string().nullish(),
      event_id: z.string().nullish(),
    }),
  }),
  'response.created': response,
  'response.done': response,
  'response.output_item.added': itemEvent,
  'response.output_item.done': itemEvent,
  'conversation.item.added': itemEvent,
  'conversation.item.created': itemEvent,
  'conversation.item.deleted': itemIdEvent,
  'conversation.item.input_audio_transcription.delta': z.looseObject({ item_id: id, delta: z.string().nullish() }),
  'conversation.item.input_audio_transcription.completed': z.looseObject({ item_id: id, transcript: z.string() }),
  'conversation.item.input_audio_transcription.failed': z.looseObject({ item_id: id, error: problem.nullish() }),
  'response.content_part.added': z.looseObject({ item_id: id, part: z.looseObject({ type: z.string() }) }),
  'response.content_part.done': z.looseObject({ item_id: id, part: z.looseObject({ type: z.string() }).nullish() }),
  'response.output_text.delta': delta,
  'response.text.delta': delta,
  'response.output_audio_transcript.delta': delta.extend({ start_time: z.number().optional() }),
  'response.audio_transcript.delta': delta.extend({ start_time: z.number().optional() }),
  // Base64 of PCM16: the plugin decodes it with atob(), which throws on anything else.
  'response.output_audio.delta': z.looseObject({ item_id: id, delta: z.base64() }),
  'response.audio.delta': z.looseObject({ item_id: id, delta: z.base64() }),
  'response.output_text.done': itemIdEvent,
  'response.text.done': itemIdEvent,
  'response.output_audio_transcript.done': itemIdEvent,
  'response.audio_transcript.done': itemIdEvent,
  'response.output_audio.done': itemIdEvent,
  'response.audio.done': itemIdEvent,
};

/**
 * Parses one frame from the Realtime server without ever throwing: JSON with a string `type`, and for the event types
 * the plugin handles, the fields its handler reads. The plugin parses frames itself with an unguarded `JSON.parse`
 * (a text frame that is not JSON is an uncaught exception in the socket's listener), so the guard hands it only
 * frames that passed here, as the same text.
 */
export function parseRealtimeServerEvent(data: unknown): ParsedRealtimeEvent {
  let text: string;
  if (typeof data === 'string') text = data;
  else if (Buffer.isBuffer(data)) text = data.toString('utf8');
  else if (data instanceof ArrayBuffer) text = Buffer.from(data).toString('utf8');
  else if (Array.isArray(data) && data.every((part) => Buffer.isBuffer(part))) text = Buffer.concat(data).toString('utf8');
  else return { problem: 'not a text frame' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `not JSON (${text.length} characters)` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: 'not a JSON object' };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || type === '') return { problem: 'no `type`' };
  const shape = SHAPES[type];
  if (shape) {
    const result = shape.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      return { problem: `\`${type}\` with ${issue.path.join('.') || 'its body'}: ${issue.message}` };
    }
  }
  return { event: value as RealtimeServerEvent, text };
}
