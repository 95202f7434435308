import { createHash } from 'node:crypto';
import type { Clock } from '../common/clock';
import { Statement, write } from '../db/statements';
import type { UnitOfWork } from '../db/unit-of-work';
import { Refusal, refusal, refused, UserErrorCode } from '../common/refusals';

/** Who called which mutation with which key and input (DESIGN E10). */
export interface IdempotencyScope {
  userId: string;
  operation: string;
  key: string;
  /** The mutation's input without the key; compared by hash. */
  input: unknown;
}

export type IdempotencyLookup<R> =
  | { kind: 'first' }
  | { kind: 'replay'; result: R }
  | { kind: 'mismatch' };

/** The scope of a mutation call whose input carries an idempotency key; null when it carries none. */
export function idempotencyScope<I extends { idempotencyKey?: string | null }>(userId: string, operation: string, input: I): IdempotencyScope | null {
  const { idempotencyKey, ...request } = input;
  return idempotencyKey ? { userId, operation, key: idempotencyKey, input: request } : null;
}

/** E10: the same key with another input. */
export function idempotencyKeyMismatch(): Refusal {
  return refusal(UserErrorCode.IDEMPOTENCY_KEY_MISMATCH, 'The idempotency key was used with another input.', ['input', 'idempotencyKey']);
}

/** JSON with object keys sorted, so the same input always hashes the same. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function requestHash(input: unknown): string {
  return createHash('sha256').update(canonical(input)).digest('hex');
}

/** MySQL's duplicate-key error: a concurrent call with the same key committed first. */
export function isDuplicateKeyError(error: unknown): boolean {
  const e = error as { errno?: number; driverError?: { errno?: number } };
  return (e?.driverError?.errno ?? e?.errno) === 1062;
}

/** How `once` runs a mutation, in the service's own terms. */
export interface OnceSteps<R extends { userErrors: Refusal[] }, S extends object> {
  /** The service's result with nothing in it (nulls and empty lists): a refused call returns it with why. */
  nothing: Omit<R, 'userErrors'>;
  /** The mutation itself; a result with `userErrors` is not remembered (and its transaction rolls back). */
  run: () => Promise<R>;
  /** What to store of a successful result to rebuild it (ids, not rows: a replay reads them as they are now). */
  remember: (result: R) => S;
  /** The first call's result, rebuilt from what it stored. */
  replay: (stored: S) => Promise<R>;
  /** The key's lookup when the caller has already read it with the client's lock (`lookupStatement`). */
  found?: IdempotencyLookup<S>;
}

/**
 * Idempotency keys (DESIGN E10): the first successful call stores what is needed to rebuild its result, in the same
 * transaction as its changes; a retry with the same key returns that result and changes nothing. Callers look the key
 * up after locking the client row, so concurrent retries serialize; the unique key (user, operation, key) refuses a
 * second insert should two calls ever get past the lookup together.
 */
export class IdempotencyService {
  constructor(private readonly clock: Clock) {}

  /**
   * The idempotency part of every mutation, written once: without a key, runs the mutation. With one, looks it up —
   * the same key with another input is refused (IDEMPOTENCY_KEY_MISMATCH), a key seen before replays the first
   * result — or runs the mutation and, only when it succeeded, remembers its result in the same transaction. Call it
   * with the client row locked (`lockClient`), so retries with one key serialize.
   */
  async once<R extends { userErrors: Refusal[] }, S extends object>(uow: UnitOfWork, scope: IdempotencyScope | null, steps: OnceSteps<R, S>): Promise<R> {
    if (!scope) return steps.run();
    const found = steps.found ?? (await this.lookup<S>(uow, scope));
    // `nothing` completed with userErrors is the service's result type: TypeScript cannot see it through Omit.
    if (found.kind === 'mismatch') return refused(steps.nothing, idempotencyKeyMismatch()) as R;
    if (found.kind === 'replay') return steps.replay(found.result);
    const result = await steps.run();
    if (result.userErrors.length === 0) this.remember(uow, scope, steps.remember(result));
    return result;
  }

  private async lookup<R>(uow: UnitOfWork, scope: IdempotencyScope): Promise<IdempotencyLookup<R>> {
    const [found] = await uow.batch(this.lookupStatement<R>(scope));
    return found;
  }

  /**
   * The key's lookup (locking the record, if any) as a statement, for a service that reads it in one batch after
   * `lockClientStatement` and hands the answer to `once` as `found`.
   */
  lookupStatement<R>(scope: IdempotencyScope): Statement<IdempotencyLookup<R>> {
    return {
      sql: 'SELECT request_hash, result FROM idempotency_records WHERE user_id = ? AND operation = ? AND idempotency_key = ? FOR UPDATE',
      params: [scope.userId, scope.operation, scope.key],
      read: (rows: Array<{ request_hash: string; result: string | object }>): IdempotencyLookup<R> => {
        const record = rows[0];
        if (!record) return { kind: 'first' };
        if (record.request_hash !== requestHash(scope.input)) return { kind: 'mismatch' };
        return { kind: 'replay', result: (typeof record.result === 'string' ? JSON.parse(record.result) : record.result) as R };
      },
    };
  }

  /** Sent with the COMMIT (one round trip less): a concurrent first call's record makes it fail, and the unit re-runs. */
  private remember(uow: UnitOfWork, scope: IdempotencyScope, result: object): void {
    uow.writeWithCommit(
      write('INSERT INTO idempotency_records (user_id, operation, idempotency_key, request_hash, result, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        scope.userId,
        scope.operation,
        scope.key,
        requestHash(scope.input),
        JSON.stringify(result),
        this.clock.now(),
      ]),
    );
  }
}
