import { setupServer } from 'msw/node';
import { llm } from '@livekit/agents';
import { mockOpenAIEndpoint } from '../../src/testing/index.js';
import { createVoiceStack } from '../../src/index.js';
import { initializeLogger } from '@livekit/agents';
initializeLogger({ pretty: false, level: 'silent' });
const ep = mockOpenAIEndpoint({ baseURL: 'https://x.test/v1' });
const server = setupServer(...ep.handlers);
server.listen();
const count = () => process.getActiveResourcesInfo().filter((n) => n === 'TCPSocketWrap').length;
const mode = process.argv[2];
console.log('start', count());
for (let i = 0; i < 50; i++) {
  if (mode === 'fetch') { const r = await fetch('https://x.test/v1/chat/completions', { method: 'POST', body: '{"model":"m"}' }); await r.text(); }
  else if (mode === 'abort') { const ac = new AbortController(); ep.use({ reply: 'a b c', stallAfterChunks: 1, times: 1 }); const r = await fetch('https://x.test/v1/chat/completions', { method: 'POST', body: '{"model":"m"}', signal: ac.signal }); const rd = r.body!.getReader(); await rd.read(); ac.abort(); await rd.read().catch(() => 0); }
  else if (mode === 'error') { ep.use({ status: 500, times: 1 }); const r = await fetch('https://x.test/v1/chat/completions', { method: 'POST', body: '{"model":"m"}' }); await r.text(); }
  else if (mode === 'reset') { ep.use({ reset: true, times: 1 }); await fetch('https://x.test/v1/chat/completions', { method: 'POST', body: '{"model":"m"}' }).catch(() => 0); }
}
await new Promise((r) => setTimeout(r, 300));
console.log(mode, 'after 50', count());
server.close();
