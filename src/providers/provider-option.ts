import type { VAD } from '@livekit/agents';
import type { ParsedEntry } from '../config/parse-config.js';
import type { Modality } from '../errors/index.js';
import type { AdapterContext, AnyAdapter, InstanceOf } from './define-adapter.js';
import type { Logger } from '../config/logger.js';
import { ResponseObserver } from './response-observer.js';
import { entryEnv } from './entry-env.js';
import { organisationRefusal, type OrganisationRefusal } from './organisation-refusal.js';
import { plainHTTPKeyWarning } from './plain-http-warning.js';

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

/**
 * Builds every option of one slot, in parallel, expanding entries such as OpenRouter's `models` list. An
 * organisation's entry that lacks its own key is refused (logged as an error) while the slot has other options;
 * a slot left with none throws the refusal.
 * @throws {AggregateError} with every entry's error when any entry failed (the others are closed).
 */
export async function createProviderOptions<M extends Modality>(
  modality: M,
  entries: readonly ParsedEntry<AnyAdapter>[],
  context: CreateOptionsContext,
): Promise<ProviderOption<M>[]> {
  const jobs = entries.flatMap((entry) => {
    if (entry.kind === 'instance') return [() => Promise.resolve(fromInstance(modality, entry.path, entry.instance as InstanceOf[M]))];
    const expanded = entry.adapter.expand?.(entry.options) ?? [entry.options];
    return expanded.map((options, index) => async (): Promise<ProviderOption<M> | OrganisationRefusal> => {
      const path = expanded.length > 1 ? `${entry.path}.models[${index}]` : entry.path;
      const responses = new ResponseObserver();
      const { env, read } = entryEnv(context.env, entry.orgId);
      const adapterContext: AdapterContext = {
        path,
        env,
        logger: context.logger,
        fetch: responses.fetch,
        reportError: (error) => responses.recordInBand(error),
        signal: context.signal,
      };
      let created: Awaited<ReturnType<typeof entry.adapter.create>>;
      try {
        created = await entry.adapter.create(options, adapterContext);
      } catch (error) {
        const refusal =
          entry.orgId === undefined ? undefined : organisationRefusal(error, entry.orgId, `${path} (${entry.adapter.provider})`, read);
        if (refusal) return refusal;
        throw error;
      }
      const warning = plainHTTPKeyWarning(options as Record<string, unknown>, read, `${path} (${entry.adapter.provider})`);
      if (warning) context.logger.warn(warning);
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
  const done = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const created = done.filter((option): option is ProviderOption<M> => !('refused' in option));
  const refused = done.filter((option): option is OrganisationRefusal => 'refused' in option);
  const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length > 0 || (refused.length > 0 && created.length === 0)) {
    await Promise.allSettled(created.map((option) => closeInstance(option.instance)));
    // Every entry's failure, so that the stack reports every missing key and package at once.
    throw new AggregateError(failures.length > 0 ? failures : [refused[0]!.refused], `Failed to create ${modality}`);
  }
  for (const { refused: error } of refused) context.logger.error(error.message, { code: error.code });
  return created;
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
