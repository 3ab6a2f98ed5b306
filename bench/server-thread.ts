import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { BenchServerOptions } from './server.js';
import type { SpeechMockName, SpeechMockOptions, SpeechMocks } from './speech-mocks.js';

export interface ServerThread {
  readonly baseURL: string;
  /** The speech mocks' base URLs (see speech-mocks.ts). */
  readonly speech: Record<SpeechMockName, string>;
  /** Chat completion and speech requests received so far, per model. */
  requests(): Promise<Record<string, number>>;
  /** Syntheses, connections or requests a speech mock received so far. */
  speechRequests(name: SpeechMockName): Promise<number>;
  /** Queues scenarios on a speech mock. */
  useSpeech(name: SpeechMockName, scenarios: Parameters<SpeechMocks['use']>[1]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs the bench endpoints in a worker thread of this process. With 1,000 concurrent turns the server's SSE
 * writes would otherwise share the event loop with the client and dominate the event-loop delay we measure.
 */
export async function startServerThread(options: BenchServerOptions & { speech: SpeechMockOptions }): Promise<ServerThread> {
  // Under tsx the worker inherits its loader through execArgv, so it can run the .ts entry.
  const worker = new Worker(new URL('./server-worker.ts', import.meta.url), { workerData: options });
  const next = async (type: string) => {
    for (;;) {
      const [message] = (await once(worker, 'message')) as [{ type: string } & Record<string, unknown>];
      if (message.type === type) return message;
    }
  };
  // One request at a time: replies carry no id.
  let queue = Promise.resolve();
  const ask = <T>(message: object, reply: string, pick: (answer: Record<string, unknown>) => T): Promise<T> => {
    const answer = queue.then(async () => {
      const replied = next(reply);
      worker.postMessage(message);
      return pick(await replied);
    });
    queue = answer.then(
      () => undefined,
      () => undefined,
    );
    return answer;
  };
  const ready = await next('ready');
  return {
    baseURL: ready.baseURL as string,
    speech: ready.speech as Record<SpeechMockName, string>,
    requests: () => ask({ type: 'requests' }, 'requests', (answer) => answer.requests as Record<string, number>),
    speechRequests: (name) => ask({ type: 'speech-requests', name }, 'speech-requests', (answer) => answer.count as number),
    useSpeech: (name, scenarios) => ask({ type: 'speech-use', name, scenarios }, 'speech-used', () => undefined),
    close: async () => {
      await ask({ type: 'close' }, 'closed', () => undefined);
      await worker.terminate();
    },
  };
}
