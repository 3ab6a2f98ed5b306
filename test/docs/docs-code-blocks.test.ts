import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const out = join(root, 'test/.generated/docs');

/** Every ```ts block of README.md and docs/**.md, with where it came from. */
function codeBlocks(): { source: string; code: string }[] {
  const files = ['README.md', ...listMarkdown(join(root, 'docs')).map((file) => relative(root, file))];
  return files.flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match, index) => ({ source: `${file}#${index + 1}`, code: match[1]! }));
  });
}

function listMarkdown(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listMarkdown(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : [],
  );
}

/** Short snippets may use `VoiceStackConfig` and `createVoiceStack` without importing them. */
function asModule(code: string): string {
  const implicit = ['VoiceStackConfig', 'createVoiceStack'].filter(
    (name) => new RegExp(`\\b${name}\\b`).test(code) && !new RegExp(`import[^;]*\\b${name}\\b`).test(code),
  );
  const prelude = implicit.length
    ? `import { ${implicit.map((name) => (name === 'VoiceStackConfig' ? `type ${name}` : name)).join(', ')} } from 'livekit-voice-stack';\n`
    : '';
  return `${prelude}${code}\nexport {};\n`;
}

describe('docs code blocks', () => {
  it('every TypeScript block in README.md and docs/ compiles', () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const blocks = codeBlocks();
    expect(blocks.length).toBeGreaterThan(5);
    const files = blocks.map((block, index) => {
      const file = join(out, `${String(index).padStart(2, '0')}-${block.source.replace(/[^a-z0-9]+/gi, '-')}.ts`);
      writeFileSync(file, asModule(block.code));
      return { file, source: block.source };
    });
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
    )!;
    const program = ts.createProgram(
      files.map((entry) => entry.file),
      { ...config.options, noEmit: true },
    );
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file && diagnostic.file.fileName.startsWith(out))
      .map((diagnostic) => {
        const source = files.find((entry) => entry.file === diagnostic.file!.fileName)?.source;
        const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        return `${source} line ${line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  }, 120_000);
});
