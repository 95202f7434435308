import { createHash } from 'node:crypto';
import { JobsOptions, Queue, QueueOptions } from 'bullmq';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';

/** The queues of the product; every key lives under `config.queuePrefix` so several installs can share one Redis. */
export const QUEUE = {
  /** Scheduled tasks (DESIGN S1, S2): one delayed job per task row. */
  tasks: 'tasks',
  /** Notification e-mails (DESIGN S6): one job per notification row, or one per batch of rows written together. */
  emails: 'emails',
  /** The sweeper's job scheduler (DESIGN S2). */
  maintenance: 'maintenance',
  /** Archive exports (DESIGN S9): one job per export row. */
  exports: 'exports',
  /** Backup copies of archive documents (DESIGN S10): one job per document whose copy is PENDING. */
  backups: 'backups',
  /**
   * The fixity check's job scheduler (DESIGN S10): a queue of its own, so that a run of hours never holds up the
   * sweeper on the maintenance queue.
   */
  fixity: 'fixity',
} as const;

/** Deterministic job ids: the same row always maps to the same job, so adding it twice adds it once. No ':' (BullMQ). */
export const taskJobId = (taskId: string): string => `task-${taskId}`;
export const emailJobId = (notificationId: string): string => `email-${notificationId}`;
/** A batch of notifications written together: its first id and a digest of all of them. */
export const emailBatchJobId = (notificationIds: string[]): string =>
  `emails-${notificationIds[0]}-${createHash('sha1').update(notificationIds.join(',')).digest('hex').slice(0, 16)}`;
export const exportJobId = (exportId: string): string => `export-${exportId}`;
export const backupJobId = (documentId: string): string => `backup-${documentId}`;

/** How many times a task is tried before it is left FAILED for an operator (`npm run cli -- tasks retry <id>`). */
export const DEFAULT_TASK_ATTEMPTS = 8;
/** First retry after this; then doubling: 10 s, 20 s, 40 s … about 21 minutes over 8 attempts. */
export const DEFAULT_TASK_BACKOFF_MS = 10_000;
export const DEFAULT_EMAIL_ATTEMPTS = 10;
export const DEFAULT_EMAIL_BACKOFF_MS = 5_000;

/** Retry policy; the worker process and the producers share it (tests shorten it). */
export interface RetryPolicy {
  taskAttempts: number;
  taskBackoffMs: number;
  emailAttempts: number;
  emailBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  taskAttempts: DEFAULT_TASK_ATTEMPTS,
  taskBackoffMs: DEFAULT_TASK_BACKOFF_MS,
  emailAttempts: DEFAULT_EMAIL_ATTEMPTS,
  emailBackoffMs: DEFAULT_EMAIL_BACKOFF_MS,
};

/**
 * Connection options, not a shared ioredis instance: BullMQ then owns and closes its connections (a shared one is never
 * closed and keeps the process alive). `maxRetriesPerRequest: null` is what BullMQ's blocking commands require.
 */
export function queueConnection(config: Config): QueueOptions['connection'] {
  return { url: config.redisUrl, maxRetriesPerRequest: null } as QueueOptions['connection'];
}

export function queueOptions(config: Config): QueueOptions {
  return { connection: queueConnection(config), prefix: config.queuePrefix };
}

/** Kept long enough for an operator to look; the database row stays the record. */
const KEEP_COMPLETED = { age: 7 * 24 * 3600, count: 10_000 };
/** A job that gave up stays in Redis, so the sweeper can tell "gave up" from "lost" (e-mails) — the row says it for tasks. */
const KEEP_FAILED = { age: 90 * 24 * 3600 };

export function taskJobOptions(policy: RetryPolicy, taskId: string, delay: number): JobsOptions {
  return {
    jobId: taskJobId(taskId),
    delay,
    attempts: policy.taskAttempts,
    backoff: { type: 'exponential', delay: policy.taskBackoffMs },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

export function emailJobOptions(policy: RetryPolicy, notificationId: string): JobsOptions {
  return {
    jobId: emailJobId(notificationId),
    attempts: policy.emailAttempts,
    backoff: { type: 'exponential', delay: policy.emailBackoffMs },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

/**
 * A batch's job: retried like one e-mail's, which only happens when the database or Redis failed it — a message the
 * server refused is handed to its own job (`email-<id>`) instead.
 */
export function emailBatchJobOptions(policy: RetryPolicy, notificationIds: string[]): JobsOptions {
  return { ...emailJobOptions(policy, notificationIds[0]), jobId: emailBatchJobId(notificationIds) };
}

/** An export is tried as often as a task, with the same backoff (DESIGN S9). */
export function exportJobOptions(policy: RetryPolicy, exportId: string): JobsOptions {
  return {
    jobId: exportJobId(exportId),
    attempts: policy.taskAttempts,
    backoff: { type: 'exponential', delay: policy.taskBackoffMs },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

/** A backup copy is tried as often as a task; the sweeper queues it again after that, while the row is PENDING. */
export function backupJobOptions(policy: RetryPolicy, documentId: string): JobsOptions {
  return {
    jobId: backupJobId(documentId),
    attempts: policy.taskAttempts,
    backoff: { type: 'exponential', delay: policy.taskBackoffMs },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  };
}

/** Job states in which a job will still run (or is running): nothing to repair. */
export const LIVE_JOB_STATES = new Set<string>(['delayed', 'waiting', 'active', 'prioritized', 'waiting-children']);

export interface TaskJobData {
  taskId: string;
  /**
   * The due instant the job was scheduled for (ISO). Only used to notice a moved due date; the handler reads the row.
   */
  dueAt: string;
}

/** One notification's e-mail (job `email-<id>`, name 'email'), or a batch's (job `emails-…`, name 'emails'). */
export type EmailJobData = { notificationId: string } | EmailBatchJobData;

export interface EmailBatchJobData {
  notificationIds: string[];
}

export interface ExportJobData {
  exportId: string;
}

export interface BackupJobData {
  documentId: string;
}

/** The producer side: the queues a process adds jobs to. Close them on shutdown. */
export interface ProducerQueues {
  tasks: Queue<TaskJobData>;
  emails: Queue<EmailJobData>;
  exports: Queue<ExportJobData>;
  backups: Queue<BackupJobData>;
  close(): Promise<void>;
}

export function openProducerQueues(config: Config, logger?: Logger): ProducerQueues {
  const tasks = new Queue<TaskJobData>(QUEUE.tasks, queueOptions(config));
  const emails = new Queue<EmailJobData>(QUEUE.emails, queueOptions(config));
  const exportQueue = new Queue<ExportJobData>(QUEUE.exports, queueOptions(config));
  const backups = new Queue<BackupJobData>(QUEUE.backups, queueOptions(config));
  // Without a listener an 'error' event (Redis away) would crash the process; the calls that fail report it too.
  tasks.on('error', (err) => logger?.warn({ err, queue: QUEUE.tasks }, 'queue connection error'));
  emails.on('error', (err) => logger?.warn({ err, queue: QUEUE.emails }, 'queue connection error'));
  exportQueue.on('error', (err) => logger?.warn({ err, queue: QUEUE.exports }, 'queue connection error'));
  backups.on('error', (err) => logger?.warn({ err, queue: QUEUE.backups }, 'queue connection error'));
  return {
    tasks,
    emails,
    exports: exportQueue,
    backups,
    async close() {
      await Promise.all([tasks.close(), emails.close(), exportQueue.close(), backups.close()]);
    },
  };
}
