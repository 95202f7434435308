import { Readable } from 'node:stream';
import { batchesOf } from '../../src/db/stream-rows';

/** An object-mode stream of `count` rows, arriving a few at a time with a turn of the event loop between, like a socket's packets. */
function slowRows(count: number, failAt?: number): Readable {
  let next = 0;
  return new Readable({
    objectMode: true,
    highWaterMark: 50,
    read() {
      setImmediate(() => {
        for (let i = 0; i < 7; i++) {
          if (failAt !== undefined && next === failAt) return this.destroy(new Error('connection lost'));
          if (next === count) return this.push(null);
          this.push({ n: next++ });
        }
      });
    },
  });
}

describe('reading a result stream in batches', () => {
  it('gives every row once, in order, in batches no larger than asked', async () => {
    const seen: number[] = [];
    let largest = 0;
    for await (const batch of batchesOf<{ n: number }>(slowRows(2_345), 100)) {
      largest = Math.max(largest, batch.length);
      for (const row of batch) seen.push(row.n);
    }
    expect(seen).toEqual(Array.from({ length: 2_345 }, (_, i) => i));
    expect(largest).toBeGreaterThan(1);
    expect(largest).toBeLessThanOrEqual(100);
  });

  it('ends at once for an empty result', async () => {
    const batches: unknown[] = [];
    for await (const batch of batchesOf(slowRows(0))) batches.push(batch);
    expect(batches).toEqual([]);
  });

  it('a reader that stops half way leaves the stream read to its end, so the connection can be used again', async () => {
    const stream = slowRows(1_000);
    for await (const batch of batchesOf(stream, 10)) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(stream.readableEnded).toBe(true);
  });

  it('an error in the stream reaches the reader, which has seen only rows from before it, in order', async () => {
    const seen: number[] = [];
    const read = async () => {
      for await (const batch of batchesOf<{ n: number }>(slowRows(1_000, 321))) for (const row of batch) seen.push(row.n);
    };
    await expect(read()).rejects.toThrow('connection lost');
    // Rows still buffered when the stream is destroyed are dropped with it: the whole read failed anyway.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThanOrEqual(321);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i));
  });
});
