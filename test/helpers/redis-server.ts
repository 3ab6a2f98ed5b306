import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

/** A real `redis-server` (Debian's package; `.ci/run` installs it) on a free local port, without persistence. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Kills it (SIGKILL: as a crash, with nothing saved). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function redisServerPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Failed to find redis-server: it is not installed. Fix: apt-get install -y redis-server (as .ci/run does).');
  }
}

export async function startRedisServer(): Promise<RedisServer> {
  const binary = redisServerPath();
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await listening(child, port);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, kill, restart: start, stop: kill };
}

/** What {@link useRedisServer} gives: the server, and a plain client on it. */
export interface UsedRedisServer extends RedisServer {
  /** A plain ioredis client on the server (to write behind a store's back, or `CONFIG SET`), made at first use. */
  readonly raw: Redis;
}

/**
 * A real redis-server for the tests of this file, or of the `describe` it is called in: started before them, stopped
 * after them (as `useMswServer()` does for HTTP), with its `raw` client. Read its fields inside tests and hooks: before
 * it started they throw.
 */
export function useRedisServer(): UsedRedisServer {
  let server: RedisServer | undefined;
  let raw: Redis | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    raw?.disconnect();
    raw = undefined;
    await server?.stop();
  });
  const started = (): RedisServer => {
    if (!server) throw new Error('Failed to use the Redis server: it has not started. Fix: read it inside a test or a hook.');
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    get raw() {
      return (raw ??= new Redis(started().url));
    },
    kill: () => started().kill(),
    restart: () => started().restart(),
    stop: () => started().stop(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once redis-server logs that it accepts connections. Not a TCP connect: msw 3 intercepts sockets and
 * reports 'connect' at once, before it tries the real connection, so a connect would pass before the server listens.
 */
async function listening(child: ChildProcess, port: number): Promise<void> {
  const stdout = child.stdout!;
  const failed = () => new Error(`Failed to start redis-server on port ${port}: it did not accept connections within 10 s.`);
  try {
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(failed()), 10_000);
      const done = (error?: Error) => {
        clearTimeout(timer);
        stdout.off('data', onData);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      const onData = (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-4096);
        if (/Ready to accept connections/.test(log)) done();
      };
      const onExit = (code: number | null) =>
        done(new Error(`Failed to start redis-server on port ${port}: it exited (${code}). Log: ${log}`));
      stdout.on('data', onData);
      child.once('exit', onExit);
    });
  } finally {
    stdout.resume(); // keep draining its log, so that it never blocks on a full pipe
  }
}
