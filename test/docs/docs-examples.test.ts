import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('docs examples stay true', () => {
  it('the vitest example in docs/testing.md is the one that runs in this suite', () => {
    const block = /## A complete vitest example\n\n```ts\n([\s\S]*?)```/.exec(read('docs/testing.md'))?.[1];
    expect(block).toBe(read('test/docs/testing-example.test.ts'));
  });
});
