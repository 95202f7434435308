import type { Queue } from 'bullmq';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { ScheduledTask, TaskState } from '../tasks/scheduled-task.entity';
import type { TaskTrigger } from '../tasks/task-trigger';
import { LIVE_JOB_STATES, RetryPolicy, TaskJobData, taskJobId, taskJobOptions } from './queues';

/** What `ensureTaskJob` found and did. */
export type EnsureOutcome = 'added' | 'readded' | 'moved' | 'live' | 'running';

/** The part of a task row the queue needs. */
export type TaskRef = Pick<ScheduledTask, 'id' | 'dueAt'>;

/**
 * Makes sure a pending task has exactly one job that will run it at its due instant (DESIGN S2):
 * - none (never added, lost by Redis) → add it, delayed by `dueAt - clock.now()` (0 when already due);
 * - finished or given up (completed/failed) while the row is still pending → remove and add again;
 * - scheduled for another due instant (E7 moved the date) → change its delay, or remove and add again;
 * - running → leave it: the handler reads the row, and defers when the row is not due yet.
 * Adding an existing job id does nothing in BullMQ, so two callers racing here still leave one job.
 */
export async function ensureTaskJob(queue: Queue<TaskJobData>, policy: RetryPolicy, clock: Clock, task: TaskRef): Promise<EnsureOutcome> {
  const jobId = taskJobId(task.id);
  const dueAt = task.dueAt.toISOString();
  const delay = Math.max(0, task.dueAt.getTime() - clock.now().getTime());
  const data: TaskJobData = { taskId: task.id, dueAt };
  const add = () => queue.add('task', data, taskJobOptions(policy, task.id, delay));

  const job = await queue.getJob(jobId);
  if (!job) {
    await add();
    return 'added';
  }
  const state = await job.getState();
  if (state === 'active') return 'running';
  if (!LIVE_JOB_STATES.has(state)) {
    await job.remove().catch(() => undefined);
    await add();
    return 'readded';
  }
  if (job.data?.dueAt === dueAt) return 'live';
  if (state === 'delayed' && delay > 0) {
    await job.changeDelay(delay);
    await job.updateData(data);
  } else {
    await job.remove();
    await add();
  }
  return 'moved';
}

/** Removes a task's job (a cancelled ending, E12); a running one finishes and its handler sees CANCELLED. */
export async function removeTaskJob(queue: Queue<TaskJobData>, taskId: string): Promise<void> {
  const job = await queue.getJob(taskJobId(taskId));
  if (!job) return;
  if ((await job.getState()) === 'active') return;
  await job.remove().catch(() => undefined);
}

/**
 * The TaskTrigger the API process uses: after the transaction that wrote task rows has committed, put them on the
 * queue (SCHEDULED: a delayed job at the due instant; CANCELLED: no job). Failures are logged and left to the
 * sweeper, which repairs whatever this missed.
 */
export class QueueTaskTrigger implements TaskTrigger {
  constructor(
    private readonly queue: Queue<TaskJobData>,
    private readonly clock: Clock,
    private readonly policy: RetryPolicy,
    private readonly logger?: Logger,
  ) {}

  async created(tasks: ScheduledTask[]): Promise<void> {
    const now = this.clock.now().getTime();
    try {
      // Adding an id that exists does nothing in BullMQ, so a sweeper that got there first leaves one job.
      await this.queue.addBulk(
        tasks.map((task) => ({
          name: 'task',
          data: { taskId: task.id, dueAt: task.dueAt.toISOString() },
          opts: taskJobOptions(this.policy, task.id, Math.max(0, task.dueAt.getTime() - now)),
        })),
      );
    } catch (err) {
      this.logger?.warn({ err, taskIds: tasks.map((task) => task.id) }, 'could not queue the tasks; the sweeper will');
    }
  }

  async sync(tasks: ScheduledTask[]): Promise<void> {
    for (const task of tasks) {
      try {
        if (task.state === TaskState.SCHEDULED) await ensureTaskJob(this.queue, this.policy, this.clock, task);
        else if (task.state === TaskState.CANCELLED) await removeTaskJob(this.queue, task.id);
      } catch (err) {
        this.logger?.warn({ err, taskId: task.id }, 'could not queue the task; the sweeper will');
      }
    }
  }
}
