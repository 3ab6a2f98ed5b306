import { describe, expect, it } from 'vitest';
import { ChunkQueue } from '../../src/policies/chunk-queue.js';

describe('ChunkQueue', () => {
  it('hands items to a waiting reader and to later reads, in order', async () => {
    const queue = new ChunkQueue<string>();
    const waiting = queue.next();
    queue.put('a');
    queue.put('b');
    expect(await waiting).toEqual({ value: 'a', done: false });
    expect(await queue.next()).toEqual({ value: 'b', done: false });
  });

  it('close: items put before are still read, then it is done; put after close is dropped', async () => {
    const queue = new ChunkQueue<string>();
    queue.put('a');
    queue.close();
    queue.put('late');
    expect(await queue.next()).toEqual({ value: 'a', done: false });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(queue.closed).toBe(true);
  });

  it('close ends a reader that is waiting', async () => {
    const queue = new ChunkQueue<string>();
    const waiting = queue.next();
    queue.close();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });
});
