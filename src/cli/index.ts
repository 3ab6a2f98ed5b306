#!/usr/bin/env node
// The `livekit-voice-stack` binary: `doctor`, `config`, `dashboard` and `mode` (see docs/operations.md).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { voiceStackConfigFromEnv } from '../config/config-from-env.js';
import { durationProblem } from '../config/durations.js';
import { parseConfig } from '../config/parse-config.js';
import { HEALTH_TIMEOUT_BOUNDS } from '../stack/health.js';
import { maskSecrets, maskText } from '../config/secrets.js';
import type { VoiceStackConfig } from '../config/voice-stack-config.js';
import { docsUrl } from '../errors/docs-url.js';
import { VoiceStackError } from '../errors/index.js';
import { builtinAdapters } from '../providers/builtin-adapters.js';
import type { Logger } from '../config/logger.js';
import { formatHealthReport } from './format-health-report.js';
import { modeCommand, storeReport } from './mode-command.js';
import { openStore } from './open-store.js';

const HELP = `Usage: livekit-voice-stack <command> [options]

Commands:
  doctor                     Probe every configured provider for real and print a table, then the state store
  config                     Print the resolved config, secrets masked
  dashboard                  Serve the fleet dashboard on 127.0.0.1 (mode, rollout, calls, cooling options, fallbacks, health)
  mode status                The fleet's mode, rollout and active calls (from the state store)
  mode set <name>            Switch the mode of calls that start from now on, on every worker
  mode rollout <name> <pct>  Send <pct> % of new calls to <name> (0 ends it)
  metrics                    The fleet's figures per mode and per option, and a verdict between modes

Options:
  -c, --config <file>   Read the config from a JSON file instead of the environment
      --timeout <ms>    Time allowed for each probe (doctor) [default: 10000]
      --strict          Fail when any option fails, not only when a slot has none left (doctor)
      --json            Print JSON instead of a table
      --redis <url>     The fleet's state store in Redis (doctor, mode, dashboard, metrics) [default: REDIS_URL, else this machine's store]
  -h, --help            Show this help

Metrics options:
      --since <time>    How far back: 90s, 15m, 2h (up to 48h) [default: 15m]
      --min-turns <n>   Turns each mode needs before a verdict [default: 30]

Dashboard options:
      --port <n>        [default: 8089]
      --host <address>  Interface to bind [default: 127.0.0.1]
      --token <token>   Token for mode and rollout changes [default: generated and printed]
      --modes <a,b>     The only mode names a change may set

The config comes from the environment variables of voiceStackConfigFromEnv() unless --config is given:
${docsUrl('configuration.md')}

Exit codes (doctor): 0 every slot has an option that answered or could not be probed;
1 a slot has no working option (with --strict: any option failed); 2 no provider is configured, the config is invalid, or a package or key is missing.
Exit codes (config): 0 printed; 2 as doctor.`;

