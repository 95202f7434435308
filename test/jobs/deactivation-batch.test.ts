import pino from 'pino';
import type { Opened } from '../../src/boot';
import { DueTaskRunner, type DueTaskRunnerDeps } from '../../src/tasks/deactivation-batch';
import { runTask } from '../../src/tasks/task-runner';
import { runTasksCommand } from '../../src/tasks/task-commands';
import { taskCommandDeps } from '../support/deps';
import { manyClients } from '../support/fixtures';
import { recordingGeneratorFactory } from './recording-generator';
import {
  auditCount,
  endRelationship,
  Ending,
  eventually,
  EVENING_BEFORE,
  FAST_POLICY,
  JobsApp,
  openSecondRuntime,
  recordingGenerator,
  relationshipStatus,
  startJobsApp,
  tasksOf,
} from './support';

let app: JobsApp;
const extra: Opened[] = [];
afterEach(async () => {
  await app.close();
  for (const o of extra.splice(0)) await o.close();
});

function dueTaskDeps(opened: Opened): DueTaskRunnerDeps {
  const { dataSource, clock, logger, services, emailTrigger } = opened.runtime;
  return { dataSource, clock, logger, audit: services.audit, notices: services.notices, webhookEvents: services.webhookEvents, emailTrigger };
}

/** `n` clients of one partner ended with the generation date 2026-11-28, their generation done, the clock at the due instant. */
async function dueEndings(n: number, options: Parameters<typeof startJobsApp>[0] = {}): Promise<Ending[]> {
  app = await startJobsApp({ data: manyClients(n), now: EVENING_BEFORE, ...options });
  const endings: Ending[] = [];
  for (let i = 0; i < n; i++) endings.push(await endRelationship(app, `c-${String(i).padStart(5, '0')}`, '2026-11-28'));
  app.clock.set(endings[0].tasks[0].dueAt);
  return endings;
}

const generationOf = (e: Ending) => e.tasks.find((t) => t.kind === 'GENERATE_MANDATORY_DATA')!;
const deactivationOf = (e: Ending) => e.tasks.find((t) => t.kind === 'APPLY_DEACTIVATIONS')!;

/** What one relationship's deactivation task left behind, with its own names and ids replaced so that two can be compared. */
async function outcomeOf(ending: Ending) {
  const [client] = await app.sql('SELECT name, organization_number AS orgnr FROM clients WHERE id = ?', [ending.clientId]);
  const plain = (text: unknown) => String(text).split(client.name).join('<client>').split(client.orgnr).join('<orgnr>');
  const accesses = await app.sql('SELECT user_id AS userId, roles, via_partner_id AS via, deactivation_date AS date, deactivated_at AS at FROM client_accesses WHERE client_id = ? ORDER BY user_id', [
    ending.clientId,
  ]);
  const audit = await app.sql("SELECT action, actor_user_id AS actor, api_key_id AS apiKey, request_id AS requestId, `before`, `after`, created_at AS at FROM audit_events WHERE relationship_id = ? AND action IN ('ACCESSES_DEACTIVATED', 'RELATIONSHIP_ARCHIVED') ORDER BY id", [
    ending.relationshipId,
  ]);
  const notices = await app.sql("SELECT user_id AS userId, kind, message, read_at AS readAt, email_sent_at AS sent, dedupe_key AS dedupeKey, created_at AS at FROM notifications WHERE client_id = ? AND kind = 'ARCHIVE_GENERATED' ORDER BY user_id", [
    ending.clientId,
  ]);
  const tasks = await app.sql('SELECT kind, state, attempts, last_error AS lastError, started_at AS startedAt, finished_at AS finishedAt FROM scheduled_tasks WHERE relationship_id = ? ORDER BY kind', [
    ending.relationshipId,
  ]);
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    status: await relationshipStatus(app, ending.relationshipId),
    accesses,
    audit: audit.map((a) => ({ ...a, before: json(a.before), after: json(a.after) })),
    notices: notices.map((n) => ({ ...n, message: plain(n.message), dedupeKey: String(n.dedupeKey).replace(`:${ending.relationshipId}`, ':<rel>') })),
    tasks,
  };
}

