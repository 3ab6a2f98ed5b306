import type { VoiceStackConfig } from '../config/voice-stack-config.js';
import { VoiceStackError } from '../errors/index.js';
import { createVoiceStack, type CreateVoiceStackOptions } from './create-voice-stack.js';
import type { HealthOptions } from './health.js';
import type { VoiceStack } from './voice-stack.js';

/**
 * Builds one mode's stack and, with `probe`, checks it with `stack.health()` before its first call: a failed probe
 * closes the stack and throws, so that it counts as a failed build.
 * @throws {VoiceStackError} `PROVIDER_ERROR` naming every option that failed the probe.
 */
export async function buildModeStack(
  mode: string,
  config: VoiceStackConfig<never>,
  createOptions: CreateVoiceStackOptions,
  probe: boolean | HealthOptions | undefined,
): Promise<VoiceStack> {
  const stack = await createVoiceStack(config, { ...createOptions, mode });
  if (!probe) return stack;
  const report = await stack.health(probe === true ? {} : probe);
  if (!report.ok) {
    await stack.close();
    const failed = report.results
      .filter((result) => !result.ok)
      .map((result) => `${result.modality} ${result.provider}/${result.model}: ${result.error ?? 'failed'}`);
    throw new VoiceStackError(
      'PROVIDER_ERROR',
      `Failed to probe the "${mode}" mode's stack: ${failed.join('; ')}. Fix: run \`npx livekit-voice-stack doctor\`.`,
    );
  }
  return stack;
}
