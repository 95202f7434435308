import type { QueryRunner } from 'typeorm';
import { queryBatches } from '../../src/db/stream-rows';
import { startTestApp, type TestApp } from '../support/test-app';

/** Rows 1..n from MariaDB's sequence engine: a real result on a real connection, no table needed. */
const numbers = (n: number) => `SELECT seq AS n, CONCAT('rad ', seq) AS text FROM seq_1_to_${n} ORDER BY seq`;

describe('reading a query in batches straight from the connection (the ledger passes)', () => {
  let app: TestApp;
  let runner: QueryRunner;
  beforeAll(async () => {
    app = await startTestApp();
    runner = app.opened.runtime.dataSource.createQueryRunner();
    await runner.connect();
  });
  afterAll(async () => {
    await runner.release();
    await app.close();
  });

  it('gives every row once, in order, in batches no larger than asked, as the whole result read at once', async () => {
    const seen: Array<{ n: number; text: string }> = [];
    let largest = 0;
    for await (const batch of queryBatches<{ n: number; text: string }>(runner, numbers(2_345), [], 100)) {
      largest = Math.max(largest, batch.length);
      seen.push(...batch);
    }
    expect(seen.map((r) => Number(r.n))).toEqual(Array.from({ length: 2_345 }, (_, i) => i + 1));
    expect(largest).toBe(100);
    expect(seen).toEqual(await runner.query(numbers(2_345)));
  });

  it('ends at once for an empty result', async () => {
    const batches: unknown[] = [];
    for await (const batch of queryBatches(runner, 'SELECT seq FROM seq_1_to_10 WHERE seq > ?', [10])) batches.push(batch);
    expect(batches).toEqual([]);
  });

  it('a reader that stops half way leaves the result read to its end, so the connection answers the next query', async () => {
    for await (const batch of queryBatches(runner, numbers(50_000), [], 10)) {
      expect(batch.length).toBe(10);
      break;
    }
    expect(await runner.query('SELECT 41 + 1 AS answer')).toEqual([{ answer: 42 }]);
  });

  it('a query that fails reaches the reader as its error, and the connection is usable afterwards', async () => {
    const read = async () => {
      for await (const _batch of queryBatches(runner, 'SELECT seq FROM seq_1_to_10 WHERE seq = (SELECT 1 UNION SELECT 2)', [])) {
        // nothing to do: the subquery returns two rows
      }
    };
    await expect(read()).rejects.toThrow(/more than 1 row/);
    expect(await runner.query('SELECT 41 + 1 AS answer')).toEqual([{ answer: 42 }]);
  });
});
