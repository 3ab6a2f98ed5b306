import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A vLLM- or llama.cpp-like server on 127.0.0.1 for the doctor's probes (real, not msw: the bin's own process reaches it too). */
export interface Upstream {
  server: Server;
  url: string;
  requests: string[];
  llamaHealth: number;
  chatStatus: number;
}

export async function startUpstream(): Promise<Upstream> {
  const upstream = { requests: [] as string[], llamaHealth: 200, chatStatus: 200 } as Upstream;
  upstream.server = createServer((request: IncomingMessage, response: ServerResponse) => {
    upstream.requests.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/health') {
        response.statusCode = upstream.llamaHealth;
        response.end(JSON.stringify(upstream.llamaHealth === 200 ? { status: 'ok' } : { error: { code: 503, message: 'Loading model' } }));
      } else if (request.url === '/v1/chat/completions') {
        response.statusCode = upstream.chatStatus;
        response.end(
          JSON.stringify(
            upstream.chatStatus === 200
              ? {
                  id: 'x',
                  object: 'chat.completion',
                  choices: [{ index: 0, message: { role: 'assistant', content: 'p' }, finish_reason: 'length' }],
                }
              : { error: { message: 'Incorrect API key provided: sk-doctor-secret-42' } },
          ),
        );
      } else {
        response.statusCode = 404;
        response.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;
  return upstream;
}
