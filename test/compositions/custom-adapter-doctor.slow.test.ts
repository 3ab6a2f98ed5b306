import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlock, repositoryRoot } from '../helpers/docs-code-blocks.js';
import { generated, runTsx, runTwice, stateDir } from '../helpers/composition.js';

// docs/custom-adapters.md as a user follows it: the complete example's adapter (its code block) in a chain with a
// local llama.cpp, checked by `doctor` with the command the page shows, twice in a row. The llama.cpp is a real local
// HTTP server (the CLI is another process: msw cannot reach it); Acme's adapter has no health(), so it is listed as not
// probed and the slot stays served.
let llama: Server;
let llamaURL: string;
const state = stateDir();
beforeAll(async () => {
  llama = createServer((request, response) => {
    response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => llama.listen(0, '127.0.0.1', resolve));
  llamaURL = `http://127.0.0.1:${(llama.address() as { port: number }).port}/v1`;
});
afterAll(async () => {
  state.remove();
  await new Promise((resolve) => llama.close(resolve));
});

/** The `doctor` command line docs/custom-adapters.md gives for a module of custom adapters. */
function documentedCommand(): string[] {
  const page = readFileSync(join(repositoryRoot, 'docs/custom-adapters.md'), 'utf8');
  const line = /^\s*(?:\$ )?npx livekit-voice-stack doctor\b[^\n]*--adapters[^\n]*$/m.exec(page)?.[0];
  if (!line) throw new Error('docs/custom-adapters.md shows no `npx livekit-voice-stack doctor … --adapters …` command line');
  return line.replace(/#.*$/, '').trim().replace(/^\$ /, '').split(/\s+/).slice(2);
}

describe('a custom adapter with doctor', { timeout: 240_000 }, () => {
  it('doctor loads the adapter module the docs show and checks the chain, twice in a row', async () => {
    const args = documentedCommand();
    const modulePath = args[args.indexOf('--adapters') + 1]!;
    const configAt = args.indexOf('--config');
    const configPath = configAt >= 0 ? args[configAt + 1]! : 'voice-stack.json';
    const adapter = codeBlock('docs/custom-adapters.md', 'A complete example');
    const dir = generated('custom-adapter-doctor', {
      // At the path the command names (the block has no TypeScript-only syntax, so it is valid as .js too).
      [modulePath]: `${adapter}\nexport default [acmeLLM];\n`,
      [configPath]: JSON.stringify({
        llm: [
          { provider: 'acme', region: 'eu' },
          { provider: 'llama-cpp', baseURL: llamaURL },
        ],
      }),
    });
    const command = [join(repositoryRoot, 'src/cli/index.ts'), ...args, ...(configAt >= 0 ? [] : ['--config', configPath])];
    await runTwice(
      () => runTsx(command, { cwd: dir, env: { ACME_API_KEY: 'acme-key', LIVEKIT_VOICE_STACK_STATE_DIR: state.dir }, marker: false }),
      (result) => {
        expect(result.stdout).toMatch(/acme\s+acme-fast/);
        expect(result.stdout).toMatch(/llama-cpp\s+local\s+✓ ok/);
        expect(result.stdout + result.stderr).not.toContain('unknown provider');
      },
    );
  });
});
