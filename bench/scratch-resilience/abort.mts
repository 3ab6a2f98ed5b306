import { setupServer } from 'msw/node';
import { mockOpenAIEndpoint } from '../../src/testing/index.js';
const ep = mockOpenAIEndpoint({ baseURL: 'https://x.test/v1' });
ep.use({ reply: 'one two three', stallAfterChunks: 2 });
const server = setupServer(...ep.handlers);
server.listen();
process.on('uncaughtException', (e) => { console.log('UNCAUGHT', e.message); });
const ac = new AbortController();
const res = await fetch('https://x.test/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'm' }), signal: ac.signal });
console.log(res.status, res.headers.get('transfer-encoding'), res.headers.get('content-length'));
const reader = res.body!.getReader();
console.log(new TextDecoder().decode((await reader.read()).value));
setTimeout(() => { ac.abort(); console.log('aborted'); }, 50);
try { while (true) { const r = await reader.read(); if (r.done) break; } } catch (e) { console.log('read error', (e as Error).name); }
await new Promise((r) => setTimeout(r, 200));
server.close();
