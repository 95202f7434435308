import { DelayedError, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { cleanUpArchive, type CleanupResult } from '../archive/archive-cleanup';
import { ExportAttemptFailed, runExport } from '../archive/export-runner';
import { applyRetention } from '../archive/retention';
import { copyToBackup } from '../archive/backup';
import { CopyMismatchError } from '../archive/archive-storage';
import { verifyArchive, type FixitySummary } from '../archive/fixity';
import { notifyExpiringArchives } from '../archive/retention-notices';
import type { Opened } from '../boot';
import { BUSINESS_ZONE, osloToday } from '../common/clock';
import { createMailer, Mailer, sendNotificationEmail, sendNotificationEmails } from '../notifications/email';
import { DueTaskRunner } from '../tasks/deactivation-batch';
import { TaskAttemptFailed } from '../tasks/task-runner';
import { BackupJobData, DEFAULT_RETRY_POLICY, EmailJobData, ExportJobData, openProducerQueues, QUEUE, queueOptions, RetryPolicy, TaskJobData } from './queues';
import { queueOwnEmailJobs } from './email-queue';
import { DEFAULT_SWEEP_HORIZON_MS, sweep, sweepBackups, SweepResult } from './sweeper';
import { WorkerMetrics } from './worker-metrics';
import { DEFAULT_WEBHOOK_POLICY, type WebhookPolicy } from '../integrations/webhook-delivery';
import { startWebhookWorker, WEBHOOK_QUEUE } from '../integrations/webhook-queue';
import { fixityDeps } from '../runtime';

/** A running set of workers, stopped on shutdown. */
export interface RunningWorkers {
  /** Stops taking jobs, lets running ones finish, closes the queue connections. */
  stop(): Promise<void>;
  /** One sweep, now, in this process (what the scheduled sweep does). */
  sweepNow(): Promise<SweepResult>;
  /** One run of the archive's cleanup, now, in this process (what the scheduled cleanup does). */
  cleanUpArchiveNow(): Promise<CleanupResult>;
  /** One fixity check of the whole archive, now, in this process (what the scheduled check does). */
  verifyArchiveNow(): Promise<FixitySummary>;
  metrics: WorkerMetrics;
}

export interface WorkerOptions {
  policy?: Partial<RetryPolicy>;
  /** How often the sweeper runs; default one minute. */
  sweepEveryMs?: number;
  sweepHorizonMs?: number;
  /** BullMQ job lock: a job whose worker died is taken over this long after its last lock renewal. Default 30 s. */
  lockDurationMs?: number;
  /** How often stalled jobs (their worker died) are looked for; default half the lock duration. */
  stalledIntervalMs?: number;
  taskConcurrency?: number;
  /** Deactivation tasks due together applied in one transaction; default DEACTIVATION_BATCH_SIZE (100), 1 for none. */
  taskBatchSize?: number;
  emailConcurrency?: number;
  /** Registry for the worker metrics; default a new one (a worker-only process serves no HTTP). */
  registry?: Registry;
  /** Where e-mails go; default from SMTP_URL. */
  mailer?: Mailer;
  exportConcurrency?: number;
  /** Webhook delivery tries and giving up (docs/integrations.md); default DEFAULT_WEBHOOK_POLICY. */
  webhookPolicy?: WebhookPolicy;
  webhookConcurrency?: number;
  backupConcurrency?: number;
}

const SWEEP_SCHEDULER_ID = 'sweep';
/** Retention (DESIGN S5) runs yearly at 00:00 on 1 January, Europe/Oslo. */
const RETENTION_SCHEDULER_ID = 'archive-retention';
const RETENTION_SCHEDULE = { pattern: '0 0 1 1 *', tz: BUSINESS_ZONE };
/** The administrators of clients whose archive folders retention will delete soon are told daily, 06:00 Europe/Oslo (S11). */
const EXPIRY_NOTICES_SCHEDULER_ID = 'archive-expiry-notices';
const EXPIRY_NOTICES_SCHEDULE = { pattern: '0 6 * * *', tz: BUSINESS_ZONE };
/** Expired uploads and exports are removed every ten minutes (DESIGN S8, S9). */
const ARCHIVE_CLEANUP_SCHEDULER_ID = 'archive-cleanup';
export const ARCHIVE_CLEANUP_EVERY_MS = 10 * 60_000;
/** The fixity check (DESIGN S10), on ARCHIVE_FIXITY_SCHEDULE (weekly by default), Europe/Oslo. */
const FIXITY_SCHEDULER_ID = 'archive-fixity';

/**
 * Starts the queue workers and the sweeper (DESIGN S2, S6) on the process's runtime. Time comes only from
 * `runtime.clock` (S7) — and BullMQ promotes delayed jobs by this process's wall clock — so a worker started under
 * libfaketime (`FAKETIME="+3d" FAKETIME_DONT_FAKE_MONOTONIC=1`) runs the tasks due on that day, as it would then.
 */
export async function startWorkers(opened: Opened, options: WorkerOptions = {}): Promise<RunningWorkers> {
  const { runtime } = opened;
  const { config, logger, clock, dataSource, services } = runtime;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  const producers = openProducerQueues(config, logger);
  const maintenance = new Queue(QUEUE.maintenance, queueOptions(config));
  maintenance.on('error', (err) => logger.warn({ err, queue: QUEUE.maintenance }, 'queue connection error'));
  const metrics = new WorkerMetrics(options.registry ?? new Registry(), [producers.tasks, producers.emails, producers.exports, producers.backups]);
  const backupStore = services.archiveBackupStorage;
  // A new document's copy is queued at once after a task recorded it; the sweeper queues whatever that missed.
  const queueBackups = async () => {
    if (backupStore) await sweepBackups(dataSource, producers, policy).catch((err) => logger.warn({ err }, 'could not queue backup copies; the sweeper will'));
  };
  const mailer = options.mailer ?? createMailer(config, logger);

  const workerOptions = {
    ...queueOptions(config),
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? Math.floor((options.lockDurationMs ?? 30_000) / 2),
  };
  const readyAt = (job: Job) => job.timestamp + (job.delay ?? 0);
  const taskDeps = { dataSource, clock, logger, audit: services.audit, notices: services.notices, webhookEvents: services.webhookEvents, emailTrigger: runtime.emailTrigger };
  // Deactivation tasks due together are applied in batches; every other task runs alone (`runTask`).
  const dueTasks = new DueTaskRunner(taskDeps, {
    maxAttempts: policy.taskAttempts,
    generator: runtime.mandatoryDataGenerator,
    batchSize: options.taskBatchSize,
    onStart: (task, lateByMs) => {
      metrics.taskStartDelay.observe({ kind: task.kind }, Math.max(0, lateByMs) / 1000);
      logger.info({ taskId: task.id, kind: task.kind, attempt: task.attempts, lateByMs }, 'task started');
    },
    onBatch: (applied) => metrics.taskBatchSize.observe(applied),
  });
  // Webhook deliveries (docs/integrations.md): rows are the truth; each try is a job.
  const webhooks = startWebhookWorker(config, {
    dataSource, clock, logger, secrets: services.integrationSecrets, notifications: services.notifications,
    policy: options.webhookPolicy ?? DEFAULT_WEBHOOK_POLICY, allowPrivate: config.webhookAllowPrivate, resolve: runtime.webhookResolver,
  }, { concurrency: options.webhookConcurrency, lockDuration: workerOptions.lockDuration, stalledInterval: workerOptions.stalledInterval });

  const tasks = new Worker<TaskJobData>(
    QUEUE.tasks,
    async (job, token) => {
      metrics.jobWait.observe({ queue: QUEUE.tasks }, Math.max(0, Date.now() - readyAt(job)) / 1000);
      const end = metrics.jobDuration.startTimer({ queue: QUEUE.tasks });
      try {
        const result = await dueTasks.run(job.data.taskId);
        if (result.outcome === 'not-due') {
          // Woken early (producer and worker clocks disagree, or the date moved): sleep until the row's due instant.
          // BullMQ timestamps are this process's wall clock; the wait is measured on the runtime clock.
          const waitMs = Math.max(1, result.dueAt.getTime() - clock.now().getTime());
          await job.moveToDelayed(Date.now() + waitMs, token);
          end({ outcome: 'deferred' });
          throw new DelayedError();
        }
        end({ outcome: result.outcome });
        await queueBackups();
        return result.outcome;
      } catch (error) {
        if (error instanceof DelayedError) throw error;
        end({ outcome: 'failed' });
        const permanent = error instanceof TaskAttemptFailed && error.permanent;
        const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        metrics.jobFailures.inc({ queue: QUEUE.tasks, final: String(final) });
        logger.warn({ err: error, taskId: job.data.taskId, attempt: job.attemptsMade + 1, final }, 'task failed');
        if (permanent) throw new UnrecoverableError((error as Error).message);
        throw error;
      }
    },
    { ...workerOptions, concurrency: options.taskConcurrency ?? 2 },
  );

  const emailDeps = { dataSource, clock, logger, config };
  const emails = new Worker<EmailJobData>(
    QUEUE.emails,
    async (job) => {
      metrics.jobWait.observe({ queue: QUEUE.emails }, Math.max(0, Date.now() - readyAt(job)) / 1000);
      const end = metrics.jobDuration.startTimer({ queue: QUEUE.emails });
      try {
        if ('notificationIds' in job.data) {
          const result = await sendNotificationEmails(emailDeps, mailer, job.data.notificationIds);
          // A refused message is retried by its own job, with the single path's backoff; a row another sender holds
          // gets its own job too, which finds it sent (or sends it should that sender give up).
          for (const { notificationId, error } of result.failed) {
            metrics.jobFailures.inc({ queue: QUEUE.emails, final: 'false' });
            logger.warn({ err: error, notificationId, attempt: 1, final: false }, 'e-mail failed');
          }
          if (result.failed.length > 0) await queueOwnEmailJobs(producers.emails, policy, result.failed.map((f) => f.notificationId), true);
          if (result.locked.length > 0) await queueOwnEmailJobs(producers.emails, policy, result.locked, false);
          end({ outcome: 'batch' });
          return { sent: result.sent.length, done: result.done.length, locked: result.locked.length, failed: result.failed.length };
        }
        const outcome = await sendNotificationEmail(emailDeps, mailer, job.data.notificationId);
        end({ outcome });
        return outcome;
      } catch (error) {
        end({ outcome: 'failed' });
        const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        metrics.jobFailures.inc({ queue: QUEUE.emails, final: String(final) });
        const which = 'notificationIds' in job.data ? { notificationIds: job.data.notificationIds } : { notificationId: job.data.notificationId };
        logger.warn({ err: error, ...which, attempt: job.attemptsMade + 1, final }, 'e-mail failed');
        throw error;
      }
    },
    { ...workerOptions, concurrency: options.emailConcurrency ?? 4 },
  );

  // Archive exports (S9): the row is re-read and claimed by the runner; a failed try is retried with backoff.
  const exportDeps = { dataSource, storage: services.archiveStorage, clock, logger, notifications: services.notifications, exportTtlSeconds: config.archiveExportTtlSeconds, webhookEvents: services.webhookEvents };
  const exportWorker = new Worker<ExportJobData>(
    QUEUE.exports,
    async (job) => {
      metrics.jobWait.observe({ queue: QUEUE.exports }, Math.max(0, Date.now() - readyAt(job)) / 1000);
      const end = metrics.jobDuration.startTimer({ queue: QUEUE.exports });
      try {
        const result = await runExport(exportDeps, job.data.exportId, { maxAttempts: policy.taskAttempts });
        end({ outcome: result.outcome });
        return result.outcome;
      } catch (error) {
        end({ outcome: 'failed' });
        const permanent = error instanceof ExportAttemptFailed && error.permanent;
        const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        metrics.jobFailures.inc({ queue: QUEUE.exports, final: String(final) });
        logger.warn({ err: error, exportId: job.data.exportId, attempt: job.attemptsMade + 1, final }, 'archive export failed');
        if (permanent) throw new UnrecoverableError((error as Error).message);
        throw error;
      }
    },
    { ...workerOptions, concurrency: options.exportConcurrency ?? 1 },
  );

  // Backup copies (S10): each job copies one document and checks the copy's SHA-256; the row says what is left to do.
  const backupWorker = backupStore
    ? new Worker<BackupJobData>(
        QUEUE.backups,
        async (job) => {
          const end = metrics.jobDuration.startTimer({ queue: QUEUE.backups });
          try {
            const outcome = await copyToBackup({ dataSource, clock, logger, storage: services.archiveStorage, backup: backupStore }, job.data.documentId);
            if (outcome === 'copied') metrics.archiveBackupsCopied.inc();
            end({ outcome });
            return outcome;
          } catch (error) {
            if (error instanceof CopyMismatchError) {
              // The original is not the recorded bytes: no retry makes a good copy. The fixity check of this one
              // document marks it DAMAGED and alerts (or finds it repaired meanwhile).
              logger.error({ err: error, documentId: job.data.documentId }, 'the original of an archive document is not the recorded bytes');
              await verifyArchiveNow({ documentId: job.data.documentId });
              end({ outcome: 'original-damaged' });
              return 'original-damaged';
            }
            end({ outcome: 'failed' });
            const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
            metrics.jobFailures.inc({ queue: QUEUE.backups, final: String(final) });
            logger.warn({ err: error, documentId: job.data.documentId, attempt: job.attemptsMade + 1, final }, 'archive backup copy failed');
            throw error;
          }
        },
        { ...workerOptions, concurrency: options.backupConcurrency ?? 2 },
      )
    : null;

  const verifyArchiveNow = async (only: { documentId?: string } = {}): Promise<FixitySummary> => {
    const summary = await verifyArchive({
      ...fixityDeps(runtime),
      onDamaged: () => metrics.archiveDocumentsDamaged.inc(),
      onRepaired: (copy) => metrics.archiveCopiesRepaired.inc({ copy }),
    }, only);
    metrics.archiveFixityBytes.inc(summary.bytesRead);
    return summary;
  };

  const cleanUpArchiveNow = async (): Promise<CleanupResult> => {
    const result = await cleanUpArchive({ dataSource, storage: services.archiveStorage, clock, logger });
    metrics.archiveUploadsExpired.inc(result.uploadsRemoved);
    metrics.archiveExportsExpired.inc(result.exportsExpired);
    return result;
  };

  // The scheduler lives in Redis; if Redis lost it, every worker process puts it back (each sweep, and each period).
  const ensureScheduler = async () => {
    if (await maintenance.getJobScheduler(SWEEP_SCHEDULER_ID)) return;
    await maintenance.upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: sweepEveryMs }, { name: 'sweep', data: {} });
  };

  const sweepNow = async (): Promise<SweepResult> => {
    await ensureScheduler().catch((err) => logger.warn({ err }, 'could not check the sweep scheduler'));
    try {
      const result = await sweep({ dataSource, clock, logger }, producers, { policy, horizonMs: options.sweepHorizonMs ?? DEFAULT_SWEEP_HORIZON_MS, backups: backupStore !== null });
      metrics.sweeps.inc({ outcome: 'ok' });
      metrics.sweptJobs.inc({ queue: QUEUE.tasks }, result.tasksRequeued);
      metrics.sweptJobs.inc({ queue: QUEUE.emails }, result.emailsRequeued);
      metrics.sweptJobs.inc({ queue: QUEUE.exports }, result.exportsRequeued);
      metrics.sweptJobs.inc({ queue: QUEUE.backups }, result.backupsRequeued);
      const hooks = await webhooks.sweep(options.sweepHorizonMs ?? DEFAULT_SWEEP_HORIZON_MS);
      metrics.sweptJobs.inc({ queue: WEBHOOK_QUEUE }, hooks.requeued);
      return { ...result, webhooksChecked: hooks.checked, webhooksRequeued: hooks.requeued };
    } catch (error) {
      metrics.sweeps.inc({ outcome: 'failed' });
      throw error;
    }
  };

  // One maintenance job at a time across all worker processes: each scheduler makes one job per period.
  const sweeper = new Worker(
    QUEUE.maintenance,
    async (job) => {
      if (job.name === ARCHIVE_CLEANUP_SCHEDULER_ID) return cleanUpArchiveNow();
      if (job.name === EXPIRY_NOTICES_SCHEDULER_ID) {
        return notifyExpiringArchives({ dataSource, notices: services.notices, logger }, osloToday(clock), config.archiveExpiryNoticeDays);
      }
      if (job.name !== 'retention') return sweepNow();
      const result = await applyRetention({ dataSource, storage: services.archiveStorage, backup: services.archiveBackupStorage, audit: services.audit, logger }, osloToday(clock));
      logger.info({ ...result }, 'archive retention applied');
      return result;
    },
    { ...workerOptions, concurrency: 1 },
  );
  await maintenance.upsertJobScheduler(RETENTION_SCHEDULER_ID, RETENTION_SCHEDULE, { name: 'retention', data: {} });
  await maintenance.upsertJobScheduler(ARCHIVE_CLEANUP_SCHEDULER_ID, { every: ARCHIVE_CLEANUP_EVERY_MS }, { name: ARCHIVE_CLEANUP_SCHEDULER_ID, data: {} });
  // One fixity run at a time across all worker processes; a run that takes longer than a period delays the next.
  const fixityQueue = new Queue(QUEUE.fixity, queueOptions(config));
  fixityQueue.on('error', (err) => logger.warn({ err, queue: QUEUE.fixity }, 'queue connection error'));
  const fixityWorker = new Worker(QUEUE.fixity, async () => verifyArchiveNow(), { ...workerOptions, concurrency: 1 });
  if (config.archiveFixitySchedule) {
    await fixityQueue.upsertJobScheduler(FIXITY_SCHEDULER_ID, { pattern: config.archiveFixitySchedule, tz: BUSINESS_ZONE }, { name: FIXITY_SCHEDULER_ID, data: {} });
  } else {
    await fixityQueue.removeJobScheduler(FIXITY_SCHEDULER_ID);
  }
  await maintenance.upsertJobScheduler(EXPIRY_NOTICES_SCHEDULER_ID, EXPIRY_NOTICES_SCHEDULE, { name: EXPIRY_NOTICES_SCHEDULER_ID, data: {} });

  for (const worker of [tasks, emails, exportWorker, sweeper, fixityWorker, ...(backupWorker ? [backupWorker] : [])]) {
    worker.on('error', (err) => logger.warn({ err, queue: worker.name }, 'worker error'));
  }

  const keepScheduler = setInterval(() => {
    ensureScheduler().catch((err) => logger.warn({ err }, 'could not check the sweep scheduler'));
  }, sweepEveryMs);
  keepScheduler.unref();

  // At start-up: sweep once here, whatever other processes do (work lost while every worker was down runs now).
  await sweepNow().catch((err) => logger.error({ err }, 'start-up sweep failed; the scheduled sweep will retry'));
  logger.info({ prefix: config.queuePrefix, sweepEveryMs }, 'workers started');

  let stopped: Promise<void> | undefined;
  return {
    metrics,
    sweepNow,
    cleanUpArchiveNow,
    verifyArchiveNow,
    stop() {
      stopped ??= (async () => {
        clearInterval(keepScheduler);
        // close() waits for running jobs to finish; their locks are released, so nothing waits for a stall check.
        await Promise.all([tasks.close(), emails.close(), exportWorker.close(), sweeper.close(), fixityWorker.close(), backupWorker?.close(), webhooks.close()]);
        await Promise.all([producers.close(), maintenance.close(), fixityQueue.close()]);
        mailer.close();
      })();
      return stopped;
    },
  };
}
