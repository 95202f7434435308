import { SYSTEM_ACTOR } from '../audit/audit.service';
import { Client } from '../clients/client.entity';
import { osloDateOf } from '../common/clock';
import { isRetryableDatabaseError, runInTransaction, type UnitOfWork } from '../db/unit-of-work';
import type { EmailTrigger } from '../notifications/email-trigger';
import { CustomerRelationship, RelationshipStatus } from '../relationships/customer-relationship.entity';
import { notifyArchivesGenerated } from './archive-notices';
import { ScheduledTask, TaskKind, TaskState } from './scheduled-task.entity';
import { runTask, type TaskRunnerDeps, type TaskRunnerOptions, type TaskRunResult } from './task-runner';

/** APPLY_DEACTIVATIONS tasks due at once are applied this many to a transaction. */
export const DEACTIVATION_BATCH_SIZE = 100;

/** What the batched runner needs besides the task runner's parts: the e-mail queue of the archive notices (S6). */
export interface DueTaskRunnerDeps extends TaskRunnerDeps {
  emailTrigger: EmailTrigger;
}

export interface DueTaskRunnerOptions extends TaskRunnerOptions {
  batchSize?: number;
  /** Called after each batch has committed, with how many tasks it applied (metrics). */
  onBatch?: (applied: number) => void;
}

/** A task row as the batch reads it, with its relationship's client. */
interface DueRow {
  id: string;
  kind: TaskKind;
  state: TaskState;
  dueAt: Date;
  attempts: number;
  relationshipId: string;
  clientId: string;
}

/** One relationship of a batch, its rows locked in the product's order: client → relationship → task. */
interface Unit {
  task: DueRow;
  client: Client;
  relationship: CustomerRelationship;
}

const DUE_ROW = `SELECT t.id, t.kind, t.state, t.due_at AS dueAt, t.attempts, t.relationship_id AS relationshipId, r.client_id AS clientId
  FROM scheduled_tasks t JOIN customer_relationships r ON r.id = t.relationship_id`;

const toDueRow = (r: Record<string, unknown>): DueRow => ({
  id: String(r.id),
  kind: r.kind as TaskKind,
  state: r.state as TaskState,
  dueAt: r.dueAt as Date,
  attempts: Number(r.attempts),
  relationshipId: String(r.relationshipId),
  clientId: String(r.clientId),
});

/**
 * Runs the jobs of scheduled tasks (DESIGN S2), applying APPLY_DEACTIVATIONS tasks that are due together in batches:
 * the job of the first due task applies up to `batchSize` due, SCHEDULED deactivation tasks in one transaction
 * (`applyBatch`), and the jobs of the others, when they come, find their task done. Everything else — generation, a
 * task not due, RUNNING (its worker may have died) or FAILED, a task the batch could not take or whose deactivation
 * failed — goes through `runTask` unchanged, which records failures, retries and re-claims as before.
 *
 * Exactly once, as `runTask`: the batch locks each client, relationship and task row (that order; SKIP LOCKED, so it
 * never waits for a lock and never deadlocks) and applies only tasks still SCHEDULED under the lock, marking them
 * SUCCEEDED in the same transaction. A runner that finds a row locked leaves it to whoever holds it: a job whose task
 * is in another batch waits in `runTask` for that batch's commit and then finds it SUCCEEDED.
 */
