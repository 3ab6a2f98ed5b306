import { parentPort, workerData } from 'node:worker_threads';
import { type BenchServerOptions, startBenchServer } from './server.js';
import { type SpeechMockName, type SpeechMockOptions, startSpeechMocks } from './speech-mocks.js';

type Message =
  | { type: 'requests' | 'close' }
  | { type: 'speech-requests'; name: SpeechMockName }
  | { type: 'speech-use'; name: SpeechMockName; scenarios: Parameters<Awaited<ReturnType<typeof startSpeechMocks>>['use']>[1] };

// Entry of the server thread (see server-thread.ts): the endpoints' own work stays off the measured event loop.
const options = workerData as BenchServerOptions & { speech: SpeechMockOptions };
const [server, speech] = await Promise.all([startBenchServer(options), startSpeechMocks(options.speech)]);
parentPort!.on('message', (message: Message) => {
  if (message.type === 'requests') parentPort!.postMessage({ type: 'requests', requests: Object.fromEntries(server.requests) });
  else if (message.type === 'speech-requests') parentPort!.postMessage({ type: 'speech-requests', count: speech.requests(message.name) });
  else if (message.type === 'speech-use') {
    speech.use(message.name, message.scenarios);
    parentPort!.postMessage({ type: 'speech-used' });
  } else void Promise.all([server.close(), speech.close()]).then(() => parentPort!.postMessage({ type: 'closed' }));
});
parentPort!.postMessage({ type: 'ready', baseURL: server.baseURL, speech: speech.baseURLs });
