import { parentPort, workerData } from 'node:worker_threads';
import { type BenchServerOptions, startBenchServer } from './server.js';

// Entry of the server thread (see server-thread.ts): the endpoint's own work stays off the measured event loop.
const server = await startBenchServer(workerData as BenchServerOptions);
parentPort!.on('message', (message: { type: 'requests' | 'close' }) => {
  if (message.type === 'requests') parentPort!.postMessage({ type: 'requests', requests: Object.fromEntries(server.requests) });
  else void server.close().then(() => parentPort!.postMessage({ type: 'closed' }));
});
parentPort!.postMessage({ type: 'ready', baseURL: server.baseURL });