export class DueTaskRunner {
  /** Tasks this process's batches committed as SUCCEEDED whose own job has not come yet: it skips them without SQL. */
  private readonly done = new Set<string>();
  /** Tasks in a batch of this process that has not committed yet, and that batch. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly deps: DueTaskRunnerDeps,
    private readonly options: DueTaskRunnerOptions,
  ) {}

  async run(taskId: string): Promise<TaskRunResult> {
    if (await this.doneHere(taskId)) return { outcome: 'skipped', state: TaskState.SUCCEEDED };
    const [row] = (await this.deps.dataSource.query(`${DUE_ROW} WHERE t.id = ?`, [taskId])) as Array<Record<string, unknown>>;
    // A batch of this process may have taken it meanwhile.
    if (await this.doneHere(taskId)) return { outcome: 'skipped', state: TaskState.SUCCEEDED };
    const seed = row ? toDueRow(row) : null;
    if (seed && seed.kind === TaskKind.APPLY_DEACTIVATIONS && seed.state === TaskState.SCHEDULED && seed.dueAt.getTime() <= this.deps.clock.now().getTime()) {
      const applied = await this.batch(seed);
      const own = applied.get(taskId);
      if (own) {
        this.done.delete(taskId);
        return { outcome: 'succeeded', task: own };
      }
    }
    return runTask(this.deps, taskId, this.options);
  }

  /** Waits for a batch of this process that holds the task; true when a batch of this process applied it. */
  private async doneHere(taskId: string): Promise<boolean> {
    for (let pending = this.inFlight.get(taskId); pending; pending = this.inFlight.get(taskId)) await pending.catch(() => undefined);
    return this.done.delete(taskId);
  }

  /** Applies the seed and the next due deactivation tasks not held by this process; returns those that succeeded. */
  private async batch(seed: DueRow): Promise<Map<string, ScheduledTask>> {
    const { dataSource, clock, logger } = this.deps;
    const size = this.options.batchSize ?? DEACTIVATION_BATCH_SIZE;
    const now = clock.now();
    const held = [...this.inFlight.keys()];
    const others = size > 1
      ? ((await dataSource.query(
          `${DUE_ROW} WHERE t.state = ? AND t.due_at <= ? AND t.kind = ? AND t.id <> ?${held.length ? ' AND t.id NOT IN (?)' : ''} ORDER BY t.due_at, t.id LIMIT ?`,
          [TaskState.SCHEDULED, now, TaskKind.APPLY_DEACTIVATIONS, seed.id, ...(held.length ? [held] : []), size - 1],
        )) as Array<Record<string, unknown>>).map(toDueRow)
      : [];
    const candidates = [seed, ...others];

    let release!: () => void;
    const settled = new Promise<void>((resolve) => (release = resolve));
    for (const c of candidates) this.inFlight.set(c.id, settled);
    try {
      const applied = await runInTransaction(dataSource, (uow) => applyBatch(this.deps, uow, candidates, now), { logger });
      const tasks = new Map<string, ScheduledTask>();
      for (const unit of applied) {
        const task = Object.assign(new ScheduledTask(), {
          id: unit.task.id,
          relationshipId: unit.task.relationshipId,
          kind: unit.task.kind,
          state: TaskState.SUCCEEDED,
          dueAt: unit.task.dueAt,
          attempts: unit.task.attempts + 1,
          lastError: null,
          startedAt: now,
          finishedAt: now,
        });
        tasks.set(task.id, task);
        if (task.id !== seed.id) this.done.add(task.id);
        this.options.onStart?.(task, now.getTime() - task.dueAt.getTime());
      }
      // Bounded: an id left here (its job was lost, the sweeper made another) costs only memory until then.
      if (this.done.size > 100_000) this.done.clear();
      this.options.onBatch?.(applied.length);
      return tasks;
    } catch (error) {
      // Nothing of the batch committed: every task is as it was, and each job runs its own task the single way.
      logger.warn({ err: error, taskId: seed.id, candidates: candidates.length }, 'a batch of deactivations failed; the tasks run one by one');
      return new Map();
    } finally {
      for (const c of candidates) if (this.inFlight.get(c.id) === settled) this.inFlight.delete(c.id);
      release();
    }
  }
}

/**
 * One transaction for many relationships (DESIGN S2, S4): locks what it can without waiting — the clients, then the
 * relationships, then the task rows still SCHEDULED and due — and applies the deactivations of all of them with a
 * statement per step. Should that fail, each relationship is applied alone behind a savepoint, so a failing one is
 * rolled back (left SCHEDULED for its own job, which records the error and retries) and never undoes the others.
 */
