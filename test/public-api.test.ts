import { describe, expect, it } from 'vitest';

describe('public API', () => {
  it('the root entry exports the documented names', async () => {
    const root = await import('../src/index.js');
    for (const name of [
      'createVoiceStack',
      'VoiceStack',
      'voiceStackConfigFromEnv',
      'createProviderResolver',
      'defineAdapter',
      'createModeController',
      'VoiceStackError',
    ]) {
      expect(root, name).toHaveProperty(name);
    }
    expect(Object.keys(root).sort()).toMatchSnapshot();
  });

  it('the testing entry exports a mock for every endpoint format', async () => {
    expect(Object.keys(await import('../src/testing/index.js')).sort()).toMatchSnapshot();
  });

  it('VoiceStackError.isInstance recognises errors across copies of the package', async () => {
    const { VoiceStackError, ConfigError } = await import('../src/index.js');
    const copy = Object.assign(new Error('from another copy'), { [Symbol.for('livekit-voice-stack.error')]: true });
    expect(VoiceStackError.isInstance(copy)).toBe(true);
    expect(VoiceStackError.isInstance(new Error('plain'))).toBe(false);
    expect(VoiceStackError.isInstance(new ConfigError([{ path: 'llm', message: 'x' }]))).toBe(true);
  });
});