it('the batch writes what the single path writes: the same accesses, audit events, task rows, statuses and notices', async () => {
  const endings = await dueEndings(8);
  const deps = dueTaskDeps(app.opened);
  const generator = recordingGenerator(app);
  for (const e of endings) expect((await runTask(deps, generationOf(e).id, { maxAttempts: 3, generator })).outcome).toBe('succeeded');
  // The first four one at a time through the task runner (the ORM path); the other four in one batch.
  for (const e of endings.slice(0, 4)) expect((await runTask(deps, deactivationOf(e).id, { maxAttempts: 3, generator })).outcome).toBe('succeeded');
  const batches: number[] = [];
  const runner = new DueTaskRunner(deps, { maxAttempts: 3, generator, onBatch: (n) => batches.push(n) });
  expect((await runner.run(deactivationOf(endings[4]).id)).outcome).toBe('succeeded');
  expect(batches).toEqual([4]);
  // Their own jobs, when they come, find them done.
  for (const e of endings.slice(5)) expect(await runner.run(deactivationOf(e).id)).toEqual({ outcome: 'skipped', state: 'SUCCEEDED' });

  const single = await outcomeOf(endings[0]);
  expect(single.status).toBe('ARCHIVED');
  expect(single.audit.map((a) => a.action)).toEqual(['ACCESSES_DEACTIVATED', 'RELATIONSHIP_ARCHIVED']);
  expect(single.notices.length).toBeGreaterThan(0);
  expect(single.accesses.filter((a) => a.at !== null)).toHaveLength(2);
  // S4: the partner user who is still the subscription administrator stays active, in the batch as alone.
  expect(single.accesses.find((a) => a.userId === 'u-staff-0')).toMatchObject({ at: null });
  for (const e of endings.slice(1)) expect(await outcomeOf(e)).toEqual(single);
});

