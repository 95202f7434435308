import type { Queue } from 'bullmq';
import type { BackupTrigger } from '../archive/backup';
import type { Logger } from '../common/logger';
import { backupJobId, backupJobOptions, BackupJobData, LIVE_JOB_STATES, RetryPolicy } from './queues';

/** Makes sure a document whose backup copy is PENDING has a live job (DESIGN S2, S10); true when one was added. */
export async function ensureBackupJob(queue: Queue<BackupJobData>, policy: RetryPolicy, documentId: string): Promise<boolean> {
  const job = await queue.getJob(backupJobId(documentId));
  if (job && LIVE_JOB_STATES.has(await job.getState())) return false;
  if (job) await job.remove().catch(() => undefined);
  await queue.add('backup', { documentId }, backupJobOptions(policy, documentId));
  return true;
}

/** The BackupTrigger of processes with a queue. Failures are logged and left to the sweeper. */
export class QueueBackupTrigger implements BackupTrigger {
  constructor(
    private readonly queue: Queue<BackupJobData>,
    private readonly policy: RetryPolicy,
    private readonly logger?: Logger,
  ) {}

  async queued(documentIds: string[]): Promise<void> {
    for (const id of documentIds) {
      try {
        await this.queue.add('backup', { documentId: id }, backupJobOptions(this.policy, id));
      } catch (err) {
        this.logger?.warn({ err, documentId: id }, 'could not queue the backup copy; the sweeper will');
      }
    }
  }
}
