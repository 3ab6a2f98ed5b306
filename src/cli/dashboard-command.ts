import type { VoiceStackConfig } from '../config/voice-stack-config.js';
import { openStore } from './open-store.js';
import type { HealthReport } from '../stack/health.js';

export interface DashboardCommandOptions {
  redis?: string | undefined;
  port?: string | undefined;
  host?: string | undefined;
  token?: string | undefined;
  modes?: string | undefined;
  /** The config whose options `Check health` probes (from --config or the environment), if any. */
  config: () => Promise<VoiceStackConfig | undefined>;
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
      ...(options.token && { token: options.token }),
      ...(options.modes && {
        modes: options.modes
          .split(',')
          .map((mode) => mode.trim())
          .filter(Boolean),
      }),
      health: () => probe(options.config, options.timeoutMs, io.stderr),
    });
  } catch (error) {
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr.write(
      `livekit-voice-stack: Failed to start the dashboard: ${code === 'EADDRINUSE' ? `port ${port} is in use` : (error as Error).message}. Fix: pass another --port.\n`,
    );
    return 2;
  }
  io.stdout.write(`Dashboard: ${dashboard.url}#token=${dashboard.token}\n`);
  io.stdout.write(`Store: ${store.kind}${options.redis ? ` (${redactURL(options.redis)})` : ''}\n`);
  if (!options.token) io.stdout.write(`Write token (generated): ${dashboard.token}\n`);
  io.stdout.write('Press Ctrl+C to stop.\n');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  await dashboard.close();
  await store.close();
  return 0;
}

async function probe(
  load: () => Promise<VoiceStackConfig | undefined>,
  timeoutMs: number,
  stderr: NodeJS.WritableStream,
): Promise<HealthReport> {
  const config = await load();
  if (!config || (!config.stt && !config.llm && !config.tts)) return { ok: true, slots: {}, results: [], checkedAt: Date.now() };
  const { initializeLogger, loggerOptions } = await import('@livekit/agents');
  if (!loggerOptions()) initializeLogger({ pretty: false, level: 'silent' });
  const { createVoiceStack } = await import('../stack/create-voice-stack.js');
  const write = (message: string) => void stderr.write(`${message}\n`);
  const stack = await createVoiceStack(config, { logger: { debug: () => undefined, info: () => undefined, warn: write, error: write } });
  try {
    return await stack.health({ timeoutMs });
  } finally {
    await stack.close();
  }
}

/** `redis://user:pass@host:6379` → `redis://host:6379`. */
function redactURL(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