it('S2: two runners racing for the same batch (separate connections) apply each task exactly once', async () => {
  const endings = await dueEndings(24, { createMandatoryDataGenerator: recordingGeneratorFactory() });
  const second = await openSecondRuntime(app);
  extra.push(second);
  const generator = recordingGenerator(app);
  for (const e of endings) await runTask(dueTaskDeps(app.opened), generationOf(e).id, { maxAttempts: 3, generator });

  const batches: number[] = [];
  const options = { maxAttempts: 3, generator, batchSize: 10, onBatch: (n: number) => batches.push(n) };
  const runners = [new DueTaskRunner(dueTaskDeps(app.opened), options), new DueTaskRunner(dueTaskDeps(second), options)];
  // Every task's job taken by both processes at once (a duplicate job, the sweeper's copy), in opposite orders.
  const ids = endings.map((e) => deactivationOf(e).id);
  const results = await Promise.all([
    Promise.all(ids.map((id) => runners[0].run(id))),
    Promise.all([...ids].reverse().map((id) => runners[1].run(id))),
  ]);
  // A job whose task another job's batch applied finds it done ('skipped'); none fails.
  const outcomes = results.flat().map((r) => r.outcome);
  expect(outcomes.every((o) => o === 'succeeded' || o === 'skipped')).toBe(true);
  // Batches did the work (a task whose client a batch of the other side held may have run alone).
  expect(batches.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(endings.length);
  expect(Math.max(...batches)).toBeGreaterThan(1);

  for (const e of endings) {
    expect((await tasksOf(app, e.relationshipId)).APPLY_DEACTIVATIONS).toMatchObject({ state: 'SUCCEEDED', attempts: 1, lastError: null });
    expect(await relationshipStatus(app, e.relationshipId)).toBe('ARCHIVED');
    expect(await auditCount(app, 'ACCESSES_DEACTIVATED', e.relationshipId)).toBe(1);
    expect(await auditCount(app, 'RELATIONSHIP_ARCHIVED', e.relationshipId)).toBe(1);
  }
  const [deactivated] = await app.sql("SELECT COUNT(*) AS n FROM client_accesses WHERE deactivated_at IS NOT NULL");
  expect(Number(deactivated.n)).toBe(endings.length * 2);
  const [notices] = await app.sql("SELECT COUNT(*) AS n, COUNT(DISTINCT user_id, client_id) AS d FROM notifications WHERE kind = 'ARCHIVE_GENERATED'");
  expect(Number(notices.n)).toBe(Number(notices.d));
});

it('S2: a relationship whose deactivation fails in the middle of a batch fails alone, with its error and retries; the others succeed exactly once', async () => {
  const logged: Array<{ msg?: string; taskId?: string; relationshipId?: string }> = [];
  const endings = await dueEndings(12, { logger: pino({ level: 'warn' }, { write: (line: string) => logged.push(JSON.parse(line)) }) });
  const failing = endings[6];
  // The database refuses this one relationship's deactivation event (as a broken row or a constraint would).
  await app.sql(
    `CREATE TRIGGER refuse_one_deactivation BEFORE INSERT ON audit_events FOR EACH ROW
       IF NEW.action = 'ACCESSES_DEACTIVATED' AND NEW.relationship_id = ${Number(failing.relationshipId)} THEN
         SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused for the test';
       END IF`,
  );
  const workers = await app.start();
  const others = endings.filter((e) => e !== failing);
  await eventually(async () => {
    const statuses = await Promise.all(others.map((e) => relationshipStatus(app, e.relationshipId)));
    return statuses.every((s) => s === 'ARCHIVED');
  }, 'the others archived');
  const failed = await eventually(async () => {
    const t = (await tasksOf(app, failing.relationshipId)).APPLY_DEACTIVATIONS;
    return t.state === 'FAILED' && t.attempts === FAST_POLICY.taskAttempts && t;
  }, 'the failing one failed for good');
  expect(failed.lastError).toMatch(/^Internal error while applying the deactivations \(reference [0-9a-f]{10}\)$/);
  // It was in a batch with the others, and only it was rolled back there.
  expect(logged.some((l) => l.msg === 'a deactivation failed in its batch; its own job runs it again' && l.taskId === deactivationOf(failing).id)).toBe(true);
  const sizes = await workers.metrics.taskBatchSize.get();
  const count = sizes.values.find((v) => v.metricName === 'task_deactivation_batch_size_count')?.value ?? 0;
  const sum = sizes.values.find((v) => v.metricName === 'task_deactivation_batch_size_sum')?.value ?? 0;
  expect(sum).toBe(others.length);
  expect(count).toBeLessThan(others.length);

  for (const e of others) {
    expect((await tasksOf(app, e.relationshipId)).APPLY_DEACTIVATIONS).toMatchObject({ state: 'SUCCEEDED', attempts: 1, lastError: null });
    expect(await auditCount(app, 'ACCESSES_DEACTIVATED', e.relationshipId)).toBe(1);
    expect(await auditCount(app, 'RELATIONSHIP_ARCHIVED', e.relationshipId)).toBe(1);
  }
  expect(await relationshipStatus(app, failing.relationshipId)).toBe('ENDED');
  expect(await auditCount(app, 'ACCESSES_DEACTIVATED', failing.relationshipId)).toBe(0);
  const [untouched] = await app.sql('SELECT COUNT(*) AS n FROM client_accesses WHERE client_id = ? AND deactivated_at IS NOT NULL', [failing.clientId]);
  expect(Number(untouched.n)).toBe(0);

  // Mended, an operator re-runs it: it succeeds once.
  await app.sql('DROP TRIGGER refuse_one_deactivation');
  expect(await runTasksCommand(taskCommandDeps(app), ['retry', failed.id], () => undefined)).toBe(0);
  await eventually(async () => (await relationshipStatus(app, failing.relationshipId)) === 'ARCHIVED', 'archived after the retry');
  expect((await tasksOf(app, failing.relationshipId)).APPLY_DEACTIVATIONS).toMatchObject({ state: 'SUCCEEDED', attempts: 1, lastError: null });
  expect(await auditCount(app, 'ACCESSES_DEACTIVATED', failing.relationshipId)).toBe(1);
  expect(await auditCount(app, 'RELATIONSHIP_ARCHIVED', failing.relationshipId)).toBe(1);
});
