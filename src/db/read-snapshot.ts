import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `read` on one connection inside a REPEATABLE READ transaction, so every query it makes sees the same snapshot
 * (aggregates and cursors agree), then rolls back: it only reads.
 */
export async function inReadSnapshot<T>(dataSource: DataSource, read: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction('REPEATABLE READ');
    return await read(runner);
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
}