/** Runs the CLI; returns the exit code. Exported for tests. */
export async function main(
  argv: readonly string[],
  io = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        timeout: { type: 'string' },
        strict: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        redis: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        modes: { type: 'string' },
        since: { type: 'string' },
        'min-turns': { type: 'string' },
      },
    });
  } catch (error) {
    io.stderr.write(`livekit-voice-stack: ${(error as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (command === 'mode') {
    return modeCommand(extra, { redis: values.redis ?? io.env.REDIS_URL, json: values.json }, io);
  }
  if (command === 'metrics' && extra.length === 0) {
    const { metricsCommand } = await import('./metrics-command.js');
    const options = { redis: values.redis ?? io.env.REDIS_URL, since: values.since, minTurns: values['min-turns'], json: values.json };
    return metricsCommand(options, io);
  }
  if ((command !== 'doctor' && command !== 'config' && command !== 'dashboard') || extra.length > 0) {
    io.stderr.write(
      `livekit-voice-stack: ${command ? `unknown command "${[command, ...extra].join(' ')}"` : 'no command given'}. Commands: doctor, config, dashboard, mode, metrics.\n\n${HELP}\n`,
    );
    return 2;
  }
  const timeoutMs = values.timeout === undefined ? 10_000 : /^\s*$/.test(values.timeout) ? Number.NaN : Number(values.timeout);
  const timeoutProblem = durationProblem(timeoutMs, '--timeout', HEALTH_TIMEOUT_BOUNDS);
  if (timeoutProblem) {
    io.stderr.write(`livekit-voice-stack: ${timeoutProblem.replace('. Fix: use ', '. Fix: use --timeout ')}\n`);
    return 2;
  }

  if (command === 'dashboard') {
    const { dashboardCommand } = await import('./dashboard-command.js');
    const config = () => loadConfig(values.config, io.env).catch(() => undefined);
    return dashboardCommand({ ...values, config, timeoutMs }, io);
  }
  try {
    const config = await loadConfig(values.config, io.env);
    if (!config.stt && !config.llm && !config.tts) {
      io.stderr.write(
        `livekit-voice-stack: no provider is configured${values.config ? ` in ${values.config}` : ' in the environment'}. Fix: set e.g. LLM_MODEL and OPENROUTER_API_KEY, or LOCAL_LLM_BASE_URL (${docsUrl('configuration.md')}), or pass --config file.json.\n`,
      );
      return 2;
    }
    if (command === 'config') {
      parseConfig(config, builtinAdapters, values.config ?? 'voiceStackConfigFromEnv()');
      io.stdout.write(`${JSON.stringify(maskSecrets(config), null, 2)}\n`);
      return 0;
    }
    return await doctor(
      config,
      { timeoutMs, strict: values.strict, json: values.json, source: values.config, redis: values.redis ?? io.env.REDIS_URL },
      io,
    );
  } catch (error) {
    const message = VoiceStackError.isInstance(error) ? error.message : `livekit-voice-stack: ${(error as Error)?.message ?? error}`;
    io.stderr.write(`${maskText(message)}\n`);
    return 2;
  }
}

async function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv): Promise<VoiceStackConfig> {
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

async function doctor(
  config: VoiceStackConfig,
  options: { timeoutMs: number; strict: boolean; json: boolean; source: string | undefined; redis: string | undefined },
  io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv },
): Promise<number> {
  // LiveKit's constructors need its logger; keep it quiet so that only the table is printed.
  const { initializeLogger, loggerOptions } = await import('@livekit/agents');
  if (!loggerOptions()) initializeLogger({ pretty: false, level: 'silent' });
  const { createVoiceStack } = await import('../stack/create-voice-stack.js');
  const store = await openStore(options.redis);
  const stack = await createVoiceStack(config, { logger: stderrLogger(io.stderr), env: io.env });
  try {
    const [report, state] = await Promise.all([stack.health({ timeoutMs: options.timeoutMs }), storeReport(store)]);
    const anyFailed = report.results.some((result) => result.status === 'failed');
    const code = !report.ok || (options.strict && (anyFailed || !state.reachable)) ? 1 : 0;
    if (options.json) io.stdout.write(`${JSON.stringify({ ...report, store: state }, null, 2)}\n`);
    else io.stdout.write(`${formatHealthReport(report, { color: useColor(io.stdout, io.env) })}\n${state.line}\n`);
    return code;
  } finally {
    await Promise.all([stack.close(), store.close()]);
  }
}

/** Colour on a TTY, unless NO_COLOR is set; FORCE_COLOR forces it. */
function useColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY);
}

/** Warnings and errors on stderr; the stack's info lines would clutter the table. */
function stderrLogger(stderr: NodeJS.WriteStream): Logger {
  const write = (message: string) => void stderr.write(`${maskText(message)}\n`);
  return { debug: () => undefined, info: () => undefined, warn: write, error: write };
}

// Run when executed (the bin, or `tsx src/cli/index.ts`), not when imported by tests.
const entry = process.argv[1] ?? '';
if (/(?:^|[\\/])(cli\.(?:c?js|mjs)|index\.ts|livekit-voice-stack)$/.test(entry)) {
  main(process.argv.slice(2)).then(
    (code) => {
      // Plugins may keep sockets or timers alive: end once the output is flushed.
      process.exitCode = code;
      process.stdout.write('', () => process.exit(code));
    },
    (error: unknown) => {
      process.stderr.write(`livekit-voice-stack: ${(error as Error)?.stack ?? error}\n`);
      process.exit(2);
    },
  );
}
