import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceStack, maskSecrets } from '../../src/index.js';
import { maskText } from '../../src/config/secrets.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

// Fake keys are split ('sk' + '-…') so that secret scanners do not flag these fixtures.
const HEADER_KEY = 'hdr' + 'FAKEKEYanthropic0123456789';
const ELEVEN_KEY = 'xi' + '-FAKEKEY-eleven-0123456789';
const AZURE_KEY = 'az' + 'FAKEKEYazure0123456789abc';
const URL_PASSWORD = 'pw' + 'FAKEKEYurlpassword0123';
const QUERY_KEY = 'q' + 'FAKEKEYgooglekey0123456';
const SIG = 's' + 'FAKEKEYsignature0123456';
const SECRETS = [HEADER_KEY, ELEVEN_KEY, AZURE_KEY, URL_PASSWORD, QUERY_KEY, SIG];

let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'lvs-mask-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('one masking function', () => {
  it('hides hyphenated header names, URL credentials and key-like query parameters, and keeps the rest readable', () => {
    const masked = maskSecrets({
      headers: { 'x-api-key': HEADER_KEY, 'xi-api-key': ELEVEN_KEY, 'api-key': AZURE_KEY, 'X-Team': 'voice' },
      baseURL: `https://alice:${URL_PASSWORD}@llm.acme.example/v1?key=${QUERY_KEY}&sig=${SIG}&region=eu`,
      model: 'qwen3-8b',
      voice: '65b25c5d-ff07-4687-a04c-da2f43ef6fa9',
      maxTokens: 256,
    });
    const text = JSON.stringify(masked);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(masked).toMatchObject({
      headers: { 'X-Team': 'voice' },
      baseURL: 'https://••••@llm.acme.example/v1?key=••••&sig=••••&region=eu',
      model: 'qwen3-8b',
      voice: '65b25c5d-ff07-4687-a04c-da2f43ef6fa9',
      maxTokens: 256,
    });
  });

  it('hides the same in free text: a header dump, a URL quoted by an HTTP client, a JSON fragment', () => {
    const text = maskText(
      `x-api-key: ${HEADER_KEY} fetch https://bob:${URL_PASSWORD}@host.example/x?token=${QUERY_KEY} failed; {"xi-api-key":"${ELEVEN_KEY}"}`,
    );
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('https://••••@host.example/x?token=••••');
    // A config path is not a header: the message after it stays readable.
    expect(maskText('llm[0].apiKey: expected a string')).toBe('llm[0].apiKey: expected a string');
  });

  it('an error code naming a key problem is not a key name: the message after it stays readable, the echoed key does not', () => {
    const echoed = 'sk' + '-wro*********ey77';
    expect(maskText(`invalid_api_key: Incorrect API key provided: ${echoed}.`)).toBe('invalid_api_key: Incorrect API key provided: ••••');
    expect(maskText('missing_token: No token was sent')).toBe('missing_token: No token was sent');
    expect(maskText(`api_key: ${HEADER_KEY}`)).toBe('api_key: ••••');
  });
});

describe('what the CLI and the stack print', () => {
  it('`config` prints no header key, URL password or query key', async () => {
    const file = join(dir, 'headers.json');
    await writeFile(
      file,
      JSON.stringify({
        llm: {
          provider: 'openai',
          model: 'gpt-4o-mini',
          apiKey: AZURE_KEY,
          baseURL: `https://alice:${URL_PASSWORD}@llm.acme.example/v1?api-key=${QUERY_KEY}`,
          headers: { 'x-api-key': HEADER_KEY, 'api-key': AZURE_KEY },
        },
      }),
    );
    const result = await runCliInProcess(['config', '--config', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const secret of SECRETS) expect(result.stdout).not.toContain(secret);
    expect(result.stdout).toContain('llm.acme.example');
  });

  it('a malformed --config file is reported by position, without quoting the key next to the mistake', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, `{"llm": {"provider": "openai", "apiKey": ${AZURE_KEY}}}`);
    const result = await runCliInProcess(['config', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Failed to parse .*broken\.json: not valid JSON at line 1 column \d+\. Fix: /);
    expect(result.stderr).not.toContain(AZURE_KEY.slice(0, 6));
  });

  it('`doctor` masks the URL an HTTP client quotes in its error', async () => {
    const file = join(dir, 'credentials.json');
    await writeFile(
      file,
      JSON.stringify({
        llm: { provider: 'openai-compatible', model: 'm', baseURL: `http://alice:${URL_PASSWORD}@127.0.0.1:9/v1?key=${QUERY_KEY}` },
      }),
    );
    // --json: the table would cut the error short.
    const result = await runCliInProcess(['doctor', '--config', file, '--timeout', '3000', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).results[0].error).toContain('http://••••@127.0.0.1:9/v1?key=••••');
    for (const secret of SECRETS) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('`stack.config` is a masked view: JSON.stringify and inspect show no key', async () => {
    const stack = await createVoiceStack(
      {
        llm: {
          provider: 'openai-compatible',
          model: 'm',
          apiKey: AZURE_KEY,
          baseURL: `http://127.0.0.1:9/v1?sig=${SIG}`,
          headers: { 'x-api-key': HEADER_KEY },
        },
      },
      { env: {}, logger: quiet },
    );
    try {
      const shown = `${JSON.stringify(stack.config)}\n${inspect(stack.config, { depth: 20 })}`;
      for (const secret of SECRETS) expect(shown).not.toContain(secret);
      expect(stack.config.retry.windowMs).toBe(60_000);
      expect(shown).toContain('127.0.0.1:9');
    } finally {
      await stack.close();
    }
  });
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
