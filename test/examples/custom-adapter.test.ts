import { describe, expect, it } from 'vitest';
import { run } from '../../examples/custom-adapter/main.js';

describe('examples/custom-adapter', () => {
  it('answers through the custom adapter, then falls back to llama.cpp when it is rate-limited', async () => {
    expect(await run({ print: false })).toEqual(['Acme here: your parcel ships today.', 'Local model here: it ships today.']);
  });
});
