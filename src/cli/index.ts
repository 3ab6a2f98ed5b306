#!/usr/bin/env node
// The `livekit-voice-stack` binary: `doctor`, `config`, `dashboard`, `mode` and `metrics` (see docs/operations.md).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { durationProblem } from '../config/durations.js';
import { docsUrl } from '../errors/docs-url.js';
import { HEALTH_TIMEOUT_BOUNDS } from '../stack/health.js';
import type { AnyAdapter } from '../providers/define-adapter.js';
import { cliWording, doctorCommand, type Io } from './doctor-command.js';
import { modeCommand, MODE_HELP } from './mode-command.js';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

/** One subcommand: its options, its help, and what runs it. Add a command by adding an entry to {@link COMMANDS}. */
export interface Command {
  /** One line for the command list of `--help`. */
  summary: string;
  /** `livekit-voice-stack <name> --help`. */
  help: string;
  options: Options;
  run(values: Values, positionals: string[], io: Io): Promise<number>;
}

const CONFIG_OPTIONS = {
  config: { type: 'string', short: 'c' },
  adapters: { type: 'string' },
} satisfies Options;
const CONFIG_HELP = `  -c, --config <file>    Read the config from a JSON file instead of the environment (voiceStackConfigFromEnv():
                         ${docsUrl('configuration.md')})
      --adapters <file>  Load custom adapters from a module that exports \`adapters\` (or a default array), e.g.
                         ./adapters.js; a .ts module loads with tsx (installed in the project, or NODE_OPTIONS='--import tsx')`;
const REDIS_HELP = `      --redis <url>      The fleet's state store in Redis [default: REDIS_URL, else this machine's store]`;

const COMMANDS: Record<string, Command> = {
  doctor: {
    summary: 'Probe every configured provider for real and print a table, then the state store',
    help: `Usage: livekit-voice-stack doctor [options]

Probes every configured option for real (a small request each), prints one row per option, then the state store.

Options:
${CONFIG_HELP}
      --timeout <ms>     Time allowed for each probe [default: 10000]
      --strict           Fail when any option fails, not only when a slot has none left
      --json             Print JSON instead of a table
${REDIS_HELP}

Exit codes: 0 every slot has an option that answered or could not be probed; 1 a slot has no working option (with
--strict: any option failed, or the store is unreachable); 2 a usage error, no provider is configured, the config is
invalid, or a package or key is missing.`,
    options: {
      ...CONFIG_OPTIONS,
      timeout: { type: 'string' },
      strict: { type: 'boolean' },
      json: { type: 'boolean' },
      redis: { type: 'string' },
    },
    run: async (values, positionals, io) => {
      noArguments('doctor', positionals);
      return doctorCommand(
        'doctor',
        {
          source: values.config as string | undefined,
          adapters: await adaptersOf(values),
          timeoutMs: timeoutOf(values),
          strict: Boolean(values.strict),
          json: Boolean(values.json),
          redis: (values.redis as string | undefined) ?? io.env.REDIS_URL,
        },
        io,
      );
    },
  },
  config: {
    summary: 'Print the resolved config, secrets masked',
    help: `Usage: livekit-voice-stack config [options]

Validates the config and prints it as JSON, every secret masked.

Options:
${CONFIG_HELP}

Exit codes: 0 printed; 2 a usage error, no provider is configured, or the config is invalid.`,
    options: CONFIG_OPTIONS,
    run: async (values, positionals, io) => {
      noArguments('config', positionals);
      const adapters = await adaptersOf(values);
      return doctorCommand(
        'config',
        { source: values.config as string | undefined, adapters, timeoutMs: 0, strict: false, json: true, redis: undefined },
        io,
      );
    },
  },
  dashboard: {
    summary: 'Serve the fleet dashboard on 127.0.0.1 (mode, rollout, calls, cooling options, fallbacks, health)',
    help: `Usage: livekit-voice-stack dashboard [options]

Serves the fleet dashboard until Ctrl+C, and prints its address with the token.

Options:
      --port <n>         [default: 8089]
      --host <address>   Interface to bind [default: 127.0.0.1]
      --allow-host <a,b> Host names the page may be opened under besides 127.0.0.1 and localhost (needed with
                         --host 0.0.0.0; other names are refused against DNS rebinding)
      --token <token>    Token for health checks and mode and rollout changes [default: generated and printed]
      --modes <a,b>      The only mode names a change may set
${CONFIG_HELP}
      --timeout <ms>     Time allowed for each probe of "Check health" [default: 10000]
${REDIS_HELP}

Exit codes: 0 stopped by Ctrl+C; 2 a usage error, or the port could not be bound.`,
    options: {
      ...CONFIG_OPTIONS,
      timeout: { type: 'string' },
      redis: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-host': { type: 'string' },
      token: { type: 'string' },
      modes: { type: 'string' },
    },
    run: async (values, positionals, io) => {
      noArguments('dashboard', positionals);
      const timeoutMs = timeoutOf(values);
      const adapters = await adaptersOf(values);
      const { dashboardCommand } = await import('./dashboard-command.js');
      const { loadConfig } = await import('./doctor-command.js');
      const source = values.config as string | undefined;
      return dashboardCommand(
        {
          redis: (values.redis as string | undefined) ?? io.env.REDIS_URL,
          port: values.port as string | undefined,
          host: values.host as string | undefined,
          allowHost: values['allow-host'] as string | undefined,
          token: values.token as string | undefined,
          modes: values.modes as string | undefined,
          config: () => loadConfig(source, io.env).catch(() => undefined),
          adapters,
          timeoutMs,
        },
        io,
      );
    },
  },
  mode: {
    summary: 'mode status | set <name> | reset | rollout <name> <pct>: the fleet\u2019s mode and rollout (from the state store)',
    help: MODE_HELP,
    options: { json: { type: 'boolean' }, redis: { type: 'string' } },
    run: (values, positionals, io) =>
      modeCommand(positionals, { redis: (values.redis as string | undefined) ?? io.env.REDIS_URL, json: Boolean(values.json) }, io),
  },
  metrics: {
    summary: "The fleet's figures per mode and per option, and a verdict between modes (from the state store)",
    help: `Usage: livekit-voice-stack metrics [options]

Reads the fleet's windowed counters from the state store: per mode, then per option, calls, turns, p50/p95 of each
latency, fallback, apology and error rates, and a verdict between modes (each difference with a 95 % interval).

Options:
      --since <time>     How far back: 90s, 15m, 2h (up to 48h) [default: 15m]
      --min-turns <n>    Turns each mode needs before a verdict [default: 30]
      --json             Print JSON instead of tables
${REDIS_HELP}

Exit codes: 0 printed; 1 the store did not answer; 2 a usage error.
Docs: ${docsUrl('operations.md')}`,
    options: { since: { type: 'string' }, 'min-turns': { type: 'string' }, json: { type: 'boolean' }, redis: { type: 'string' } },
    run: async (values, positionals, io) => {
      noArguments('metrics', positionals);
      const { metricsCommand } = await import('./metrics-command.js');
      return metricsCommand(
        {
          redis: (values.redis as string | undefined) ?? io.env.REDIS_URL,
          since: values.since as string | undefined,
          minTurns: values['min-turns'] as string | undefined,
          json: Boolean(values.json),
        },
        io,
      );
    },
  },
};

