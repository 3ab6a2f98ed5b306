import { describe, expect, it } from 'vitest';
import { createVoiceStack, voiceStackConfigFromEnv, type Logger, type StartupBannerFields } from '../../src/index.js';
import { KEYS, S0, S1, S2, S3, S4 } from '../helpers/setup-envs.js';

/** Creates the setup's stack with a recording logger and returns its banner (message and fields). */
async function bannerOf(env: Record<string, string>) {
  const lines: { message: string; fields: Record<string, unknown> | undefined }[] = [];
  const record = (message: string, fields?: Record<string, unknown>) => void lines.push({ message, fields });
  const logger: Logger = { debug: record, info: record, warn: record, error: record };
  const stack = await createVoiceStack(voiceStackConfigFromEnv(env), { env: {}, logger });
  await stack.close();
  const banner = lines.find((line) => line.fields && 'inference' in line.fields)!;
  return { text: banner.message, fields: banner.fields as unknown as StartupBannerFields, all: JSON.stringify(lines) };
}

const SETUPS: [string, Record<string, string>][] = [
  ['S0 flag off', S0(false)],
  ['S0 flag on', S0(true)],
  ['S0 flag on, no LiveKit credentials', S0(true, false)],
  ['S1', { ...S1 }],
  ['S2', { ...S2 }],
  ['S3', { ...S3 }],
  ['S4 openai_realtime', S4('openai_realtime')],
  ['S4 runpod_streaming', S4('runpod_streaming')],
];

describe('the startup banner of each replaced setup: mode, needs, per slot provider/model/voice/language, no secret', () => {
  it.each(SETUPS)('%s', async (_name, env) => {
    const { text, all } = await bannerOf(env);
    expect(text).toMatchSnapshot();
    for (const key of Object.values(KEYS)) expect(all).not.toContain(key.slice(-12));
  });

  it('S0: ENABLED names what Inference needs; DISABLED names the plugin keys', async () => {
    const on = await bannerOf(S0(true));
    expect(on.fields.inference).toBe('enabled');
    expect(on.text).toContain('LiveKit Inference: ENABLED, needs LIVEKIT_API_KEY, LIVEKIT_API_SECRET');
    const off = await bannerOf(S0(false));
    expect(off.fields.inference).toBe('disabled');
    expect(off.text).toContain(
      'LiveKit Inference: DISABLED (plugins), needs DEEPGRAM_API_KEY, OPENAI_API_KEY, CARTESIA_API_KEY, ELEVEN_API_KEY (or ELEVENLABS_API_KEY)',
    );
    expect(off.fields.tts).toEqual([
      { provider: 'cartesia', model: 'sonic-3', language: 'en' },
      { provider: 'elevenlabs', model: 'eleven_turbo_v2_5' },
      { provider: 'openai', model: 'gpt-4o-mini-tts', voice: 'alloy' },
    ]);
  });

  it('a mode controller names its mode', async () => {
    const lines: string[] = [];
    const record = (message: string) => void lines.push(message);
    const { createModeController } = await import('../../src/index.js');
    const config = voiceStackConfigFromEnv(S4('runpod_streaming'));
    const controller = createModeController({
      ...config.modes!,
      createOptions: { env: {}, logger: { debug: record, info: record, warn: record, error: record } },
    });
    const call = await controller.stackForCall();
    call.release();
    await controller.close();
    expect(lines.find((line) => line.startsWith('voice stack ready'))).toContain('\nmode: runpod_streaming\n');
  });
});