export async function applyBatch(deps: DueTaskRunnerDeps, uow: UnitOfWork, candidates: DueRow[], now: Date): Promise<Unit[]> {
  if (candidates.length === 0) return [];
  const clientIds = [...new Set(candidates.map((c) => c.clientId))].sort();
  const clients = await uow
    .repo(Client)
    .createQueryBuilder('client')
    .setLock('pessimistic_write')
    .setOnLocked('skip_locked')
    .where('client.id IN (:...clientIds)', { clientIds })
    .orderBy('client.id', 'ASC')
    .getMany();
  const clientOf = new Map(clients.map((c) => [c.id, c]));
  const withClient = candidates.filter((c) => clientOf.has(c.clientId));
  if (withClient.length === 0) return [];
  const relationships = await uow
    .repo(CustomerRelationship)
    .createQueryBuilder('relationship')
    .setLock('pessimistic_write')
    .setOnLocked('skip_locked')
    .where('relationship.id IN (:...ids)', { ids: withClient.map((c) => c.relationshipId) })
    .orderBy('relationship.id', 'ASC')
    .getMany();
  const relationshipOf = new Map(relationships.map((r) => [String(r.id), r]));
  const withRelationship = withClient.filter((c) => relationshipOf.get(c.relationshipId)?.clientId === c.clientId);
  if (withRelationship.length === 0) return [];
  const locked = ((await uow.manager.query(
    'SELECT id, kind, state, due_at AS dueAt, attempts, relationship_id AS relationshipId FROM scheduled_tasks WHERE id IN (?) ORDER BY id FOR UPDATE SKIP LOCKED',
    [withRelationship.map((c) => c.id)],
  )) as Array<Record<string, unknown>>).map((r) => ({ ...r, clientId: '' }));
  const candidateOf = new Map(withRelationship.map((c) => [c.id, c]));
  const units: Unit[] = [];
  for (const row of locked.map(toDueRow)) {
    const candidate = candidateOf.get(row.id);
    // Re-checked under the lock: another runner may have claimed it, or the ending been cancelled or moved (E7, E12).
    if (!candidate || row.kind !== TaskKind.APPLY_DEACTIVATIONS || row.state !== TaskState.SCHEDULED || row.dueAt.getTime() > now.getTime()) continue;
    if (row.relationshipId !== candidate.relationshipId) continue;
    units.push({ task: { ...row, clientId: candidate.clientId }, client: clientOf.get(candidate.clientId)!, relationship: relationshipOf.get(candidate.relationshipId)! });
  }
  if (units.length === 0) return [];

  await uow.manager.query('SAVEPOINT deactivation_batch');
  try {
    await applyUnits(deps, uow, units, now);
    await uow.manager.query('RELEASE SAVEPOINT deactivation_batch');
    return units;
  } catch (error) {
    // A deadlock has already rolled the whole transaction back: the unit of work runs again.
    if (isRetryableDatabaseError(error) || !uow.manager.queryRunner?.isTransactionActive) throw error;
    await uow.manager.query('ROLLBACK TO SAVEPOINT deactivation_batch');
    deps.logger.warn({ err: error, tasks: units.length }, 'a batch of deactivations failed; applying them one at a time');
  }
  const applied: Unit[] = [];
  for (const unit of units) {
    await uow.manager.query('SAVEPOINT deactivation_one');
    try {
      await applyUnits(deps, uow, [unit], now);
      await uow.manager.query('RELEASE SAVEPOINT deactivation_one');
      applied.push(unit);
    } catch (error) {
      if (isRetryableDatabaseError(error)) throw error;
      await uow.manager.query('ROLLBACK TO SAVEPOINT deactivation_one');
      // Left SCHEDULED: its own job runs it alone, and records the error for the archive (lastError) and the retries.
      deps.logger.warn({ err: error, taskId: unit.task.id, relationshipId: unit.task.relationshipId }, 'a deactivation failed in its batch; its own job runs it again');
    }
  }
  return applied;
}

/**
 * What `finish` and `applyDeactivations` do for one relationship, for many at once, with the same rows written: the
 * accesses this ending dated and whose date has come get `deactivatedAt = now` except the subscription administrator's
 * (S4), one ACCESSES_DEACTIVATED event each; the task SUCCEEDED with its attempt counted; and a relationship whose
 * tasks have all succeeded ARCHIVED, audited, and its archive notices written (S11).
 */
