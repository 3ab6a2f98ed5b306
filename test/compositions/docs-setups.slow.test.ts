import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asModule, codeBlock, repositoryRoot } from '../helpers/docs-code-blocks.js';
import { CLOSED, generated, runProcess, runTsx, runTwice, stateDir } from '../helpers/composition.js';

// The setups of README.md, docs/getting-started.md and docs/testing.md, each as its own process, twice in a row, from
// the docs' own code blocks (extracted, never copied: the docs and these runs cannot drift). Around each block, only
// what the docs leave to the user: the mocks in place of the providers' servers, and the keys.
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((cleanup) => cleanup()));

const MOCKS_PRELUDE = `import { setupServer } from 'msw/node';
import { localOnly, mockOpenAIEndpoint } from 'livekit-voice-stack/testing';
`;

describe('README "Usage"', { timeout: 240_000 }, () => {
  it('answers, prints the reply, and exits after close(), twice in a row', async () => {
    const dir = generated('readme-usage', {
      'usage.ts': asModule(codeBlock('README.md', 'Usage')),
      'main.ts': `${MOCKS_PRELUDE}
const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'Hello! How can I help you today?' });
const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'Hello from llama.cpp.', llamaCpp: true });
const server = setupServer(...openrouter.handlers, ...llama.handlers);
server.listen({ onUnhandledFrame: localOnly });
await import('./usage.js');
server.close();
console.error(${JSON.stringify(CLOSED)});
`,
    });
    const state = stateDir();
    cleanups.push(state.remove);
    await runTwice(
      () => runTsx([join(dir, 'main.ts')], { env: { OPENROUTER_API_KEY: 'sk-or-test', LIVEKIT_VOICE_STACK_STATE_DIR: state.dir } }),
      // What the user sees on stdout: their own console.log, nothing else.
      (result, run) => expect.soft(result.stdout, `run ${run}`).toBe("[ 'Hello! How can I help you today?' ]\n"),
    );
  });
});

describe('docs/getting-started.md, steps 2 and 4', { timeout: 240_000 }, () => {
  it('the stack of step 2 falls back from OpenAI to llama.cpp, step 4 prints it, and the process exits, twice in a row', async () => {
    const watch = codeBlock('docs/getting-started.md', '4. Watch it').replace(
      /declare const stack: VoiceStack;\n/,
      "import { stack } from './describe.js';\n",
    );
    const dir = generated('getting-started', {
      'describe.ts': `${codeBlock('docs/getting-started.md', '2. Describe the stack')}\nexport { stack };\n`,
      'watch.ts': `${watch}\nexport {};\n`,
      'main.ts': `${MOCKS_PRELUDE}import { startTextSession } from 'livekit-voice-stack/testing';

const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'From OpenAI.' });
const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'From llama.cpp.', llamaCpp: true });
const server = setupServer(...openai.handlers, ...llama.handlers);
server.listen({ onUnhandledFrame: localOnly });
openai.use({ status: 429, retryAfter: 30, times: 1 });
const { stack } = await import('./describe.js');
await import('./watch.js');
const session = await startTextSession(stack);
console.log((await session.ask('Hello?')).text);
await session.close();
await stack.close();
server.close();
console.error(${JSON.stringify(CLOSED)});
`,
    });
    const state = stateDir();
    cleanups.push(state.remove);
    const keys = { DEEPGRAM_API_KEY: 'dg-test', OPENAI_API_KEY: 'sk-test', CARTESIA_API_KEY: 'sk_car_test' };
    await runTwice(
      () => runTsx([join(dir, 'main.ts')], { env: { ...keys, LIVEKIT_VOICE_STACK_STATE_DIR: state.dir } }),
      (result, run) => {
        // (On a loaded machine the slow fallback may start with the holding phrase.)
        expect.soft(result.stdout, `run ${run}`).toMatch(/^(One moment, please\. )?From llama\.cpp\.\n$/);
        // Step 4's listener (the second run finds OpenAI cooling on this machine and starts with llama.cpp).
        if (run === 1) expect.soft(result.stderr).toContain('llm: openai/gpt-4.1-mini → llama-cpp/local (rate_limit)');
      },
    );
  });
});

describe('docs/testing.md "A complete vitest example"', { timeout: 240_000 }, () => {
  it('passes under vitest, and passes again when run again at once', async () => {
    const dir = generated('testing-example', {
      'example.test.ts': codeBlock('docs/testing.md', 'A complete vitest example'),
      // As a user's project resolves the package: by its name (here to this repository's sources).
      'vitest.config.mjs': `export default {
  resolve: {
    alias: [
      { find: /^livekit-voice-stack\\/testing$/, replacement: ${JSON.stringify(join(repositoryRoot, 'src/testing/index.ts'))} },
      { find: /^livekit-voice-stack$/, replacement: ${JSON.stringify(join(repositoryRoot, 'src/index.ts'))} },
    ],
  },
  cacheDir: '.vite',
  test: { include: ['*.test.ts'] },
};
`,
    });
    // The user's default state location (no LIVEKIT_VOICE_STACK_STATE_DIR), in a temp dir of its own for this test.
    const tmp = mkdtempSync(join(tmpdir(), 'lvs-composition-tmp-'));
    cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
    const vitest = join(repositoryRoot, 'node_modules/vitest/vitest.mjs');
    await runTwice(
      () =>
        runProcess(process.execPath, [vitest, 'run', '--root', dir, '--config', join(dir, 'vitest.config.mjs')], {
          env: { TMPDIR: tmp, CI: 'true', NO_COLOR: '1', FORCE_COLOR: undefined },
          marker: false,
        }),
      (result) => expect(result.stdout).toMatch(/Tests\s+1 passed/),
    );
  });
});
