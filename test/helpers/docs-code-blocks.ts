import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const repositoryRoot = new URL('../../', import.meta.url).pathname;

export interface CodeBlock {
  /** `file#n`: the n-th TypeScript block of that file. */
  source: string;
  /** The `##` heading it sits under. */
  heading: string;
  code: string;
}

/** Every ```ts block of README.md and docs/**.md, with where it came from. */
export function codeBlocks(): CodeBlock[] {
  const files = ['README.md', ...listMarkdown(join(repositoryRoot, 'docs')).map((file) => relative(repositoryRoot, file))];
  return files.flatMap((file) => {
    const text = readFileSync(join(repositoryRoot, file), 'utf8');
    return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match, index) => ({
      source: `${file}#${index + 1}`,
      heading: [...text.slice(0, match.index).matchAll(/^##+ (.*)$/gm)].at(-1)?.[1] ?? '',
      code: match[1]!,
    }));
  });
}

/** The first TypeScript block under `heading` (a `##` title, without the hashes) of `file`. */
export function codeBlock(file: string, heading: string): string {
  const block = codeBlocks().find((each) => each.source.startsWith(`${file}#`) && each.heading === heading);
  if (!block) throw new Error(`${file} has no \`\`\`ts block under "${heading}"`);
  return block.code;
}

function listMarkdown(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listMarkdown(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : [],
  );
}

/** Short snippets may use `VoiceStackConfig` and `createVoiceStack` without importing them. */
export function asModule(code: string): string {
  const implicit = ['VoiceStackConfig', 'createVoiceStack'].filter(
    (name) => new RegExp(`\\b${name}\\b`).test(code) && !new RegExp(`import[^;]*\\b${name}\\b`).test(code),
  );
  const prelude = implicit.length
    ? `import { ${implicit.map((name) => (name === 'VoiceStackConfig' ? `type ${name}` : name)).join(', ')} } from 'livekit-voice-stack';\n`
    : '';
  return `${prelude}${code}\nexport {};\n`;
}
