import type { JobsOptions, Queue } from 'bullmq';
import type { Logger } from '../common/logger';
import type { EmailTrigger } from '../notifications/email-trigger';
import { emailBatchJobOptions, emailJobId, emailJobOptions, EmailJobData, RetryPolicy } from './queues';

/**
 * Makes sure an unsent notification has its e-mail job. A job that exists in any state is left alone: live ones will
 * run, a completed one has sent (or found it sent), a failed one gave up after its retries and waits for an operator.
 */
export async function ensureEmailJob(queue: Queue<EmailJobData>, policy: RetryPolicy, notificationId: string): Promise<boolean> {
  if ((await queue.getJobState(emailJobId(notificationId))) !== 'unknown') return false;
  await queue.add('email', { notificationId }, emailJobOptions(policy, notificationId));
  return true;
}

/** Jobs added per round trip. */
const EMAIL_BULK = 500;
/** Notifications sent by one batch job: the e-mails of notices written together (a batch of archived relationships). */
export const EMAIL_BATCH = 100;

/**
 * Gives notifications their own jobs (`email-<id>`): those a batch could not send, retried with the single path's
 * backoff and tries. `afterFailedTry`: the batch made their first try, so the job starts after the first backoff and
 * makes the remaining tries. A job that exists (in any state) is left alone, as `ensureEmailJob` does.
 */
export async function queueOwnEmailJobs(queue: Queue<EmailJobData>, policy: RetryPolicy, notificationIds: string[], afterFailedTry: boolean): Promise<void> {
  for (let i = 0; i < notificationIds.length; i += EMAIL_BULK) {
    const ids = notificationIds.slice(i, i + EMAIL_BULK);
    await queue.addBulk(
      ids.map((id) => {
        const opts = emailJobOptions(policy, id);
        return { name: 'email', data: { notificationId: id }, opts: afterFailedTry ? { ...opts, delay: policy.emailBackoffMs, attempts: Math.max(1, policy.emailAttempts - 1) } : opts };
      }),
    );
  }
}

/**
 * The EmailTrigger of processes with a queue. One notification gets one job, id `email-<notificationId>`; notifications
 * written together get one job per EMAIL_BATCH of them (id `emails-<first id>-<digest>`, `sendNotificationEmails`),
 * whose failures fall back to each notification's own job. The sweeper still gives any unsent notification its own job.
 */
export class QueueEmailTrigger implements EmailTrigger {
  constructor(
    private readonly queue: Queue<EmailJobData>,
    private readonly policy: RetryPolicy,
    private readonly logger?: Logger,
  ) {}

  async sync(notificationIds: string[]): Promise<void> {
    const all = notificationIds.map(String);
    // One round trip for the lot: adding a job id that exists (in any state) adds nothing in BullMQ, so this leaves an
    // existing job alone exactly as `ensureEmailJob` does.
    for (let i = 0; i < all.length; i += EMAIL_BULK) {
      const ids = all.slice(i, i + EMAIL_BULK);
      const jobs: Array<{ name: string; data: EmailJobData; opts: JobsOptions }> = [];
      for (let j = 0; j < ids.length; j += EMAIL_BATCH) {
        const batch = ids.slice(j, j + EMAIL_BATCH);
        if (batch.length === 1) jobs.push({ name: 'email', data: { notificationId: batch[0] }, opts: emailJobOptions(this.policy, batch[0]) });
        else jobs.push({ name: 'emails', data: { notificationIds: batch }, opts: emailBatchJobOptions(this.policy, batch) });
      }
      try {
        await this.queue.addBulk(jobs);
      } catch (err) {
        this.logger?.warn({ err, notificationIds: ids }, 'could not queue the e-mails; the sweeper will');
      }
    }
  }
}
