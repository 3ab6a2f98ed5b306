import { ENV_DEFAULTS } from './env-defaults.js';
import { type EnvContext, type Entry, withKey } from './env-reader.js';

/** The LLM chain (see {@link voiceStackConfigFromEnv} for the order). */
export function llmFromEnv(context: EnvContext): Entry[] {
  const { read, url } = context;
  const llm: Entry[] = [];
  if (context.useInference) llm.push(context.inference(read('INFERENCE_LLM_MODEL') ?? ENV_DEFAULTS.INFERENCE_LLM_MODEL));

  const runpodEndpoints = [
    url('RUNPOD_A100_ENDPOINT', 'https://api.runpod.ai/v2/<id>/openai/v1'),
    url('RUNPOD_A40_ENDPOINT', 'https://api.runpod.ai/v2/<id>/openai/v1'),
  ];
  const runpodModel = read('RUNPOD_LLM_MODEL');
  for (const baseURL of runpodEndpoints.filter(Boolean)) {
    if (!runpodModel) {
      context.missing('RUNPOD_LLM_MODEL', 'a RunPod endpoint is set', 'set RUNPOD_LLM_MODEL to the model the endpoint serves');
      break;
    }
    llm.push(withKey({ provider: 'openai-compatible', baseURL, model: runpodModel }, read('RUNPOD_API_KEY')));
  }

  const openRouterKey = read('OPENROUTER_API_KEY');
  const chain = read('LLM_MODEL')
    ?.split(',')
    .map((model) => model.trim())
    .filter(Boolean);
  if (chain?.length || openRouterKey) {
    const baseURL = url('OPENROUTER_BASE_URL', 'https://openrouter.ai/api/v1');
    const models = chain?.length ? chain : [ENV_DEFAULTS.OPENROUTER_MODEL];
    llm.push(withKey({ provider: 'openrouter', models, ...(baseURL && { baseURL }) }, openRouterKey));
  }

  const openAIModel = read('OPENAI_LLM_MODEL');
  if (context.openAIBaseURL) {
    llm.push(
      withKey(
        { provider: 'openai-compatible', baseURL: context.openAIBaseURL, model: openAIModel ?? ENV_DEFAULTS.SELF_HOSTED_LLM_MODEL },
        context.selfHostedKey,
      ),
    );
  } else if (context.openAIKey) {
    llm.push({ provider: 'openai', model: openAIModel ?? ENV_DEFAULTS.OPENAI_LLM_MODEL, apiKey: context.openAIKey });
  }

  const hosted = (provider: string, key: string | undefined, model: string | undefined) => {
    if (key) llm.push({ provider, apiKey: key, ...(model && { model }) });
  };
  hosted('groq', read('GROQ_API_KEY'), read('GROQ_MODEL'));
  hosted('gemini', read('GEMINI_API_KEY') ?? read('GOOGLE_API_KEY'), read('GEMINI_MODEL'));
  hosted('anthropic', read('ANTHROPIC_API_KEY'), read('ANTHROPIC_MODEL'));
  const azureKey = read('AZURE_OPENAI_API_KEY');
  if (azureKey) {
    const endpoint = url('AZURE_OPENAI_ENDPOINT', 'https://my-resource.openai.azure.com');
    const deployment = read('AZURE_OPENAI_DEPLOYMENT');
    if (!endpoint)
      context.missing(
        'AZURE_OPENAI_ENDPOINT',
        'AZURE_OPENAI_API_KEY is',
        'set your resource URL, e.g. https://my-resource.openai.azure.com',
      );
    if (!deployment) context.missing('AZURE_OPENAI_DEPLOYMENT', 'AZURE_OPENAI_API_KEY is', 'set the name of your model deployment');
    if (endpoint && deployment) llm.push({ provider: 'azure-openai', endpoint, deployment, apiKey: azureKey });
  }

  const localURL = url('LOCAL_LLM_BASE_URL', 'http://localhost:8080/v1');
  if (localURL)
    llm.push({
      provider: 'llama-cpp',
      baseURL: localURL,
      model: read('LOCAL_LLM_MODEL') ?? ENV_DEFAULTS.LOCAL_LLM_MODEL,
      lastResort: true,
    });
  return llm;
}
