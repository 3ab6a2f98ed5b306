import { azureOpenAILLMOptions } from './azure-openai-llm-options.js';
import { ConfigError, MissingAPIKeyError } from '../../errors/index.js';
import type { AdapterContext } from '../define-adapter.js';
import { defineAdapter } from '../define-adapter.js';
import { loadOpenAIPlugin } from '../load-plugin.js';
import { probeHTTP } from '../probe-http.js';
import { sdkEnvOptions } from '../openai-format/openai-client.js';
import { carryResponseProgress } from '../response-progress.js';

/** Azure's GA data-plane version, used when neither the entry nor `OPENAI_API_VERSION` gives one. */
const AZURE_OPENAI_API_VERSION = '2024-10-21';

interface AzureOptions {
  endpoint?: string | undefined;
  deployment: string;
  apiVersion?: string | undefined;
  apiKey?: string | undefined;
}

/** The entry's endpoint, key and version, else the environment's (as Azure's SDKs read them). */
function azureSettings(options: AzureOptions, context: Pick<AdapterContext, 'env' | 'path'>) {
  const endpoint = (options.endpoint ?? context.env.AZURE_OPENAI_ENDPOINT)?.replace(/\/+$/, '');
  if (!endpoint)
    throw new ConfigError([
      {
        path: `${context.path}.endpoint`,
        message: 'no Azure OpenAI endpoint. Fix: set `endpoint: "https://my-resource.openai.azure.com"` or AZURE_OPENAI_ENDPOINT.',
      },
    ]);
  const apiKey = options.apiKey ?? context.env.AZURE_OPENAI_API_KEY;
  if (!apiKey) throw new MissingAPIKeyError(`${context.path} (azure-openai)`, 'apiKey', 'AZURE_OPENAI_API_KEY');
  return { endpoint, apiKey, apiVersion: options.apiVersion ?? context.env.OPENAI_API_VERSION ?? AZURE_OPENAI_API_VERSION };
}

/**
 * `{ provider: 'azure-openai' }`: a deployment of an Azure OpenAI resource, through the OpenAI SDK's `AzureOpenAI`
 * client (`api-key` header, `/openai/deployments/{deployment}/…?api-version=…`) and the OpenAI plugin's `LLM`.
 */
export const azureOpenAILLMAdapter = defineAdapter({
  modality: 'llm',
  provider: 'azure-openai',
  options: azureOpenAILLMOptions,
  model: (options) => options.deployment,
  create: async (options, context) => {
    const { endpoint, apiKey, apiVersion } = azureSettings(options, context);
    const [plugin, { AzureOpenAI }] = await Promise.all([loadOpenAIPlugin(`${context.path} (azure-openai)`), import('openai')]);
    const client = new AzureOpenAI({
      endpoint,
      baseURL: null, // else the SDK reads OPENAI_BASE_URL from process.env (and refuses it beside `endpoint`)
      apiKey,
      apiVersion,
      deployment: options.deployment,
      ...sdkEnvOptions(context.env, options.headers),
      maxRetries: 0, // the chain owns retries
      fetch: context.fetch,
    });
    carryResponseProgress(client, context.fetch);
    return new plugin.LLM({
      model: options.deployment,
      client,
      ...(options.temperature !== undefined && { temperature: options.temperature }),
      ...(options.maxCompletionTokens !== undefined && { maxCompletionTokens: options.maxCompletionTokens }),
    });
  },
  health: async (options, context) => {
    let settings: ReturnType<typeof azureSettings>;
    try {
      settings = azureSettings(options, context);
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    const url = `${settings.endpoint}/openai/deployments/${encodeURIComponent(options.deployment)}/chat/completions?api-version=${settings.apiVersion}`;
    return probeHTTP(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'api-key': settings.apiKey, ...options.headers },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 }),
      },
      context,
    );
  },
});
