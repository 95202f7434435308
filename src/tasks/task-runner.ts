import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SYSTEM_ACTOR, type AuditService } from '../audit/audit.service';
import type { Client } from '../clients/client.entity';
import { osloToday, type Clock } from '../common/clock';
import { DomainError } from '../common/domain-errors';
import type { Logger } from '../common/logger';
import { runInTransaction, UnitOfWork } from '../db/unit-of-work';
import type { MandatoryDataGenerator } from '../archive/mandatory-data';
import type { ClientNotices } from '../notifications/client-notices';
import { lockClient } from '../relationships/client-lock';
import { CustomerRelationship, RelationshipStatus } from '../relationships/customer-relationship.entity';
import { WebhookEventType } from '../integrations/integration.entities';
import type { WebhookEvents } from '../integrations/webhook-events';
import { applyDeactivations } from './apply-deactivations';
import { ScheduledTask, TaskKind, TaskState } from './scheduled-task.entity';

export type TaskRunResult =
  | { outcome: 'succeeded'; task: ScheduledTask }
  /** Nothing to do: done, cancelled, given up, or the row is gone. */
  | { outcome: 'skipped'; state: TaskState | 'MISSING' }
  /** Woken before its due instant (clock skew, a moved date): run it again at `dueAt`. */
  | { outcome: 'not-due'; dueAt: Date };

/**
 * A try that failed; recorded on the row. `permanent`: no retry will be made (the operator can re-run it). Its message
 * is public (shown in the archive); the error behind it is in `cause` and in the logs.
 */
