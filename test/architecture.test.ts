import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = new URL('../src/', import.meta.url).pathname;
/** docs/architecture.md: each layer may import only the layers listed before it (testing and cli may use everything). */
const LAYERS = ['errors', 'state', 'config', 'providers', 'policies', 'stack'] as const;

/**
 * The layer of a file under src/: its folder, except a provider's options (`providers/<name>/<…>-options.ts`, its
 * schema and type), which belong to config: they live beside their adapter, and config assembles them into unions.
 */
function layerOf(path: string): string {
  return /^providers\/[^/]+\/[^/]+-options\.ts$/.test(path) ? 'config' : path.split('/')[0]!;
}
const PLUGINS = /from '@livekit\/agents-plugin-/;

/** The files under src/ that `file` imports: static, type-only, re-exports and dynamic `import()` alike. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.[^']+)'/g)].map(([, target]) =>
    join(file, '..', target!).replace(/\.js$/, '.ts'),
  );
}

/** The import cycles among `nodes` (Tarjan's strongly connected components of more than one file, or a file importing itself). */
function cycles(nodes: readonly string[], edges: (node: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges(node)) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = stack.splice(stack.indexOf(node));
    if (component.length > 1 || edges(node).includes(node)) found.push(component.sort());
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return found;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('architecture', () => {
  it('dependencies point down the layers: errors → state → config → providers → policies → stack', () => {
    const violations: string[] = [];
    for (const file of files(src)) {
      const layer = layerOf(relative(src, file));
      const rank = LAYERS.indexOf(layer as (typeof LAYERS)[number]);
      if (rank < 0) continue; // index.ts, testing/, cli/
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const targetLayer = layerOf(relative(src, join(file, '..', target!)).replace(/\.js$/, '.ts'));
        const targetRank = LAYERS.indexOf(targetLayer as (typeof LAYERS)[number]);
        if (targetRank > rank) violations.push(`${relative(src, file)} imports ${target} (${targetLayer} is above ${layer})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('no import cycles, type-only imports included', () => {
    const all = files(src);
    const graph = new Map(all.map((file) => [file, importsOf(file).filter((target) => all.includes(target))]));
    const found = cycles(all, (file) => graph.get(file) ?? []);
    expect(found.map((component) => component.map((file) => relative(src, file)).join(' ↔ '))).toEqual([]);
  });

  it('core never imports a plugin statically (they load only when a config uses them)', () => {
    const statics = files(src).filter((file) => PLUGINS.test(readFileSync(file, 'utf8')) && !file.includes('/testing/'));
    expect(statics.map((file) => relative(src, file))).toEqual([]);
  });
});
