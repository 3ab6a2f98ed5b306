import type { VAD } from '@livekit/agents';
import type { ParsedEntry } from '../config/parse-config.js';
import type { Modality } from '../errors/index.js';
import type { AdapterContext, AnyAdapter, InstanceOf } from './define-adapter.js';
import type { Logger } from '../config/logger.js';
import { ResponseObserver } from './response-observer.js';

/** One created option of a chain: the LiveKit instance plus what the policies need to know about it. */
export interface ProviderOption<M extends Modality = Modality> {
  readonly modality: M;
  readonly provider: string;
  readonly model: string;
  /** `provider/model`, used in events and logs. */
  readonly label: string;
  /** Where it came from in the config, e.g. `llm[1]`. */
  readonly path: string;
  /** Tried after the remote options of a pass failed. */
  readonly lastResort: boolean;
  readonly instance: InstanceOf[M];
  /** Status and Retry-After of its last error response, when its transport goes through `context.fetch`. */
  readonly responses: ResponseObserver;
  /** A VAD the session needs for this option. */
  readonly vad: VAD | undefined;
  /** The adapter and validated options it was built from (absent for passed-through instances). */
  readonly source: { adapter: AnyAdapter; options: unknown; context: AdapterContext } | undefined;
}

export interface CreateOptionsContext {
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  signal: AbortSignal | undefined;
}

/** Builds every option of one slot, in parallel, expanding entries such as OpenRouter's `models` list. */
export async function createProviderOptions<M extends Modality>(
  modality: M,
  entries: readonly ParsedEntry<AnyAdapter>[],
  context: CreateOptionsContext,
): Promise<ProviderOption<M>[]> {
  const jobs = entries.flatMap((entry) => {
    if (entry.kind === 'instance') return [() => Promise.resolve(fromInstance(modality, entry.path, entry.instance as InstanceOf[M]))];
    const expanded = entry.adapter.expand?.(entry.options) ?? [entry.options];
    return expanded.map((options, index) => async (): Promise<ProviderOption<M>> => {
      const path = expanded.length > 1 ? `${entry.path}.models[${index}]` : entry.path;
      const responses = new ResponseObserver();
      const adapterContext: AdapterContext = {
        path,
        env: context.env,
        logger: context.logger,
        fetch: responses.fetch,
        reportError: (error) => responses.recordInBand(error),
        signal: context.signal,
      };
      const created = await entry.adapter.create(options, adapterContext);
      const { instance, vad } =
        'instance' in (created as object)
          ? (created as { instance: InstanceOf[M]; vad?: VAD })
          : { instance: created as InstanceOf[M], vad: undefined };
      const model = entry.adapter.model?.(options) ?? modelOf(instance);
      const option = {
        modality,
        provider: entry.adapter.provider,
        model,
        label: `${entry.adapter.provider}/${model}`,
        path,
        lastResort: entry.lastResort ?? (entry.adapter.provider === 'llama-cpp' && entries.length > 1),
        instance,
        responses,
        vad,
        source: undefined as ProviderOption<M>['source'],
      };
      // Not enumerable: the options and env hold keys, and must not show up in JSON or logs.
      Object.defineProperty(option, 'source', { value: { adapter: entry.adapter, options, context: adapterContext }, enumerable: false });
      return option;
    });
  });
  const settled = await Promise.allSettled(jobs.map((job) => job()));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.allSettled(settled.flatMap((result) => (result.status === 'fulfilled' ? [closeInstance(result.value.instance)] : [])));
    throw failure.reason;
  }
  return settled.map((result) => (result as PromiseFulfilledResult<ProviderOption<M>>).value);
}

function fromInstance<M extends Modality>(modality: M, path: string, instance: InstanceOf[M]): ProviderOption<M> {
  const provider = String((instance as { provider?: unknown }).provider ?? 'custom');
  const model = modelOf(instance);
  return {
    modality,
    provider,
    model,
    label: `${provider}/${model}`,
    path,
    lastResort: false,
    instance,
    responses: new ResponseObserver(),
    vad: undefined,
    source: undefined,
  };
}

function modelOf(instance: unknown): string {
  const model = (instance as { model?: unknown }).model;
  return typeof model === 'string' && model ? model : 'unknown';
}

/** Closes a LiveKit instance (`llm.LLM` has `aclose()`, the others `close()`), never throwing. */
export async function closeInstance(instance: unknown): Promise<void> {
  const target = instance as { aclose?: () => unknown; close?: () => unknown };
  const close = typeof target.aclose === 'function' ? target.aclose : target.close;
  if (typeof close === 'function')
    await Promise.resolve()
      .then(() => close.call(instance))
      .catch(() => undefined);
}
