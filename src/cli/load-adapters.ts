import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyAdapter } from '../providers/define-adapter.js';
import { UsageError } from './usage-error.js';

const TYPESCRIPT = /\.[cm]?tsx?$/;

/**
 * `--adapters ./adapters.js`: the custom adapters a module exports, as `export const adapters = [...]` or
 * `export default [...]` (a single adapter is accepted too). A `.ts` module loads under the user's TypeScript loader:
 * the one the process runs with (`NODE_OPTIONS='--import tsx'`, Node's type stripping), else `tsx` installed in the
 * project, registered for this process.
 */
export async function loadAdapters(file: string, cwd = process.cwd()): Promise<AnyAdapter[]> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const url = pathToFileURL(path).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && !String((error as Error).message).includes(path))
      throw fail(file, `it imports a package that is not installed (${firstLine(error)})`, 'install it in the project');
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ENOENT') throw fail(file, 'no such file', 'pass the path of your adapters module');
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && TYPESCRIPT.test(path)) module = await importWithTsx(file, url, cwd);
    else throw fail(file, firstLine(error), 'check that the module runs with node');
  }
  const exported = module.adapters ?? module.default;
  const list = Array.isArray(exported) ? exported : exported && typeof exported === 'object' ? [exported] : [];
  if (list.length === 0)
    throw fail(
      file,
      'it exports no adapters',
      'export them: `export const adapters = [acmeLLM]` or `export default [acmeLLM]` (each made with defineAdapter())',
    );
  list.forEach((adapter, index) => {
    const { modality, provider, create } = (adapter ?? {}) as Partial<AnyAdapter>;
    if (!['stt', 'llm', 'tts'].includes(modality as string) || typeof provider !== 'string' || typeof create !== 'function')
      throw fail(
        file,
        `adapters[${index}] is not an adapter (it needs modality, provider and create())`,
        'make each one with defineAdapter() from livekit-voice-stack',
      );
  });
  return list as AnyAdapter[];
}

/** Registers the project's `tsx` for this process, then imports the module again. */
async function importWithTsx(file: string, url: string, cwd: string): Promise<Record<string, unknown>> {
  let api: string;
  try {
    api = createRequire(join(cwd, 'package.json')).resolve('tsx/esm/api');
  } catch {
    throw fail(
      file,
      'Node cannot load a TypeScript module by itself',
      `compile it to .js, install tsx in the project (npm install -D tsx), or run with a loader: NODE_OPTIONS='--import tsx' npx livekit-voice-stack …`,
    );
  }
  try {
    const { register } = (await import(pathToFileURL(api).href)) as { register: () => unknown };
    register();
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw fail(file, firstLine(error), 'check that the module runs with tsx');
  }
}

function fail(file: string, reason: string, fix: string): UsageError {
  return new UsageError(`Failed to load the adapters in ${file}: ${reason}. Fix: ${fix}.`);
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')[0]!
    .replace(/\.$/, '');
}
