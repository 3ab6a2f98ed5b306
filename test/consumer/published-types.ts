// What the published .d.ts files must not show: any declaration marked `@internal` in src/ (a chain's core, an
// error's brand …). `stripInternal` in the type build removes them; this finds any that got through, by name, with
// the class or interface it belongs to. Run alone after `npm run build`: `tsx test/consumer/published-types.ts`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { repositoryRoot } from '../helpers/docs-code-blocks.js';

/** `Owner.member` (or `name` at top level) of every declaration in a file, each with its JSDoc tags. */
function declarations(file: string): { name: string; internal: boolean }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { name: string; internal: boolean }[] = [];
  const visit = (node: ts.Node, owner: string | undefined): void => {
    const name = (node as { name?: ts.Node }).name;
    const named =
      name && (ts.isClassElement(node) || ts.isTypeElement(node) || ts.isDeclarationStatement(node) || ts.isVariableDeclaration(node));
    const own = named ? name.getText(source) : undefined;
    if (own !== undefined) {
      const internal = ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal');
      found.push({ name: owner ? `${owner}.${own}` : own, internal });
    }
    const isOwner = ts.isClassLike(node) || ts.isInterfaceDeclaration(node);
    ts.forEachChild(node, (child) => visit(child, isOwner ? own : owner));
  };
  visit(source, undefined);
  return found;
}

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name), pattern) : pattern.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** The `@internal` declarations of src/ found in the .d.ts files of `dist`, and any `@internal` tag left there. */
export function internalLeaks(dist: string): string[] {
  const internal = new Set(
    files(join(repositoryRoot, 'src'), /\.ts$/).flatMap((file) =>
      declarations(file)
        .filter((d) => d.internal)
        .map((d) => d.name),
    ),
  );
  if (internal.size === 0)
    throw new Error('Failed to check the published types: no `@internal` declaration found in src/. Fix: update this check.');
  return files(dist, /\.d\.c?ts$/).flatMap((file) => {
    const where = relative(dist, file);
    const tags = readFileSync(file, 'utf8').includes('@internal') ? [`${where}: an @internal tag`] : [];
    return [...tags, ...declarations(file).flatMap(({ name }) => (internal.has(name) ? [`${where}: ${name}`] : []))];
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const leaks = internalLeaks(join(repositoryRoot, 'dist'));
  if (leaks.length) throw new Error(`The published types show @internal declarations:\n${leaks.join('\n')}`);
  console.log('published types: no @internal declaration');
}
