import { describe, expect, it } from 'vitest';
import { run } from '../../examples/org-scoped/org-scoped.js';

describe('examples/org-scoped', () => {
  it('serves each organisation its own providers, shares one load per organisation, and keeps cached ones up while the backend is down', async () => {
    const output = (await run({ print: false })).join('\n');
    expect(output.match(/acme {4}VoiceStack\(llm: openai-compatible\/qwen3-8b\)\n {8}→ Acme's own model here\./g)).toHaveLength(3);
    expect(output.match(/globex {2}VoiceStack\(llm: openai-compatible\/llama-3\.3-70b\)\n {8}→ Globex's model here\./g)).toHaveLength(1);
    expect(output).toContain('backend requests: 6 (3 per organisation');
    expect(output).toContain('globex  ✗ Failed to load the stt providers of organisation "globex"');
    expect(output).not.toMatch(/acme-key|globex-key|platform-backend-key/);
  });
});
