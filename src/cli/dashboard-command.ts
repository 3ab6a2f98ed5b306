import type { VoiceStackConfig } from '../config/voice-stack-config.js';
import type { AnyAdapter } from '../providers/define-adapter.js';
import type { HealthReport } from '../stack/health.js';
import { stderrLogger } from './doctor-command.js';
import { redactURL } from './mode-command.js';
import { openStore } from './open-store.js';

export interface DashboardCommandOptions {
  redis?: string | undefined;
  port?: string | undefined;
  host?: string | undefined;
  /** `--allow-host a,b`: host names the page may be opened under besides loopback and the bound address. */
  allowHost?: string | undefined;
  token?: string | undefined;
  modes?: string | undefined;
  /** The config whose options `Check health` probes (from --config or the environment), if any. */
  config: () => Promise<VoiceStackConfig | undefined>;
  /** Custom adapters (`--adapters`) the config's entries may name. @default [] */
  adapters?: readonly AnyAdapter[];
  timeoutMs: number;
}

/**
 * `livekit-voice-stack dashboard`: opens the store (Redis with --redis, else this machine's store), serves the page
 * until SIGINT/SIGTERM, and prints its URL and write token. Loaded only when the command runs.
 */
export async function dashboardCommand(
  options: DashboardCommandOptions,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv },
  signal?: AbortSignal,
): Promise<number> {
  const port = options.port === undefined ? 8089 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    io.stderr.write(`livekit-voice-stack: --port expects a port number, got "${options.port}". Fix: e.g. --port 8089.\n`);
    return 2;
  }
  const store = await openStore(options.redis);
  const { startDashboard } = await import('./dashboard.js');
  let dashboard;
  try {
    dashboard = await startDashboard({
      store,
      port,
      ...(options.host && { host: options.host }),
      ...(options.allowHost && { allowedHosts: list(options.allowHost) }),
      ...(options.token && { token: options.token }),
      ...(options.modes && { modes: list(options.modes) }),
      health: () => probe(options, io.stderr),
    });
  } catch (error) {
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    const message = (error as Error).message;
    io.stderr.write(
      `livekit-voice-stack: ${
        code === 'EADDRINUSE'
          ? `Failed to start the dashboard: port ${port} is in use. Fix: pass another --port.`
          : message.startsWith('Failed to')
            ? `${message}.`
            : `Failed to start the dashboard: ${message}. Fix: check --host and --port.`
      }\n`,
    );
    return 2;
  }
  io.stdout.write(`Dashboard: ${dashboard.url}#token=${dashboard.token}\n`);
  io.stdout.write(`Store: ${store.kind}${options.redis ? ` (${redactURL(options.redis)})` : ''}\n`);
  if (!options.token) io.stdout.write(`Write token (generated): ${dashboard.token}\n`);
  io.stdout.write('Press Ctrl+C to stop.\n');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
  await dashboard.close();
  await store.close();
  return 0;
}

async function probe(options: DashboardCommandOptions, stderr: NodeJS.WritableStream): Promise<HealthReport> {
  const config = await options.config();
  if (!config || (!config.stt && !config.llm && !config.tts)) return { ok: true, slots: {}, results: [], checkedAt: Date.now() };
  const { initializeLogger, loggerOptions } = await import('@livekit/agents');
  if (!loggerOptions()) initializeLogger({ pretty: false, level: 'silent' });
  const { createVoiceStack } = await import('../stack/create-voice-stack.js');
  const stack = await createVoiceStack(config, { adapters: options.adapters ?? [], logger: stderrLogger(stderr) });
  try {
    return await stack.health({ timeoutMs: options.timeoutMs });
  } finally {
    await stack.close();
  }
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
