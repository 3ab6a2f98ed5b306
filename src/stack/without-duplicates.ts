import type { Logger } from '../config/logger.js';
import type { Modality } from '../errors/index.js';
import { cooldownKey } from '../policies/chain-core.js';
import { closeInstance, type ProviderOption } from '../providers/provider-option.js';

/**
 * A slot's options without repeats: an option with the same provider, model, endpoint and credentials as an earlier
 * one (its cooldown key) and the same settings, or the same instance, would only spend another request per pass on a
 * model that just failed (`LLM_MODEL="a,b,a"`). Same key with other settings (another voice, temperature or timeout)
 * is kept: a voice can be missing where another works. The first is kept where it stands; each repeat is logged as a
 * warning that names the slot and both entries, and its instance is closed.
 */
export async function withoutDuplicates<M extends Modality>(
  modality: M,
  options: readonly ProviderOption<M>[],
  logger: Logger,
): Promise<ProviderOption<M>[]> {
  const kept: ProviderOption<M>[] = [];
  const byKey = new Map<string, ProviderOption<M>>();
  const dropped: unknown[] = [];
  for (const option of options) {
    const key = `${cooldownKey(modality, option)}\n${settingsOf(option)}`;
    const first = byKey.get(key) ?? kept.find((other) => other.instance === option.instance);
    if (!first) {
      byKey.set(key, option);
      kept.push(option);
      continue;
    }
    logger.warn(
      `\`${modality}\` lists ${option.label} twice: ${option.path} repeats ${first.path} (same provider, model, endpoint, credentials and settings), which would only spend another request per pass on a model that just failed; ${option.path} is left out. Fix: remove it from \`${modality}\` (or from the model list it came from).`,
      { slot: modality, label: option.label, entry: option.path, repeats: first.path },
    );
    if (option.instance !== first.instance) dropped.push(option.instance);
  }
  await Promise.allSettled(dropped.map((instance) => closeInstance(instance)));
  return kept;
}

/** The entry's validated options as canonical JSON (keys sorted), for comparison only. */
function settingsOf(option: ProviderOption): string {
  return JSON.stringify(option.source?.options ?? null, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
