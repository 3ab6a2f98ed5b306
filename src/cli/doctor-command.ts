import { readFile } from 'node:fs/promises';
import { voiceStackConfigFromEnv } from '../config/config-from-env.js';
import type { Logger } from '../config/logger.js';
import { parseConfig } from '../config/parse-config.js';
import { maskSecrets, maskText } from '../config/secrets.js';
import type { VoiceStackConfig } from '../config/voice-stack-config.js';
import { docsUrl } from '../errors/docs-url.js';
import { VoiceStackError } from '../errors/index.js';
import { builtinAdapters } from '../providers/builtin-adapters.js';
import type { AnyAdapter } from '../providers/define-adapter.js';
import { formatHealthReport } from './format-health-report.js';
import { storeReport } from './mode-command.js';
import { openStore } from './open-store.js';

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export interface DoctorOptions {
  /** `--config file.json`, else the environment. */
  source: string | undefined;
  adapters: readonly AnyAdapter[];
  timeoutMs: number;
  strict: boolean;
  json: boolean;
  redis: string | undefined;
}

/** `doctor` (probe every option, then the store) or `config` (print the resolved config, masked); returns the exit code. */
export async function doctorCommand(command: 'doctor' | 'config', options: DoctorOptions, io: Io): Promise<number> {
  try {
    const config = await loadConfig(options.source, io.env);
    if (!config.stt && !config.llm && !config.tts) {
      io.stderr.write(
        `livekit-voice-stack: no provider is configured${options.source ? ` in ${options.source}` : ' in the environment'}. Fix: set e.g. LLM_MODEL and OPENROUTER_API_KEY, or LOCAL_LLM_BASE_URL (${docsUrl('configuration.md')}), or pass --config file.json.\n`,
      );
      return 2;
    }
    if (command === 'config') {
      parseConfig(config, [...options.adapters, ...builtinAdapters], options.source ?? 'voiceStackConfigFromEnv()');
      io.stdout.write(`${JSON.stringify(maskSecrets(config), null, 2)}\n`);
      return 0;
    }
    return await doctor(config, options, io);
  } catch (error) {
    const message = VoiceStackError.isInstance(error) ? error.message : `livekit-voice-stack: ${(error as Error)?.message ?? error}`;
    io.stderr.write(`${maskText(cliWording(message))}\n`);
    return 2;
  }
}

/** The library's fixes name its API; on the command line the same fix is an option. */
export function cliWording(message: string): string {
  return message.replaceAll('in `options.adapters`', 'and load it with --adapters ./adapters.js (see livekit-voice-stack doctor --help)');
}

/** The config of `--config file.json`, else of the environment (`voiceStackConfigFromEnv()`). */
export async function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv): Promise<VoiceStackConfig> {
  if (file === undefined) return voiceStackConfigFromEnv(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new VoiceStackError(
      'CONFIG_INVALID',
      `Failed to read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Fix: pass the path of a JSON config file.`,
    );
  }
  try {
    return JSON.parse(text) as VoiceStackConfig;
  } catch {
    // JSON.parse quotes the text around the mistake, which may be a key: say where it is instead.
    throw new VoiceStackError(
      'CONFIG_INVALID',
      `Failed to parse ${file}: not valid JSON at ${jsonErrorPosition(text)}. Fix: the file must hold one JSON object, e.g. {"llm": {"provider": "llama-cpp"}}.`,
    );
  }
}

/** `line L column C` of the first character `JSON.parse` cannot read (found by parsing ever shorter prefixes). */
function jsonErrorPosition(text: string): string {
  let low = 0;
  let high = text.length;
  // The longest prefix that is still a valid start of JSON; the error sits right after it.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (isValidPrefix(text.slice(0, middle))) low = middle;
    else high = middle - 1;
  }
  const before = text.slice(0, low);
  const line = before.split('\n').length;
  return `line ${line} column ${low - before.lastIndexOf('\n')}`;
}

/** True when `prefix` could begin a valid JSON document (only "unexpected end" errors). */
function isValidPrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    return /end of JSON input|Unterminated string/i.test((error as Error).message);
  }
}

async function doctor(config: VoiceStackConfig, options: DoctorOptions, io: Io): Promise<number> {
  // LiveKit's constructors need its logger; keep it quiet so that only the table is printed.
  const { initializeLogger, loggerOptions } = await import('@livekit/agents');
  if (!loggerOptions()) initializeLogger({ pretty: false, level: 'silent' });
  const { createVoiceStack } = await import('../stack/create-voice-stack.js');
  const store = await openStore(options.redis);
  try {
    const stack = await createVoiceStack(config, { adapters: options.adapters, logger: stderrLogger(io.stderr), env: io.env });
    try {
      const [report, state] = await Promise.all([stack.health({ timeoutMs: options.timeoutMs }), storeReport(store)]);
      const anyFailed = report.results.some((result) => result.status === 'failed');
      const code = !report.ok || (options.strict && (anyFailed || !state.reachable)) ? 1 : 0;
      if (options.json) io.stdout.write(`${JSON.stringify({ ...report, store: state }, null, 2)}\n`);
      else io.stdout.write(`${formatHealthReport(report, { color: useColor(io.stdout, io.env) })}\n${state.line}\n`);
      return code;
    } finally {
      await stack.close();
    }
  } finally {
    await store.close();
  }
}

/** Colour on a TTY, unless NO_COLOR is set; FORCE_COLOR forces it. */
function useColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY);
}

/** Warnings and errors on stderr; the stack's info lines would clutter the table. */
export function stderrLogger(stderr: NodeJS.WritableStream): Logger {
  const write = (message: string) => void stderr.write(`${maskText(message)}\n`);
  return { debug: () => undefined, info: () => undefined, warn: write, error: write };
}
