import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { BenchServerOptions } from './server.js';

export interface ServerThread {
  readonly baseURL: string;
  /** Chat completion requests received so far, per model. */
  requests(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/**
 * Runs the bench endpoint in a worker thread of this process. With 1,000 concurrent turns the server's SSE
 * writes would otherwise share the event loop with the client and dominate the event-loop delay we measure.
 */
export async function startServerThread(options: BenchServerOptions): Promise<ServerThread> {
  // Under tsx the worker inherits its loader through execArgv, so it can run the .ts entry.
  const worker = new Worker(new URL('./server-worker.ts', import.meta.url), { workerData: options });
  const next = async (type: string) => {
    for (;;) {
      const [message] = (await once(worker, 'message')) as [{ type: string } & Record<string, unknown>];
      if (message.type === type) return message;
    }
  };
  const ready = await next('ready');
  return {
    baseURL: ready.baseURL as string,
    requests: async () => {
      const reply = next('requests');
      worker.postMessage({ type: 'requests' });
      return (await reply).requests as Record<string, number>;
    },
    close: async () => {
      const closed = next('closed');
      worker.postMessage({ type: 'close' });
      await closed;
      await worker.terminate();
    },
  };
}
