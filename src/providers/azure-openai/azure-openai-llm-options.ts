import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { nonEmptyString, type OptionsSchema, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields } from '../openai-format/openai-format-options.js';

const azureOpenAILLMFields = {
  /** Your resource, e.g. `"https://my-resource.openai.azure.com"`. @default AZURE_OPENAI_ENDPOINT */
  endpoint: urlSchema('https://my-resource.openai.azure.com').optional(),
  /** The deployment name (what Azure routes to a model). Required. */
  deployment: nonEmptyString('the deployment name', 'gpt-4o-mini'),
  /** @default OPENAI_API_VERSION, then "2024-10-21" */
  apiVersion: nonEmptyString('an API version', '2024-10-21').optional(),
  /** @default AZURE_OPENAI_API_KEY */
  apiKey: secretString('Azure OpenAI API key', 'AZURE_OPENAI_API_KEY').optional(),
};

/** The options of { provider: 'azure-openai' } (LLM), without `provider` and `lastResort` (the stack's). */
export const azureOpenAILLMOptions: OptionsSchema<typeof azureOpenAILLMFields & typeof openAIFormatLLMFields> = z.strictObject({
  ...azureOpenAILLMFields,
  ...openAIFormatLLMFields,
});

/** Azure OpenAI: a model deployment of your resource, through the OpenAI SDK's Azure client (`api-key` header). */
export interface AzureOpenAILLMConfig extends EntryBase, z.input<typeof azureOpenAILLMOptions> {
  provider: 'azure-openai';
}
