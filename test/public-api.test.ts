// The published types (no `@internal` member) and errors across two real copies of the build (ESM and CommonJS) are
// checked on the packed package by the consumer test (test/consumer).
import { describe, expect, it } from 'vitest';

describe('public API', () => {
  it('the root entry exports the documented names', async () => {
    const root = await import('../src/index.js');
    for (const name of [
      'createVoiceStack',
      'voiceStackConfigFromEnv',
      'createProviderResolver',
      'defineAdapter',
      'createModeController',
      'VoiceStackError',
    ]) {
      expect(root, name).toHaveProperty(name);
    }
    // Types only: their constructors are not for users (createVoiceStack() and createModeController() build them).
    for (const name of ['VoiceStack', 'ModeController', 'MAX_TIMER_MS']) expect(root, name).not.toHaveProperty(name);
    expect(Object.keys(root).sort()).toMatchSnapshot();
  });

  it('the testing entry exports a mock for every endpoint format', async () => {
    expect(Object.keys(await import('../src/testing/index.js')).sort()).toMatchSnapshot();
  });
});
