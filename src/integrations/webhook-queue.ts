import { Queue, Worker, type JobsOptions } from 'bullmq';
import { In, LessThanOrEqual } from 'typeorm';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import { LIVE_JOB_STATES, queueOptions } from '../jobs/queues';
import { WebhookDelivery, WebhookDeliveryState } from './integration.entities';
import { deliverWebhook, type WebhookDeliveryDeps } from './webhook-delivery';
import type { WebhookTrigger } from './webhook-events';

/** The webhook deliveries' queue: one job per try of a delivery. */
export const WEBHOOK_QUEUE = 'webhooks';

export interface WebhookJobData {
  deliveryId: string;
  /** The try this job makes: the delivery's `attempts` when it was queued. */
  attempt: number;
}

/** Deterministic: the same try of the same delivery is one job, however often it is added. No ':' (BullMQ). */
export const webhookJobId = (deliveryId: string, attempt: number): string => `webhook-${deliveryId}-${attempt}`;

const KEEP = { removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } };

/** Retries are rows (`next_attempt_at`), not BullMQ's: each try is its own job, made after the previous one is recorded. */
function jobOptions(deliveryId: string, attempt: number, delayMs: number): JobsOptions {
  return { jobId: webhookJobId(deliveryId, attempt), delay: Math.max(0, delayMs), attempts: 3, backoff: { type: 'exponential', delay: 1000 }, ...KEEP };
}

export function openWebhookQueue(config: Config, logger?: Logger): Queue<WebhookJobData> {
  const queue = new Queue<WebhookJobData>(WEBHOOK_QUEUE, queueOptions(config));
  queue.on('error', (err) => logger?.warn({ err, queue: WEBHOOK_QUEUE }, 'queue connection error'));
  return queue;
}

/** The WebhookTrigger of processes with a queue: new deliveries' first tries, at once. Failures are left to the sweeper. */
export class QueueWebhookTrigger implements WebhookTrigger {
  constructor(
    private readonly queue: Queue<WebhookJobData>,
    private readonly logger?: Logger,
  ) {}

  async deliver(deliveryIds: string[]): Promise<void> {
    try {
      await this.queue.addBulk(deliveryIds.map((deliveryId) => ({ name: 'webhook', data: { deliveryId, attempt: 0 }, opts: jobOptions(deliveryId, 0, 0) })));
    } catch (err) {
      this.logger?.warn({ err, deliveryIds }, 'could not queue webhook deliveries; the sweeper will');
    }
  }
}

/** Queues the next try of a delivery, due `delayMs` from now. */
export async function queueNextTry(queue: Queue<WebhookJobData>, deliveryId: string, attempt: number, delayMs: number): Promise<void> {
  await queue.add('webhook', { deliveryId, attempt }, jobOptions(deliveryId, attempt, delayMs));
}

/**
 * The sweeper's part for webhooks (DESIGN S2): every PENDING delivery due within the horizon has the job of its next
 * try — added when Redis lost it or the process died before queueing it, added again when it ended while the row
 * still waits (the row says what is true).
 */
export async function sweepWebhookDeliveries(deps: Pick<WebhookDeliveryDeps, 'dataSource' | 'clock' | 'logger'>, queue: Queue<WebhookJobData>, horizonMs: number, batch = 1000): Promise<{ checked: number; requeued: number }> {
  const now = deps.clock.now();
  const due = await deps.dataSource.getRepository(WebhookDelivery).find({
    select: { id: true, attempts: true, nextAttemptAt: true },
    where: { state: In([WebhookDeliveryState.PENDING]), nextAttemptAt: LessThanOrEqual(new Date(now.getTime() + horizonMs)) },
    order: { nextAttemptAt: 'ASC' },
    take: batch,
  });
  let requeued = 0;
  for (const d of due) {
    const job = await queue.getJob(webhookJobId(d.id, d.attempts));
    if (job && LIVE_JOB_STATES.has(await job.getState())) continue;
    if (job) await job.remove().catch(() => undefined);
    await queueNextTry(queue, d.id, d.attempts, (d.nextAttemptAt?.getTime() ?? now.getTime()) - now.getTime());
    requeued++;
    deps.logger.info({ deliveryId: d.id, attempt: d.attempts }, 'sweeper queued a webhook delivery');
  }
  return { checked: due.length, requeued };
}

export interface RunningWebhookWorker {
  queue: Queue<WebhookJobData>;
  sweep(horizonMs: number): Promise<{ checked: number; requeued: number }>;
  close(): Promise<void>;
}

/** The worker that makes the tries; after a failed one it queues the next at the row's `next_attempt_at`. */
export function startWebhookWorker(config: Config, deps: WebhookDeliveryDeps, workerOptions: { concurrency?: number; lockDuration?: number; stalledInterval?: number } = {}): RunningWebhookWorker {
  const queue = openWebhookQueue(config, deps.logger);
  const worker = new Worker<WebhookJobData>(
    WEBHOOK_QUEUE,
    async (job) => {
      const result = await deliverWebhook(deps, job.data.deliveryId, job.data.attempt);
      if (result.outcome === 'retry') {
        await queueNextTry(queue, job.data.deliveryId, result.attempts, result.nextAttemptAt.getTime() - deps.clock.now().getTime()).catch((err) =>
          deps.logger.warn({ err, deliveryId: job.data.deliveryId }, 'could not queue the next webhook try; the sweeper will'),
        );
      }
      return result.outcome;
    },
    { ...queueOptions(config), concurrency: workerOptions.concurrency ?? 8, lockDuration: workerOptions.lockDuration ?? 30_000, stalledInterval: workerOptions.stalledInterval ?? 15_000 },
  );
  worker.on('error', (err) => deps.logger.warn({ err, queue: WEBHOOK_QUEUE }, 'worker error'));
  return {
    queue,
    sweep: (horizonMs) => sweepWebhookDeliveries(deps, queue, horizonMs),
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
