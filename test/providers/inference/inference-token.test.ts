import { describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../../src/index.js';
import { inferenceToken } from '../../../src/providers/inference/inference-credentials.js';
import { mockOpenAIEndpoint, startTextSession } from '../../../src/testing/index.js';
import { verifyLiveKitToken } from '../../../src/testing/openai-endpoint.js';
import { useMswServer } from '../../helpers/msw.js';

const credentials = { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' };
const gateway = mockOpenAIEndpoint({
  baseURL: 'https://agent-gateway.livekit.cloud/v1',
  reply: 'Hello from Inference.',
  auth: { livekit: credentials },
});
useMswServer(...gateway.handlers);

/** A JWT's header and claims, decoded. */
function decode(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
  return { header: header!, claims: claims! };
}

const bearerOf = (path: string) =>
  gateway.requests.find((request) => request.path.endsWith(path))?.headers.authorization?.replace(/^Bearer /, '');

describe('the LiveKit Inference token', () => {
  it('is accepted by the gateway mock for its own key and secret only', async () => {
    const token = await inferenceToken(credentials.apiKey, credentials.apiSecret);
    expect(verifyLiveKitToken(token, credentials)).toBe(true);
    expect(verifyLiveKitToken(token, { ...credentials, apiSecret: 'another-secret-0123456789' })).toBe(false);
    expect(verifyLiveKitToken(token, { ...credentials, apiKey: 'another-key' })).toBe(false);
  });

  it('has the header and claims of the token LiveKit’s own inference.LLM sends (health probe beside a real turn)', async () => {
    gateway.reset();
    const stack = await createVoiceStack(
      { llm: { provider: 'inference', model: 'openai/gpt-4.1-mini' } },
      { env: { LIVEKIT_API_KEY: credentials.apiKey, LIVEKIT_API_SECRET: credentials.apiSecret } },
    );
    try {
      const session = await startTextSession(stack);
      expect((await session.ask('Hi')).text).toBe('Hello from Inference.');
      await session.close();
      const [health] = (await stack.health()).results;
      expect(health).toMatchObject({ provider: 'inference', ok: true });
    } finally {
      await stack.close();
    }
    const livekit = decode(bearerOf('/chat/completions')!); // signed by inference.LLM itself
    const ours = decode(bearerOf('/models')!); // signed by the health probe
    expect(ours.header).toEqual(livekit.header);
    const withoutTimes = ({ nbf: _nbf, exp: _exp, ...rest }: Record<string, unknown>) => rest;
    expect(withoutTimes(ours.claims)).toEqual(withoutTimes(livekit.claims));
    expect(ours.claims).toMatchObject({ iss: credentials.apiKey, sub: 'agent', inference: { perform: true } });
    expect(Number(ours.claims.exp) - Number(ours.claims.nbf)).toBe(Number(livekit.claims.exp) - Number(livekit.claims.nbf));
  });
});
