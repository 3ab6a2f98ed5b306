import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { initializeLogger, llm } from '@livekit/agents';
import { createVoiceStack } from '../../src/index.js';
initializeLogger({ pretty: false, level: 'silent' });
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const fault = process.argv[3] ?? 'ok';
const server = createServer((req, res) => { req.resume(); req.on('end', () => {
  if (fault === '500') { res.writeHead(500, { 'content-type': 'application/json' }); return res.end('{"error":{"message":"x"}}'); }
  if (fault === 'reset') return req.socket.destroy();
  if (fault === 'stall') { res.writeHead(200, { 'content-type': 'text/event-stream' }); return res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] })}\n\n`); }
 res.writeHead(200, { 'content-type': 'text/event-stream' }); res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] })}\n\n`); res.end('data: [DONE]\n\n'); }); });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as any).port;
const stack = await createVoiceStack({ llm: [{ provider: 'openai-compatible', baseURL: `http://127.0.0.1:${port}/v1`, model: 'a', timeoutMs: 50 }], retry: { windowMs: 1, stallTimeoutMs: 10 }, verbal: { holdingAfterMs: 100000 } }, { env: {} });
const target = process.argv[2] === 'raw' ? (stack.options.llm[0]!.instance as llm.LLM) : (stack.llm as llm.LLM);
const turn = async () => { const c = llm.ChatContext.empty(); c.addMessage({ role: 'user', content: 'q' }); await target.chat({ chatCtx: c }).collect(); };
for (let i = 0; i < 200; i++) await turn();
gc(); const h0 = process.memoryUsage().heapUsed;
for (let i = 0; i < Number(process.argv[4] ?? 2000); i++) await Promise.all(Array.from({ length: Number(process.env.CONC ?? 1) }, turn));
gc(); const h1 = process.memoryUsage().heapUsed;
console.log(process.argv[2], 'KB/turn', ((h1 - h0) / Number(process.argv[4] ?? 2000) / 1024).toFixed(2));
await stack.close(); server.close();
