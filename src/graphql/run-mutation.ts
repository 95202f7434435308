import type { Refusal } from '../common/refusals';
import { runInTransaction, UnitOfWork } from '../db/unit-of-work';
import { isDuplicateKeyError } from '../idempotency/idempotency.service';
import type { RequestContext } from './context';

/**
 * Runs one mutation as one transaction (STYLE: one transaction per mutation): a result with userErrors rolls back, a
 * MySQL deadlock re-runs the unit, and so does a duplicate key — a concurrent call with the same idempotency key
 * committed first, and the re-run returns its result (DESIGN E10).
 */
export async function runMutation<T extends { userErrors: Refusal[] }>(ctx: RequestContext, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runInTransaction(ctx.runtime.dataSource, work, { rollbackIf: (result) => result.userErrors.length > 0, logger: ctx.logger });
    } catch (error) {
      if (attempt < 3 && isDuplicateKeyError(error)) continue;
      throw error;
    }
  }
}
