// What strict TypeScript tells a user who mistypes `provider`: the error must name `provider` (and suggest the
// provider meant), not a field of the entry that only the ready LiveKit instances lack. Compiled with the
// compiler API because `@ts-expect-error` proves an error, not what it says (a few seconds of compiling: a slow test).
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../helpers/docs-code-blocks.js';

const file = join(repositoryRoot, 'test/types/__provider-typo__.ts');
const source = `import type { VoiceStackConfig } from '../../src/config/voice-stack-config.js';
export const one: VoiceStackConfig = { llm: { provider: 'openroutr', models: ['meta-llama/llama-3.3-70b-instruct:free'] } };
export const chain: VoiceStackConfig = { llm: [{ provider: 'openroutr', models: ['meta-llama/llama-3.3-70b-instruct:free'] }] };
export const stt: VoiceStackConfig = { stt: { provider: 'deepgramm', model: 'nova-3' } };
export const tts: VoiceStackConfig = { tts: { provider: 'cartesya', voice: 'f786b574-daa5-4673-aa0c-cbe3e8534c02' } };
`;

function diagnostics(): { line: number; column: number; message: string }[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(repositoryRoot, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  )!;
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) => (name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language));
  host.fileExists = (name) => name === file || ts.sys.fileExists(name);
  const program = ts.createProgram([file], config.options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((diagnostic) => {
    const { line, character } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start!);
    return { line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') };
  });
}

describe('a mistyped provider in strict TypeScript', () => {
  it('is reported on `provider`, with the provider meant, on every slot', { timeout: 60_000 }, () => {
    const found = diagnostics();
    expect(found.map((d) => d.line).sort()).toEqual([2, 3, 4, 5]);
    for (const { line, message } of found) {
      const typo = ['openroutr', 'openroutr', 'deepgramm', 'cartesya'][line - 2]!;
      expect(message, `line ${line}`).toContain(`'"${typo}"' is not assignable`);
      expect(message, `line ${line}`).not.toMatch(/'models'|'model'|'voice'|does not exist/);
    }
    expect(found.find((d) => d.line === 2)!.message).toContain("Types of property 'provider' are incompatible");
    expect(found.find((d) => d.line === 2)!.message).toContain(`Did you mean '"openrouter"'?`);
  });
});
