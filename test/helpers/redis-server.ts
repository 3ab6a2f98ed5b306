import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { eventually } from './eventually.js';

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
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitForPort(port);
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

async function waitForPort(port: number): Promise<void> {
  const open = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  if (!(await eventually(open, 10_000))) throw new Error(`Failed to start redis-server on port ${port}: it did not listen within 10 s.`);
}
