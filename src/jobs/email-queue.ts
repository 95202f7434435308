import type { Queue } from 'bullmq';
import type { Logger } from '../common/logger';
import type { EmailTrigger } from '../notifications/email-trigger';
import { emailJobId, emailJobOptions, EmailJobData, RetryPolicy } from './queues';

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

/** The EmailTrigger of processes with a queue: one job per notification, id `email-<notificationId>`. */
export class QueueEmailTrigger implements EmailTrigger {
  constructor(
    private readonly queue: Queue<EmailJobData>,
    private readonly policy: RetryPolicy,
    private readonly logger?: Logger,
  ) {}

  async sync(notificationIds: string[]): Promise<void> {
    // One round trip for the lot: adding a job id that exists (in any state) adds nothing in BullMQ, so this leaves an
    // existing job alone exactly as `ensureEmailJob` does.
    for (let i = 0; i < notificationIds.length; i += EMAIL_BULK) {
      const ids = notificationIds.slice(i, i + EMAIL_BULK).map(String);
      try {
        await this.queue.addBulk(ids.map((id) => ({ name: 'email', data: { notificationId: id }, opts: emailJobOptions(this.policy, id) })));
      } catch (err) {
        this.logger?.warn({ err, notificationIds: ids }, 'could not queue the e-mails; the sweeper will');
      }
    }
  }
}
