import { DataSource, EntityManager, EntityTarget, ObjectLiteral, QueryRunner, Repository } from 'typeorm';
import type { Logger } from '../common/logger';
import { runBatch, Statement, write } from './statements';

type AfterCommit = () => Promise<unknown> | unknown;

/** One database transaction, handed to every service a mutation calls, plus what to do once it has committed. */
export class UnitOfWork {
  private readonly afterCommit: AfterCommit[] = [];
  private readonly withCommit: Array<Statement<unknown>> = [];
  constructor(readonly manager: EntityManager) {}

  repo<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    return this.manager.getRepository(entity);
  }

  /** Runs the statements in this transaction in one round trip, in order, and returns each one's result (`runBatch`). */
  batch<T extends unknown[]>(...statements: { [K in keyof T]: Statement<T[K]> }): Promise<T> {
    return runBatch<T>(this.manager, ...statements);
  }

  /** Runs after commit; dropped on rollback (side effects such as queueing jobs, DESIGN S2). */
  onCommit(action: AfterCommit): void {
    this.afterCommit.push(action);
  }

  /**
   * A write sent with the COMMIT, in the same round trip, after everything else the unit wrote (e.g. the record of an
   * idempotency key, DESIGN E10). Its failure fails the unit like any other statement's: nothing is committed.
   */
  writeWithCommit(statement: Statement<unknown>): void {
    this.withCommit.push(statement);
  }

  /** @internal */
  takeAfterCommit(): AfterCommit[] {
    return this.afterCommit.splice(0);
  }

  /** @internal */
  takeWithCommit(): Array<Statement<unknown>> {
    return this.withCommit.splice(0);
  }
}

/** MySQL errors after which the whole unit may simply be run again. */
const RETRYABLE_ERRNO = new Set([1213 /* ER_LOCK_DEADLOCK */, 1205 /* ER_LOCK_WAIT_TIMEOUT */]);

export function isRetryableDatabaseError(error: unknown): boolean {
  const errno = (error as { errno?: number; driverError?: { errno?: number } })?.driverError?.errno ?? (error as { errno?: number })?.errno;
  return errno !== undefined && RETRYABLE_ERRNO.has(errno);
}

export interface TransactionOptions<T> {
  /** A result that must not commit (e.g. one with userErrors): the transaction rolls back and the result is returned. */
  rollbackIf?: (result: T) => boolean;
  /** Attempts in all when MySQL reports a deadlock or lock-wait timeout. */
  attempts?: number;
  logger?: Logger;
}

/** TypeORM's record of the transaction on a query runner (`startTransaction` and `commitTransaction` keep it). */
type TransactionState = { isTransactionActive: boolean; transactionDepth: number };

/**
 * START TRANSACTION at READ COMMITTED in one round trip (TypeORM's `startTransaction` sends the two statements one
 * after the other), recorded on the runner as TypeORM records its own: so `save` inside the unit writes in it instead
 * of opening a transaction of its own, and a nested `transaction()` makes a savepoint.
 */
async function begin(runner: QueryRunner): Promise<void> {
  await runner.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED;\nSTART TRANSACTION');
  Object.assign(runner as unknown as TransactionState, { isTransactionActive: true, transactionDepth: 1 });
}

/** COMMIT, with the unit's `writeWithCommit` statements before it in the same round trip. */
async function commit(runner: QueryRunner, uow: UnitOfWork): Promise<void> {
  await runBatch(runner.manager, ...uow.takeWithCommit(), write('COMMIT'));
  Object.assign(runner as unknown as TransactionState, { isTransactionActive: false, transactionDepth: 0 });
}

/**
 * Runs `work` in one READ COMMITTED transaction. A deadlock reported by MySQL re-runs the whole unit; after commit
 * the unit's `onCommit` actions run (their failures are logged — the sweeper repairs what they missed).
 */
export async function runInTransaction<T>(
  dataSource: DataSource,
  work: (uow: UnitOfWork) => Promise<T>,
  options: TransactionOptions<T> = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    const uow = new UnitOfWork(runner.manager);
    let committed = false;
    try {
      await begin(runner);
      const result = await work(uow);
      if (options.rollbackIf?.(result)) {
        await runner.rollbackTransaction();
        return result;
      }
      await commit(runner, uow);
      committed = true;
      for (const action of uow.takeAfterCommit()) {
        try {
          await action();
        } catch (error) {
          options.logger?.error({ err: error }, 'after-commit action failed');
        }
      }
      return result;
    } catch (error) {
      if (!committed && runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (!committed && attempt < attempts && isRetryableDatabaseError(error)) {
        options.logger?.warn({ attempt, err: error }, 'transaction retried after a lock conflict');
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20 * attempt));
        continue;
      }
      throw error;
    } finally {
      await runner.release();
    }
  }
}
