import type { Queue } from 'bullmq';
import type { ExportTrigger } from '../archive/export-trigger';
import type { Logger } from '../common/logger';
import { exportJobId, exportJobOptions, ExportJobData, LIVE_JOB_STATES, RetryPolicy } from './queues';

/**
 * Makes sure an export that is still to be built has a job (DESIGN S2, S9): none (never queued, lost by Redis) → add
 * it; finished or given up while the row still waits (the row says what is true) → add it again; live → leave it.
 */
export async function ensureExportJob(queue: Queue<ExportJobData>, policy: RetryPolicy, exportId: string): Promise<'added' | 'readded' | 'live'> {
  const job = await queue.getJob(exportJobId(exportId));
  if (job && LIVE_JOB_STATES.has(await job.getState())) return 'live';
  if (job) await job.remove().catch(() => undefined);
  await queue.add('export', { exportId }, exportJobOptions(policy, exportId));
  return job ? 'readded' : 'added';
}

/** The ExportTrigger of processes with a queue. Failures are logged and left to the sweeper. */
export class QueueExportTrigger implements ExportTrigger {
  constructor(
    private readonly queue: Queue<ExportJobData>,
    private readonly policy: RetryPolicy,
    private readonly logger?: Logger,
  ) {}

  async queued(exportIds: string[]): Promise<void> {
    for (const id of exportIds) {
      try {
        await this.queue.add('export', { exportId: id }, exportJobOptions(this.policy, id));
      } catch (err) {
        this.logger?.warn({ err, exportId: id }, 'could not queue the export; the sweeper will');
      }
    }
  }
}