async function applyUnits(deps: DueTaskRunnerDeps, uow: UnitOfWork, units: Unit[], now: Date): Promise<void> {
  const today = osloDateOf(now);
  const q = (sql: string, params: unknown[]) => uow.manager.query(sql, params) as Promise<Array<Record<string, unknown>>>;
  const due = await q(
    `SELECT id, client_id AS clientId, user_id AS userId, deactivation_relationship_id AS relationshipId FROM client_accesses
      WHERE client_id IN (?) AND deactivation_relationship_id IN (?) AND deactivated_at IS NULL AND deactivation_date <= ? ORDER BY id FOR UPDATE`,
    [[...new Set(units.map((u) => u.client.id))], units.map((u) => u.relationship.id), today],
  );
  const dueOf = new Map<string, Array<{ id: string; userId: string }>>();
  for (const a of due) {
    const key = `${a.clientId}\u0000${a.relationshipId}`;
    const list = dueOf.get(key) ?? [];
    list.push({ id: String(a.id), userId: String(a.userId) });
    dueOf.set(key, list);
  }
  const deactivateIds: string[] = [];
  const audit: unknown[][] = [];
  for (const { client, relationship } of units) {
    const accesses = dueOf.get(`${client.id}\u0000${relationship.id}`) ?? [];
    if (accesses.length === 0) continue;
    const kept = accesses.filter((a) => a.userId === client.subscriptionAdminUserId);
    const deactivate = accesses.filter((a) => a.userId !== client.subscriptionAdminUserId);
    deactivateIds.push(...deactivate.map((a) => a.id));
    const result = { deactivatedUserIds: deactivate.map((a) => a.userId), keptUserIds: kept.map((a) => a.userId) };
    audit.push([client.id, relationship.id, 'ACCESSES_DEACTIVATED', JSON.stringify({ activeUserIds: accesses.map((a) => a.userId) }), JSON.stringify({ ...result, date: today })]);
  }
  if (deactivateIds.length > 0) await q('UPDATE client_accesses SET deactivated_at = ? WHERE id IN (?)', [now, deactivateIds]);
  await q(
    "UPDATE scheduled_tasks SET state = 'SUCCEEDED', attempts = attempts + 1, started_at = ?, finished_at = ?, last_error = NULL WHERE id IN (?)",
    [now, now, units.map((u) => u.task.id)],
  );

  const unfinished = await q("SELECT relationship_id AS id, COUNT(*) AS n FROM scheduled_tasks WHERE relationship_id IN (?) AND state <> 'SUCCEEDED' GROUP BY relationship_id", [
    units.map((u) => u.relationship.id),
  ]);
  const notDone = new Set(unfinished.filter((r) => Number(r.n) > 0).map((r) => String(r.id)));
  const archived = units.filter((u) => !notDone.has(String(u.relationship.id)) && u.relationship.status === RelationshipStatus.ENDED);
  if (archived.length > 0) {
    await q("UPDATE customer_relationships SET status = 'ARCHIVED' WHERE id IN (?)", [archived.map((u) => u.relationship.id)]);
    for (const { client, relationship } of archived) {
      audit.push([client.id, relationship.id, 'RELATIONSHIP_ARCHIVED', JSON.stringify({ status: RelationshipStatus.ENDED }), JSON.stringify({ status: RelationshipStatus.ARCHIVED })]);
    }
  }
  // DESIGN A4: the same events `AuditService.record` writes for the system actor, in one statement.
  if (audit.length > 0) {
    await q(
      `INSERT INTO audit_events (client_id, relationship_id, actor_user_id, api_key_id, action, \`before\`, \`after\`, request_id, created_at) VALUES ${audit.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      audit.flatMap(([clientId, relationshipId, action, before, after]) => [clientId, relationshipId, SYSTEM_ACTOR.userId, SYSTEM_ACTOR.apiKeyId ?? null, action, before, after, SYSTEM_ACTOR.requestId, deps.clock.now()]),
    );
  }
  if (archived.length > 0) {
    await notifyArchivesGenerated(uow, deps.emailTrigger, archived, today, deps.clock.now());
  }
}
