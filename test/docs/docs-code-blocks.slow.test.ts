import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { asModule, codeBlocks, repositoryRoot as root } from '../helpers/docs-code-blocks.js';

const out = join(root, 'test/.generated/docs');

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
  }, 600_000); // a hang guard: one tsc program over every block takes minutes on a busy machine
});
