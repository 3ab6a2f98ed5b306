import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { round, shuffle, summarize } from './stats.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

export interface ImportCost {
  /** Median over fresh processes. */
  ms: number;
  heapMiB: number;
  rssMiB: number;
}

export interface CostResult {
  /** What was imported as the library: the built dist, or the sources through tsx. */
  source: string;
  processes: number;
  importLibrary: ImportCost;
  importLiveKitAgents: ImportCost;
  /** Library − @livekit/agents alone, from separate processes (noisy: process-to-process variance). */
  libraryAddsMs: number;
  libraryAddsHeapMiB: number;
  /** The library imported right after @livekit/agents in the same process: what it adds of its own. */
  importLibraryAfterAgents: ImportCost;
  /** First `createVoiceStack` of a process (includes the lazy import of the OpenAI plugin), in ms. */
  createFirstMs: number;
  /** Median `createVoiceStack` once warm (2-option LLM chain), in ms. */
  createWarmMs: number;
  /** Which plugin packages an LLM-only (openai-compatible) stack loaded: only the OpenAI plugin should be. */
  pluginsLoaded: Record<string, boolean>;
}

const PLUGINS = [
  '@livekit/agents-plugin-openai',
  '@livekit/agents-plugin-deepgram',
  '@livekit/agents-plugin-cartesia',
  '@livekit/agents-plugin-elevenlabs',
];

/** Import and creation cost, each in a fresh child process (nothing cached by this one). */
export async function runCost(processes: number): Promise<CostResult> {
  const dist = new URL('../dist/index.js', import.meta.url);
  const useDist = existsSync(dist);
  const library = useDist ? dist.href : pathToFileURL(`${root}src/index.ts`).href;
  const source = useDist
    ? `dist/index.js (built ${statSync(dist).mtime.toISOString()})`
    : 'src/index.ts through tsx (no dist: run `npm run build` to measure what users import)';
  // Sources need tsx in the child; the baseline then runs with the same loader, so the difference stays fair.
  const loader = useDist ? [] : ['--import', 'tsx'];

  const samples: Record<'library' | 'agents' | 'after', ImportCost[]> = { library: [], agents: [], after: [] };
  for (let i = 0; i < processes; i++) {
    for (const kind of shuffle(['library', 'agents'] as const)) {
      if (kind === 'library') {
        samples.library.push(...(await child<ImportCost[]>(loader, importScript([library]))));
      } else {
        const [agents, after] = await child<ImportCost[]>(loader, importScript(['@livekit/agents', library]));
        samples.agents.push(agents!);
        samples.after.push(after!);
      }
    }
  }
  const median = (costs: ImportCost[]): ImportCost => ({
    ms: summarize(costs.map((cost) => cost.ms)).median,
    heapMiB: round(summarize(costs.map((cost) => cost.heapMiB)).median, 2),
    rssMiB: round(summarize(costs.map((cost) => cost.rssMiB)).median, 2),
  });
  const importLibrary = median(samples.library);
  const importLiveKitAgents = median(samples.agents);
  const created = await child<{ firstMs: number; warm: number[]; loaded: Record<string, boolean> }>(loader, createScript(library));
  return {
    source,
    processes,
    importLibrary,
    importLiveKitAgents,
    libraryAddsMs: round(importLibrary.ms - importLiveKitAgents.ms),
    libraryAddsHeapMiB: round(importLibrary.heapMiB - importLiveKitAgents.heapMiB, 2),
    importLibraryAfterAgents: median(samples.after),
    createFirstMs: round(created.firstMs),
    createWarmMs: summarize(created.warm).median,
    pluginsLoaded: created.loaded,
  };
}

async function child<T>(loader: string[], script: string): Promise<T> {
  const { stdout } = await run(process.execPath, [...loader, '--expose-gc', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 120_000,
  });
  const line = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as T;
}

/** Imports each specifier in turn, measuring each one: time, and heap/RSS growth after a full GC. */
function importScript(specifiers: string[]): string {
  return `
    const costs = [];
    for (const specifier of ${JSON.stringify(specifiers)}) {
      globalThis.gc(); const m0 = process.memoryUsage(); const t0 = performance.now();
      await import(specifier);
      const ms = performance.now() - t0; globalThis.gc(); const m1 = process.memoryUsage();
      costs.push({ ms, heapMiB: (m1.heapUsed - m0.heapUsed) / 2 ** 20, rssMiB: (m1.rss - m0.rss) / 2 ** 20 });
    }
    console.log(JSON.stringify(costs));
  `;
}

function createScript(library: string): string {
  return `
    import { registerHooks } from 'node:module';
    const urls = new Set();
    // Every module resolved from here on (ESM and require), including the stack's lazy plugin imports.
    registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); urls.add(result.url); return result; } });
    const { initializeLogger } = await import('@livekit/agents');
    initializeLogger({ pretty: false, level: 'silent' });
    const { createVoiceStack } = await import(${JSON.stringify(library)});
    const entry = (model) => ({ provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model });
    let t0 = performance.now();
    const first = await createVoiceStack({ llm: entry('a') });
    const firstMs = performance.now() - t0;
    await first.close();
    const warm = [];
    for (let i = 0; i < 30; i++) {
      t0 = performance.now();
      const stack = await createVoiceStack({ llm: [entry('a'), entry('b')] });
      warm.push(performance.now() - t0);
      await stack.close();
    }
    const loaded = Object.fromEntries(${JSON.stringify(PLUGINS)}.map((name) => [name, [...urls].some((url) => url.includes('/node_modules/' + name + '/'))]));
    console.log(JSON.stringify({ firstMs, warm, loaded }));
  `;
}
