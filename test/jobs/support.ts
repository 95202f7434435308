import { ScheduledTask, TaskKind, TaskState } from '../../src/tasks/scheduled-task.entity';
import { Viewer } from '../../src/auth/viewer';
import { openRuntime, Opened } from '../../src/boot';
import { Client } from '../../src/clients/client.entity';
import { toGlobalId } from '../../src/common/global-id';
import { runInTransaction } from '../../src/db/unit-of-work';
import { PartnerMembership, PartnerRight } from '../../src/partners/partner-membership.entity';
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
 * 23:59:59 in Oslo on 27 November 2026: an app started then ends a relationship with the generation date 2026-11-28
 * (the earliest, E3) whose tasks are due a second later; moving the clock to `ending.tasks[0].dueAt` makes them due.
 */
export const EVENING_BEFORE = '2026-11-27T22:59:59.000Z';

/**
 * Ends the client's active relationship through the ending service, as `endCustomerRelationship` does (E4, S1): by a
 * CLIENT_ADMIN of its partner, for the responsibility period 2025-01 to 2026-10, on the clock's day. Its two tasks are
 * due at 00:00 Europe/Oslo on the generation date and queued after commit, delayed from the clock's now.
 */
export async function endRelationship(app: TestApp, clientId: string, generationDate: string): Promise<Ending> {
  const { dataSource, services, logger } = app.opened.runtime;
  const client = await dataSource.getRepository(Client).findOneByOrFail({ id: clientId });
  const members = await dataSource.getRepository(PartnerMembership).find({ where: { partnerId: client.partnerId ?? '' }, order: { userId: 'ASC' } });
  const admin = members.find((m) => m.rights.includes(PartnerRight.CLIENT_ADMIN));
  if (!admin) throw new Error(`client ${clientId} has no partner with a CLIENT_ADMIN member to end it`);
  const caller = { viewer: (await Viewer.load(dataSource, admin.userId))!, actor: { userId: admin.userId, requestId: null } };
  const input = { clientId: toGlobalId('Client', clientId), responsibilityFrom: '2025-01', responsibilityTo: '2026-10', generationDate };
  const result = await runInTransaction(dataSource, (uow) => services.endings.end(uow, caller, input), { rollbackIf: (r) => r.userErrors.length > 0, logger });
  if (result.userErrors.length > 0) throw new Error(`the ending was refused: ${JSON.stringify(result.userErrors)}`);
  const relationshipId = result.relationship!.id;
  const tasks = await dataSource.getRepository(ScheduledTask).find({ where: { relationshipId }, order: { id: 'ASC' } });
  return { relationshipId, clientId, generationDate, tasks };
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