const HELP = `Usage: livekit-voice-stack <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(11)}${command.summary}`)
  .join('\n')}

Run \`livekit-voice-stack <command> --help\` for a command's options and exit codes.
Docs: ${docsUrl('operations.md')}`;

/** Runs the CLI; returns the exit code. Exported for tests. */
export async function main(
  argv: readonly string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const name = commandName(argv);
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    if (name === 'help' || (name === undefined && (argv.includes('--help') || argv.includes('-h')))) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    io.stderr.write(
      `livekit-voice-stack: ${name === undefined ? 'no command given' : `unknown command "${name}"`}. Fix: use one of ${Object.keys(COMMANDS).join(', ')}.\n\n${HELP}\n`,
    );
    return 2;
  }
  const usage = (message: string) => {
    io.stderr.write(`livekit-voice-stack ${name}: ${message}\nRun \`livekit-voice-stack ${name} --help\` for its usage.\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return usage(optionProblem(error as Error));
  }
  const [, ...positionals] = parsed.positionals;
  if (parsed.values.help) {
    io.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(parsed.values, positionals, io);
  } catch (error) {
    if (error instanceof UsageError) return usage(cliWording(error.message));
    throw error;
  }
}

/** The first argument that is not an option nor an option's value. */
function commandName(argv: readonly string[]): string | undefined {
  const all: Options = { help: { type: 'boolean', short: 'h' } };
  for (const command of Object.values(COMMANDS)) Object.assign(all, command.options);
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: false, options: all }).positionals[0];
  } catch {
    return argv.find((arg) => !arg.startsWith('-'));
  }
}

/** Node's parseArgs message, as a sentence with the fix. */
function optionProblem(error: Error): string {
  const message = error.message.split('\n')[0]!.replace(/\.$/, '');
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}. Fix: remove it (the options are listed by --help).`;
  const value = /Option '([^']+)' argument missing/.exec(message);
  if (value) return `${value[1]} needs a value. Fix: e.g. ${value[1]!.replace(/^-\w, /, '')} <value>.`;
  return `${message}. Fix: see --help.`;
}

function noArguments(name: string, positionals: readonly string[]): void {
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals.join(' ')}". Fix: livekit-voice-stack ${name} takes options only.`);
}

function timeoutOf(values: Values): number {
  const text = values.timeout as string | undefined;
  const timeoutMs = text === undefined ? 10_000 : /^\s*$/.test(text) ? Number.NaN : Number(text);
  const problem = durationProblem(timeoutMs, '--timeout', HEALTH_TIMEOUT_BOUNDS);
  if (problem) throw new UsageError(problem.replace('. Fix: use ', '. Fix: use --timeout '));
  return timeoutMs;
}

async function adaptersOf(values: Values): Promise<AnyAdapter[]> {
  const file = values.adapters as string | undefined;
  if (file === undefined) return [];
  const { loadAdapters } = await import('./load-adapters.js');
  return loadAdapters(file);
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
