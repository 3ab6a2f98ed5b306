import { z } from 'zod';
import { nonEmptyString, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields, type OpenAIFormatLLMBase } from '../openai-format/openai-format-options.js';

/** Azure OpenAI: a model deployment of your resource, through the OpenAI SDK's Azure client (`api-key` header). */
export interface AzureOpenAILLMConfig extends OpenAIFormatLLMBase {
  provider: 'azure-openai';
  /** Your resource, e.g. `"https://my-resource.openai.azure.com"`. @default AZURE_OPENAI_ENDPOINT */
  endpoint?: string;
  /** The deployment name (what Azure routes to a model). Required. */
  deployment: string;
  /** @default OPENAI_API_VERSION, then "2024-10-21" */
  apiVersion?: string;
  /** @default AZURE_OPENAI_API_KEY */
  apiKey?: string;
}

/** The options of { provider: 'azure-openai' } (LLM), without `provider` and `lastResort` (the stack's). */
export const azureOpenAILLMOptions = z.strictObject({
  endpoint: urlSchema('https://my-resource.openai.azure.com').optional(),
  deployment: nonEmptyString('the deployment name', 'gpt-4o-mini'),
  apiVersion: nonEmptyString('an API version', '2024-10-21').optional(),
  apiKey: secretString('Azure OpenAI API key', 'AZURE_OPENAI_API_KEY').optional(),
  ...openAIFormatLLMFields,
});
