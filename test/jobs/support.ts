import { ScheduledTask, TaskKind, TaskState } from '../../src/tasks/scheduled-task.entity';
import { openRuntime, Opened } from '../../src/boot';
import { osloMidnight } from '../../src/common/clock';
import { runInTransaction } from '../../src/db/unit-of-work';
import type { QueueTriggers } from '../../src/jobs/triggers';
import { RetryPolicy } from '../../src/jobs/queues';
import type { RuntimeParts } from '../../src/runtime';
import { recordingGenerator, recordingGeneratorFactory } from './recording-generator';
import { startWorkers, RunningWorkers, WorkerOptions } from '../../src/jobs/worker';
import { startTestApp, TestApp, TestAppOptions } from '../support/test-app';
import { smallWorld } from '../support/fixtures';

/** Short retries so failure paths finish in well under a second. */
export const FAST_POLICY: RetryPolicy = { taskAttempts: 3, taskBackoffMs: 50, emailAttempts: 3, emailBackoffMs: 50 };

export interface JobsApp extends TestApp {
  triggers: QueueTriggers;
  workers: RunningWorkers[];
  start(options?: WorkerOptions, opened?: Opened): Promise<RunningWorkers>;
}

/**
 * A test app (own database and queue prefix) whose runtime queues tasks and e-mails after commit. The SAF-T generator
 * has its own tests; here a recording one (unless `createMandatoryDataGenerator` says otherwise) shows what the task
 * runner does.
 */
export async function startJobsApp(options: TestAppOptions = {}): Promise<JobsApp> {
  const app = await startTestApp({ data: smallWorld(), createMandatoryDataGenerator: recordingGeneratorFactory(), ...options, queues: FAST_POLICY });
  const triggers = app.triggers!;
  const workers: RunningWorkers[] = [];
  const close = app.close;
  return Object.assign(app, {
    triggers,
    workers,
    async start(workerOptions: WorkerOptions = {}, opened: Opened = app.opened) {
      const w = await startWorkers(opened, { policy: FAST_POLICY, sweepEveryMs: 60_000, ...workerOptions });
      workers.push(w);
      return w;
    },
    async close() {
      for (const w of workers.splice(0)) await w.stop();
      await close();
    },
  });
}

export interface Ending {
  relationshipId: string;
  clientId: string;
  generationDate: string;
  tasks: ScheduledTask[];
}

/**
 * Ends the client's active relationship the way the ending mutation does (E4, S1), written directly: partner code
 * removed, relationship ENDED, the partner's accesses get the deactivation date, two task rows — queued after commit.
 * `dueAt` defaults to 00:00 Europe/Oslo on the generation date.
 */
export async function endRelationship(app: TestApp, clientId: string, generationDate: string, dueAt?: Date): Promise<Ending> {
  const { runtime } = app.opened;
  return runInTransaction(runtime.dataSource, async (uow) => {
    const [client] = await uow.manager.query('SELECT partner_id AS partnerId FROM clients WHERE id = ? FOR UPDATE', [clientId]);
    const [rel] = await uow.manager.query("SELECT id FROM customer_relationships WHERE client_id = ? AND status = 'ACTIVE' FOR UPDATE", [clientId]);
    await uow.manager.query('UPDATE clients SET partner_id = NULL WHERE id = ?', [clientId]);
    await uow.manager.query(
      "UPDATE customer_relationships SET status = 'ENDED', generation_date = ?, responsibility_from = '2025-01', responsibility_to = '2026-10', ended_at = ? WHERE id = ?",
      [generationDate, runtime.clock.now(), rel.id],
    );
    await uow.manager.query('UPDATE client_accesses SET deactivation_date = ?, deactivation_relationship_id = ? WHERE client_id = ? AND via_partner_id = ?', [
      generationDate,
      rel.id,
      clientId,
      client.partnerId,
    ]);
    const due = dueAt ?? osloMidnight(generationDate);
    const repo = uow.repo(ScheduledTask);
    const tasks = [TaskKind.GENERATE_MANDATORY_DATA, TaskKind.APPLY_DEACTIVATIONS].map((kind) =>
      repo.create({ relationshipId: String(rel.id), kind, state: TaskState.SCHEDULED, dueAt: due, attempts: 0, lastError: null, startedAt: null, finishedAt: null }),
    );
    await repo.save(tasks);
    uow.onCommit(() => runtime.taskTrigger.sync(tasks));
    return { relationshipId: String(rel.id), clientId, generationDate, tasks };
  });
}

export { recordingGenerator };

export interface TaskRow {
  id: string;
  kind: TaskKind;
  state: TaskState;
  attempts: number;
  lastError: string | null;
}

export async function tasksOf(app: TestApp, relationshipId: string): Promise<Record<string, TaskRow>> {
  const rows = await app.sql<TaskRow>('SELECT id, kind, state, attempts, last_error AS lastError FROM scheduled_tasks WHERE relationship_id = ?', [relationshipId]);
  return Object.fromEntries(rows.map((r) => [r.kind, { ...r, id: String(r.id), attempts: Number(r.attempts) }]));
}

export async function relationshipStatus(app: TestApp, relationshipId: string): Promise<string> {
  const [row] = await app.sql('SELECT status FROM customer_relationships WHERE id = ?', [relationshipId]);
  return row.status;
}

export async function auditCount(app: TestApp, action: string, relationshipId: string): Promise<number> {
  const [row] = await app.sql('SELECT COUNT(*) AS n FROM audit_events WHERE action = ? AND relationship_id = ?', [action, relationshipId]);
  return Number(row.n);
}

/**
 * A second process's view: its own connections to the app's database (and, optionally, another DATABASE_URL), with a
 * recording generator (or the one `createMandatoryDataGenerator` makes).
 */
export async function openSecondRuntime(
  app: TestApp,
  databaseUrl = app.opened.runtime.config.databaseUrl,
  createMandatoryDataGenerator: RuntimeParts['createMandatoryDataGenerator'] = recordingGeneratorFactory(),
): Promise<Opened> {
  return openRuntime({ ...app.opened.runtime.config, databaseUrl }, { clock: app.clock, migrate: false, dataSource: { poolSize: 10 }, createMandatoryDataGenerator });
}

/** Polls until `check` holds (no timing assertion: the jest timeout is the only limit). */
export async function eventually<T>(check: () => Promise<T | false | undefined | null>, what: string, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for: ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function deleteQueueKeys(app: TestApp): Promise<number> {
  const keys = await app.opened.redis.keys(`${app.queuePrefix}:*`);
  if (keys.length) await app.opened.redis.del(...keys);
  return keys.length;
}
