import type { ScheduledTask } from './scheduled-task.entity';

/**
 * Puts task rows on the queue after the transaction that wrote them has committed (DESIGN S2): a SCHEDULED task gets
 * a delayed job at its due instant (moved when the instant changed), a CANCELLED one loses its job.
 */
export interface TaskTrigger {
  sync(tasks: ScheduledTask[]): Promise<void>;
  /**
   * The same for tasks the transaction has just created (SCHEDULED, with new ids): no job can exist for them yet, so
   * they are added without looking first, all in one round trip.
   */
  created(tasks: ScheduledTask[]): Promise<void>;
}

/** For processes that run no queue (the CLI): the worker's sweeper picks the rows up. */
export const noTaskTrigger: TaskTrigger = { sync: async () => undefined, created: async () => undefined };
