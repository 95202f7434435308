import type { DataSource } from 'typeorm';
import { SYSTEM_ACTOR, type AuditService } from '../audit/audit.service';
import type { Logger } from '../common/logger';
import { runInTransaction } from '../db/unit-of-work';
import { ScheduledTask, TaskState } from './scheduled-task.entity';
import type { TaskTrigger } from './task-trigger';

/** What the operators' task commands need. */
export interface TaskCommandDeps {
  dataSource: DataSource;
  audit: AuditService;
  /** Queues a retried task at once. */
  taskTrigger: TaskTrigger;
  logger: Logger;
}

export interface TaskListing {
  id: string;
  relationshipId: string;
  clientId: string;
  kind: string;
  state: TaskState;
  dueAt: Date;
  attempts: number;
  lastError: string | null;
  finishedAt: Date | null;
}

/** The scheduled tasks, newest due first (operators: `npm run cli -- tasks [STATE]`). */
export async function listTasks(dataSource: DataSource, state?: TaskState, limit = 200): Promise<TaskListing[]> {
  const query = dataSource
    .getRepository(ScheduledTask)
    .createQueryBuilder('task')
    .innerJoinAndSelect('task.relationship', 'relationship')
    .orderBy('task.due_at', 'DESC')
    .addOrderBy('task.id', 'DESC')
    .limit(limit);
  if (state) query.where('task.state = :state', { state });
  const tasks = await query.getMany();
  return tasks.map((t) => ({
    id: t.id,
    relationshipId: t.relationshipId,
    clientId: t.relationship!.clientId,
    kind: t.kind,
    state: t.state,
    dueAt: t.dueAt,
    attempts: t.attempts,
    lastError: t.lastError,
    finishedAt: t.finishedAt,
  }));
}

export type RetryOutcome = { ok: true; task: ScheduledTask } | { ok: false; reason: 'NOT_FOUND' | 'NOT_FAILED'; state?: TaskState };

/**
 * Re-runs a FAILED task (operators: `npm run cli -- tasks retry <id>`): back to SCHEDULED with a fresh round of
 * tries (the attempts before are kept in the audit event), then queued after commit. Only FAILED tasks: a running,
 * done or cancelled one is refused.
 */
export async function retryTask(deps: TaskCommandDeps, taskId: string): Promise<RetryOutcome> {
  const { dataSource, audit, taskTrigger, logger } = deps;
  return runInTransaction(
    dataSource,
    async (uow): Promise<RetryOutcome> => {
      const task = await uow.repo(ScheduledTask).createQueryBuilder('task').setLock('pessimistic_write').where('task.id = :taskId', { taskId }).getOne();
      if (!task) return { ok: false, reason: 'NOT_FOUND' };
      if (task.state !== TaskState.FAILED) return { ok: false, reason: 'NOT_FAILED', state: task.state };
      const before = { state: task.state, attempts: task.attempts, lastError: task.lastError };
      task.state = TaskState.SCHEDULED;
      task.attempts = 0;
      task.finishedAt = null;
      await uow.repo(ScheduledTask).update({ id: task.id }, { state: task.state, attempts: 0, finishedAt: null });
      const relationship = await uow.manager.query('SELECT client_id AS clientId FROM customer_relationships WHERE id = ?', [task.relationshipId]);
      await audit.record(uow, SYSTEM_ACTOR, {
        action: 'TASK_RETRIED',
        clientId: relationship[0]?.clientId ?? null,
        relationshipId: task.relationshipId,
        before,
        after: { state: task.state, attempts: 0, kind: task.kind },
      });
      uow.onCommit(() => taskTrigger.sync([task]));
      return { ok: true, task };
    },
    { logger },
  );
}

const STATES = Object.values(TaskState) as string[];

/** `tasks [STATE]` lists; `tasks retry <id>` re-runs a failed task. Returns the exit code. */
export async function runTasksCommand(deps: TaskCommandDeps, args: string[], out: (line: string) => void = console.log): Promise<number> {
  if (args[0] === 'retry') {
    if (args.length !== 2) return 2;
    const outcome = await retryTask(deps, args[1]);
    if (outcome.ok) {
      out(`Task ${args[1]} (${outcome.task.kind}) is SCHEDULED again and queued; a worker runs it now.`);
      return 0;
    }
    out(outcome.reason === 'NOT_FOUND' ? `No task ${args[1]}.` : `Task ${args[1]} is ${outcome.state}; only FAILED tasks can be retried.`);
    return 1;
  }
  const state = args[0]?.toUpperCase();
  if (args.length > 1 || (state && !STATES.includes(state))) return 2;
  const tasks = await listTasks(deps.dataSource, state as TaskState | undefined);
  if (tasks.length === 0) {
    out('No tasks.');
    return 0;
  }
  out(['id', 'state', 'kind', 'due (UTC)', 'attempts', 'client', 'relationship', 'last error'].join('\t'));
  for (const t of tasks) {
    out([t.id, t.state, t.kind, t.dueAt.toISOString(), t.attempts, t.clientId, t.relationshipId, t.lastError ?? ''].join('\t'));
  }
  return 0;
}
