import { DataSource, In } from 'typeorm';
import { ArchiveExport, ArchiveExportState } from '../archive/archive-export.entity';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { unsentNotificationIds } from '../notifications/email';
import { ScheduledTask, TaskState } from '../tasks/scheduled-task.entity';
import { pendingBackupIds } from '../archive/backup';
import { ensureBackupJob } from './backup-queue';
import { ensureEmailJob } from './email-queue';
import { ensureExportJob } from './export-queue';
import type { ProducerQueues, RetryPolicy } from './queues';
import { ensureTaskJob } from './task-queue';

/** Tasks due within this much are checked; more than the sweep interval, so a task is never reached late. */
export const DEFAULT_SWEEP_HORIZON_MS = 15 * 60_000;
/** Rows looked at per sweep, per kind. */
const SWEEP_BATCH = 1000;

export interface SweepResult {
  tasksChecked: number;
  tasksRequeued: number;
  emailsChecked: number;
  emailsRequeued: number;
  exportsChecked: number;
  exportsRequeued: number;
  /** Webhook deliveries due (docs/integrations.md) and re-queued; set by the worker's sweep. */
  webhooksChecked?: number;
  webhooksRequeued?: number;
  backupsChecked: number;
  backupsRequeued: number;
}

/** What a sweep needs (besides the queues it fills). */
export interface SweepDeps {
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
}

export interface SweepOptions {
  policy: RetryPolicy;
  horizonMs?: number;
  /** A backup store is configured (ARCHIVE_BACKUP): documents whose copy is PENDING get a job. */
  backups?: boolean;
}

/**
 * DESIGN S2: the database is the truth, Redis only the trigger. Finds the work that should have a job and makes sure
 * it has one, with the same deterministic job id (so a job that exists is never doubled):
 * - tasks SCHEDULED, RUNNING (its worker may have died) or FAILED with tries left, due now or within the horizon;
 * - notifications whose e-mail has not been sent;
 * - archive exports QUEUED, RUNNING (its worker may have died) or FAILED with tries left (S9);
 * - archive documents whose backup copy is PENDING, when there is a backup store (S10).
 * "Due" is decided by the process clock, passed to SQL as a parameter — never NOW() (S7).
 */
export async function sweep(deps: SweepDeps, queues: ProducerQueues, options: SweepOptions): Promise<SweepResult> {
  const { clock, dataSource, logger } = deps;
  const horizon = new Date(clock.now().getTime() + (options.horizonMs ?? DEFAULT_SWEEP_HORIZON_MS));
  const tasks = await dataSource
    .getRepository(ScheduledTask)
    .createQueryBuilder('task')
    .where({ state: In([TaskState.SCHEDULED, TaskState.RUNNING, TaskState.FAILED]) })
    .andWhere('task.due_at <= :horizon', { horizon })
    .orderBy('task.due_at', 'ASC')
    .limit(SWEEP_BATCH)
    .getMany();

  const result: SweepResult = { tasksChecked: 0, tasksRequeued: 0, emailsChecked: 0, emailsRequeued: 0, exportsChecked: 0, exportsRequeued: 0, backupsChecked: 0, backupsRequeued: 0 };
  for (const task of tasks) {
    // A FAILED task that used up its tries waits for an operator (`npm run cli -- tasks retry <id>`).
    if (task.state === TaskState.FAILED && task.attempts >= options.policy.taskAttempts) continue;
    result.tasksChecked++;
    const outcome = await ensureTaskJob(queues.tasks, options.policy, clock, task);
    if (outcome === 'added' || outcome === 'readded' || outcome === 'moved') {
      result.tasksRequeued++;
      logger.warn({ taskId: task.id, state: task.state, dueAt: task.dueAt, outcome }, 'sweeper queued a task that had no job');
    }
  }

  for (const id of await unsentNotificationIds(dataSource, SWEEP_BATCH)) {
    result.emailsChecked++;
    if (await ensureEmailJob(queues.emails, options.policy, id)) {
      result.emailsRequeued++;
      logger.info({ notificationId: id }, 'sweeper queued a notification e-mail');
    }
  }

  const unfinishedExports = await dataSource.getRepository(ArchiveExport).find({
    select: { id: true, state: true, attempts: true },
    where: { state: In([ArchiveExportState.QUEUED, ArchiveExportState.RUNNING, ArchiveExportState.FAILED]) },
    order: { id: 'ASC' },
    take: SWEEP_BATCH,
  });
  for (const pending of unfinishedExports) {
    if (pending.state === ArchiveExportState.FAILED && pending.attempts >= options.policy.taskAttempts) continue;
    result.exportsChecked++;
    const outcome = await ensureExportJob(queues.exports, options.policy, pending.id);
    if (outcome !== 'live') {
      result.exportsRequeued++;
      logger.warn({ exportId: pending.id, state: pending.state, outcome }, 'sweeper queued an archive export that had no job');
    }
  }
  if (options.backups) await sweepBackups(dataSource, queues, options.policy, result);
  return result;
}

/** Every document whose backup copy is PENDING has a job (DESIGN S10); counted into `result`. */
export async function sweepBackups(dataSource: DataSource, queues: ProducerQueues, policy: RetryPolicy, result?: SweepResult): Promise<number> {
  let added = 0;
  for (const id of await pendingBackupIds(dataSource, SWEEP_BATCH)) {
    if (result) result.backupsChecked++;
    if (await ensureBackupJob(queues.backups, policy, id)) added++;
  }
  if (result) result.backupsRequeued += added;
  return added;
}
