import * as openai from '@livekit/agents-plugin-openai';
import { defineAdapter, MissingAPIKeyError } from 'livekit-voice-stack';
import OpenAI from 'openai';
import { z } from 'zod';

/**
 * A custom LLM provider: "Acme" serves an OpenAI-format API per region. The adapter validates its own options,
 * reads its key when the stack is created, and gives the SDK `context.fetch` so the chain sees `Retry-After`.
 */
export const acmeLLM = defineAdapter({
  modality: 'llm',
  provider: 'acme',
  options: z.strictObject({
    model: z.string().default('acme-fast'),
    region: z.enum(['eu', 'us']).default('eu'),
    apiKey: z.string().optional(),
  }),
  create(options, context) {
    const apiKey = options.apiKey ?? context.env.ACME_API_KEY;
    if (!apiKey) throw new MissingAPIKeyError(`${context.path} (acme)`, 'apiKey', 'ACME_API_KEY');
    const client = new OpenAI({
      apiKey,
      baseURL: `https://${options.region}.api.acme.test/v1`,
      fetch: context.fetch,
      maxRetries: 0, // the stack's chain owns retries
    });
    return new openai.LLM({ model: options.model, client });
  },
});