export class TaskAttemptFailed extends DomainError {
  override name = 'TaskAttemptFailed';
  constructor(
    message: string,
    readonly permanent: boolean,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** What running a task needs. */
export interface TaskRunnerDeps {
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  /** Records the deactivations and the archiving (DESIGN A4). */
  audit: AuditService;
  /** Tells the client and the archive that the data is in, or that generation gave up (DESIGN S11). */
  notices: ClientNotices;
  /** Records ARCHIVE_GENERATED and ARCHIVE_GENERATION_FAILED for the partner's webhooks (docs/integrations.md). */
  webhookEvents?: WebhookEvents;
}

export interface TaskRunnerOptions {
  /** Tries before a task is left FAILED for an operator; counted on the row, so it survives lost jobs. */
  maxAttempts: number;
  generator: MandatoryDataGenerator;
  /** Called when a try starts, with how late it starts after its due instant (metrics). */
  onStart?: (task: ScheduledTask, lateByMs: number) => void;
}

const WHAT_THE_TASK_DOES: Record<TaskKind, string> = {
  [TaskKind.GENERATE_MANDATORY_DATA]: 'generating the archive',
  [TaskKind.APPLY_DEACTIVATIONS]: 'applying the deactivations',
};

/**
 * The text kept in `lastError`, which partners read in the archive: a DomainError's own message (bounded); for
 * anything else — a file system, SQL or programming error, which may name paths, hosts or data — a generic text with a
 * reference that leads an operator to the log line holding the whole error.
 */
function publicMessage(error: unknown, task: ScheduledTask, reference: string): string {
  if (error instanceof DomainError) return (error.message || error.name).slice(0, 2000);
  return `Internal error while ${WHAT_THE_TASK_DOES[task.kind] ?? 'running the task'} (reference ${reference})`;
}

/**
 * Runs one scheduled task, idempotently (DESIGN S2): re-reads the row, does nothing when it is SUCCEEDED or CANCELLED
 * (or gave up), records RUNNING with one more attempt, does the work, and records SUCCEEDED — or FAILED with the
 * error, throwing TaskAttemptFailed so the queue retries with backoff. A row left RUNNING by a process that died is
 * claimed again. The work is finished in one transaction that locks client → relationship → task (the product's lock
 * order) and re-checks the row, so two runners racing (two workers, a duplicate job) commit it once.
 */
export async function runTask(deps: TaskRunnerDeps, taskId: string, options: TaskRunnerOptions): Promise<TaskRunResult> {
  const { dataSource, clock, logger } = deps;
  const claimed = await runInTransaction(dataSource, async (uow) => {
    const task = await uow.repo(ScheduledTask).createQueryBuilder('task').setLock('pessimistic_write').where('task.id = :taskId', { taskId }).getOne();
    if (!task) return { outcome: 'skipped', state: 'MISSING' } as const;
    if (task.state === TaskState.SUCCEEDED || task.state === TaskState.CANCELLED) return { outcome: 'skipped', state: task.state } as const;
    if (task.state === TaskState.FAILED && task.attempts >= options.maxAttempts) return { outcome: 'skipped', state: task.state } as const;
    const now = clock.now();
    // DESIGN S7: due by the process clock, never by Redis or SQL time.
    if (task.dueAt.getTime() > now.getTime()) return { outcome: 'not-due', dueAt: task.dueAt } as const;
    task.state = TaskState.RUNNING;
    task.attempts += 1;
    task.startedAt = now;
    task.finishedAt = null;
    await uow.repo(ScheduledTask).update({ id: task.id }, { state: task.state, attempts: task.attempts, startedAt: now, finishedAt: null });
    options.onStart?.(task, now.getTime() - task.dueAt.getTime());
    return { outcome: 'claimed', task } as const;
  });
  if (claimed.outcome !== 'claimed') return claimed;
  const task = claimed.task;

  try {
    if (task.kind === TaskKind.GENERATE_MANDATORY_DATA) {
      // Long work outside a transaction; the generator is idempotent by contract.
      await options.generator.generate(task.relationshipId);
      await finish(deps, task, (uow, client, relationship) => deps.webhookEvents?.relationship(uow, WebhookEventType.ARCHIVE_GENERATED, relationship, client) ?? Promise.resolve());
    } else if (task.kind === TaskKind.APPLY_DEACTIVATIONS) {
      await finish(deps, task, (uow, client, relationship) => applyDeactivations(deps.audit, uow, client, relationship, clock.now()));
    } else {
      throw new TaskAttemptFailed(`unknown task kind ${String(task.kind)}`, true, null);
    }
    return { outcome: 'succeeded', task };
  } catch (error) {
    const permanent = (error instanceof TaskAttemptFailed && error.permanent) || task.attempts >= options.maxAttempts;
    const reference = randomBytes(5).toString('hex');
    const message = publicMessage(error, task, reference);
    if (!(error instanceof DomainError)) {
      logger.error({ err: error, taskId: task.id, kind: task.kind, attempt: task.attempts, reference }, `task failed with an internal error (reference ${reference})`);
    }
    try {
      await runInTransaction(
        dataSource,
        async (uow) => {
          const recorded = await uow
            .repo(ScheduledTask)
            .createQueryBuilder()
            .update()
            .set({ state: TaskState.FAILED, lastError: message, finishedAt: clock.now() })
            .where('id = :id AND state = :running', { id: task.id, running: TaskState.RUNNING })
            .execute();
          // S11: the last try of a generation failed — the partner's archive users hear of it, with the way out.
          if (permanent && recorded.affected && task.kind === TaskKind.GENERATE_MANDATORY_DATA) {
            const relationship = await uow.repo(CustomerRelationship).findOneBy({ id: task.relationshipId });
            if (relationship) await deps.notices.generationFailed(uow, relationship, task.id, String(task.startedAt?.getTime() ?? task.attempts), message);
            // And the partner's webhooks (docs/integrations.md).
            if (relationship) await deps.webhookEvents?.relationship(uow, WebhookEventType.ARCHIVE_GENERATION_FAILED, relationship);
          }
        },
        { logger },
      );
    } catch (recordError) {
      logger.warn({ err: recordError, taskId: task.id }, 'could not record the failed try (the database may be away)');
    }
    throw error instanceof TaskAttemptFailed ? error : new TaskAttemptFailed(message, permanent, error);
  }
}

/**
 * Locks client → relationship → task, runs `work` if the task is still RUNNING, records SUCCEEDED, and archives the
 * relationship when every one of its tasks has succeeded (whichever finishes last does it).
 */
async function finish(
  deps: TaskRunnerDeps,
  task: ScheduledTask,
  work: (uow: UnitOfWork, client: Client, relationship: CustomerRelationship) => Promise<unknown>,
): Promise<void> {
  const { dataSource, clock, logger, audit } = deps;
  await runInTransaction(
    dataSource,
    async (uow) => {
      const ref = await uow.repo(CustomerRelationship).findOne({ where: { id: task.relationshipId }, select: { id: true, clientId: true } });
      if (!ref) throw new TaskAttemptFailed(`relationship ${task.relationshipId} does not exist`, true, null);
      // The product's lock order (`lockClient`): the client first, then the relationship, then the task.
      const client = await lockClient(uow.manager, ref.clientId);
      const relationship = await uow
        .repo(CustomerRelationship)
        .createQueryBuilder('relationship')
        .setLock('pessimistic_write')
        .where('relationship.id = :id', { id: ref.id })
        .getOne();
      const current = await uow.repo(ScheduledTask).createQueryBuilder('task').setLock('pessimistic_write').where('task.id = :id', { id: task.id }).getOne();
      if (!client || !relationship || !current) throw new TaskAttemptFailed(`relationship ${task.relationshipId} is incomplete`, true, null);
      // Another runner finished it, or the ending was cancelled meanwhile: nothing more to do.
      if (current.state !== TaskState.RUNNING) return;

      await work(uow, client, relationship);
      const now = clock.now();
      await uow.repo(ScheduledTask).update({ id: task.id }, { state: TaskState.SUCCEEDED, finishedAt: now, lastError: null });
      task.state = TaskState.SUCCEEDED;

      const unfinished = await uow
        .repo(ScheduledTask)
        .createQueryBuilder('task')
        .where('task.relationship_id = :id', { id: relationship.id })
        .andWhere('task.state <> :succeeded', { succeeded: TaskState.SUCCEEDED })
        .getCount();
      if (unfinished === 0 && relationship.status === RelationshipStatus.ENDED) {
        await uow.repo(CustomerRelationship).update({ id: relationship.id }, { status: RelationshipStatus.ARCHIVED });
        await audit.record(uow, SYSTEM_ACTOR, {
          action: 'RELATIONSHIP_ARCHIVED',
          clientId: client.id,
          relationshipId: relationship.id,
          before: { status: RelationshipStatus.ENDED },
          after: { status: RelationshipStatus.ARCHIVED },
        });
        // S11: the client and the partner's archive hear that the data is in, once.
        await deps.notices.archiveGenerated(uow, client, relationship, osloToday(clock));
      }
    },
    { logger },
  );
}
