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

/** The EmailTrigger of processes with a queue: one job per notification, id `email-<notificationId>`. */
export class QueueEmailTrigger implements EmailTrigger {
  constructor(
    private readonly queue: Queue<EmailJobData>,
    private readonly policy: RetryPolicy,
    private readonly logger?: Logger,
  ) {}

  async sync(notificationIds: string[]): Promise<void> {
    for (const id of notificationIds) {
      try {
        await ensureEmailJob(this.queue, this.policy, String(id));
      } catch (err) {
        this.logger?.warn({ err, notificationId: id }, 'could not queue the e-mail; the sweeper will');
      }
    }
  }
}
