import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queue } from 'bullmq';

/** Prometheus metrics of the workers, on the registry they are given (the API's, or the worker process's own). */
export class WorkerMetrics {
  /** How late a task starts after its due instant, by the process clock (DESIGN S7). */
  readonly taskStartDelay: Histogram<'kind'>;
  /** Deactivation tasks applied per batch transaction (DESIGN S2). */
  readonly taskBatchSize: Histogram;
  /** From a job being ready (its delay over) to a worker picking it up. */
  readonly jobWait: Histogram<'queue'>;
  readonly jobDuration: Histogram<'queue' | 'outcome'>;
  readonly jobFailures: Counter<'queue' | 'final'>;
  readonly sweeps: Counter<'outcome'>;
  readonly sweptJobs: Counter<'queue'>;
  /** What the archive's cleanup removed (DESIGN S8, S9). */
  readonly archiveUploadsExpired: Counter;
  readonly archiveExportsExpired: Counter;
  /** The fixity check (DESIGN S10): documents found with no intact copy, copies rebuilt, bytes re-hashed. */
  readonly archiveDocumentsDamaged: Counter;
  readonly archiveCopiesRepaired: Counter<'copy'>;
  readonly archiveFixityBytes: Counter;
  readonly archiveBackupsCopied: Counter;

  constructor(
    readonly registry: Registry,
    queues: Queue[],
  ) {
    const registers = [registry];
    this.taskStartDelay = new Histogram({
      name: 'task_start_delay_seconds',
      help: 'How long after its due instant a scheduled task started, by kind.',
      labelNames: ['kind'],
      buckets: [0.1, 0.5, 1, 2, 5, 15, 60, 300, 3600, 86400],
      registers,
    });
    this.taskBatchSize = new Histogram({
      name: 'task_deactivation_batch_size',
      help: 'APPLY_DEACTIVATIONS tasks applied in one batch transaction.',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250],
      registers,
    });
    this.jobWait = new Histogram({
      name: 'queue_job_wait_seconds',
      help: 'From a job being ready to run to a worker starting it, by queue.',
      labelNames: ['queue'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'queue_job_duration_seconds',
      help: 'How long a job ran, by queue and outcome.',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600, 3600],
      registers,
    });
    this.jobFailures = new Counter({
      name: 'queue_job_failures_total',
      help: 'Failed job tries by queue; final="true" when no retry follows.',
      labelNames: ['queue', 'final'],
      registers,
    });
    this.sweeps = new Counter({ name: 'sweeper_runs_total', help: 'Sweeper runs by outcome.', labelNames: ['outcome'], registers });
    this.sweptJobs = new Counter({
      name: 'sweeper_requeued_jobs_total',
      help: 'Jobs the sweeper put back on a queue (lost by Redis, never queued, or moved).',
      labelNames: ['queue'],
      registers,
    });
    this.archiveUploadsExpired = new Counter({
      name: 'archive_uploads_expired_total',
      help: 'Uploads that expired before they were completed, removed with their bytes by the cleanup job.',
      registers,
    });
    this.archiveExportsExpired = new Counter({
      name: 'archive_exports_expired_total',
      help: 'Archive exports whose download time ran out, their ZIP removed by the cleanup job.',
      registers,
    });
    this.archiveDocumentsDamaged = new Counter({
      name: 'archive_documents_damaged_total',
      help: 'Archive documents the fixity check found with no intact copy (alert on any increase).',
      registers,
    });
    this.archiveCopiesRepaired = new Counter({
      name: 'archive_copies_repaired_total',
      help: 'Copies of archive documents the fixity check rebuilt from the other copy, by copy (original, backup).',
      labelNames: ['copy'],
      registers,
    });
    this.archiveFixityBytes = new Counter({ name: 'archive_fixity_bytes_total', help: 'Bytes the fixity check re-read and hashed.', registers });
    this.archiveBackupsCopied = new Counter({ name: 'archive_backups_copied_total', help: 'Archive documents copied to the backup store and verified.', registers });
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs in each queue by state.',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        for (const queue of queues) {
          const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'prioritized').catch(() => null);
          if (!counts) continue;
          for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
        }
      },
    });
    new Gauge({
      name: 'queue_oldest_waiting_job_age_seconds',
      help: 'Age of the oldest job ready to run but not started, by queue (0 when none).',
      labelNames: ['queue'],
      registers,
      async collect() {
        for (const queue of queues) {
          const [oldest] = await queue.getJobs(['waiting'], 0, 0, true).catch(() => []);
          // Operational age in Redis' job-timestamp frame (the producers' wall clocks), not a business rule.
          const readyAt = oldest ? oldest.timestamp + (oldest.delay ?? 0) : null;
          this.set({ queue: queue.name }, readyAt ? Math.max(0, (Date.now() - readyAt) / 1000) : 0);
        }
      },
    });
  }
}
