import pino from 'pino';
import type { Opened } from '../../src/boot';
import { runTasksCommand } from '../../src/tasks/task-commands';
import { dataOf } from '../support/test-app';
import { taskCommandDeps } from '../support/deps';
import { openProducerQueues } from '../../src/jobs/queues';
import { manyClients } from '../support/fixtures';
import { recordingGeneratorFactory } from './recording-generator';
import { TcpProxy } from './tcp-proxy';
import {
  auditCount,
  deleteQueueKeys,
  endRelationship,
  Ending,
  eventually,
  EVENING_BEFORE,
  FAST_POLICY,
  JobsApp,
  openSecondRuntime,
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

/** Every task of every ending ran exactly once: one try each, one deactivation and one archiving per relationship. */
async function expectEachTaskRanOnce(endings: Ending[]): Promise<void> {
  for (const ending of endings) {
    const tasks = await tasksOf(app, ending.relationshipId);
    expect(Object.values(tasks).map((t) => [t.state, t.attempts])).toEqual([
      ['SUCCEEDED', 1],
      ['SUCCEEDED', 1],
    ]);
    expect(await relationshipStatus(app, ending.relationshipId)).toBe('ARCHIVED');
    expect(await auditCount(app, 'ACCESSES_DEACTIVATED', ending.relationshipId)).toBe(1);
    expect(await auditCount(app, 'RELATIONSHIP_ARCHIVED', ending.relationshipId)).toBe(1);
  }
  const [docs] = await app.sql('SELECT COUNT(*) AS n, COUNT(DISTINCT relationship_id) AS d FROM archive_documents');
  expect([Number(docs.n), Number(docs.d)]).toEqual([endings.length, endings.length]);
}

it('S2: after every queue key is deleted, the sweeper restores the jobs and every pending task runs once, at its time', async () => {
  // 5 s before 00:00 Oslo on 28 November: the first ending's tasks are due 5 s after the clock's now; Redis loses their
  // jobs long before they would fire.
  app = await startJobsApp({ now: '2026-11-27T22:59:55.000Z' });
  const workers = await app.start();
  const a = await endRelationship(app, 'c-fjord', '2026-11-28');
  const soon = a.tasks[0].dueAt;
  const b = await endRelationship(app, 'c-tinde', '2026-12-15'); // due 00:00 Oslo, 15 Dec: far beyond the sweep horizon
  // Redis loses everything (FLUSHALL, a failover without AOF) before the jobs fire.
  expect(await deleteQueueKeys(app)).toBeGreaterThan(0);

  app.clock.set(soon);
  const swept = await workers.sweepNow();
  expect(swept.tasksRequeued).toBe(2); // a's two tasks; b is not near yet
  await eventually(async () => (await relationshipStatus(app, a.relationshipId)) === 'ARCHIVED', 'first ending archived');
  expect((await tasksOf(app, b.relationshipId)).APPLY_DEACTIVATIONS.state).toBe('SCHEDULED');

  // Within the horizon of b's due instant the sweeper queues it, delayed until then.
  app.clock.set(new Date(b.tasks[0].dueAt.getTime() - 300));
  expect((await workers.sweepNow()).tasksRequeued).toBe(2);
  const queues = openProducerQueues(app.opened.runtime.config);
  try {
    expect(await queues.tasks.getJobState(`task-${b.tasks[0].id}`)).toBe('delayed');
  } finally {
    await queues.close();
  }
  app.clock.set(b.tasks[0].dueAt);
  await eventually(async () => (await relationshipStatus(app, b.relationshipId)) === 'ARCHIVED', 'second ending archived');
  // The sweep scheduler (itself a Redis key) is back too.
  expect(await app.opened.redis.exists(`${app.queuePrefix}:maintenance:repeat:sweep`)).toBe(1);
  // Sweeping again finds nothing to do, and nothing runs twice.
  expect((await workers.sweepNow()).tasksRequeued).toBe(0);
  await expectEachTaskRanOnce([a, b]);
});

it('S2: two worker processes (separate connections) run each task exactly once', async () => {
  const calls: string[] = [];
  app = await startJobsApp({ data: manyClients(12), now: EVENING_BEFORE, createMandatoryDataGenerator: recordingGeneratorFactory(calls) });
  const second = await openSecondRuntime(app, undefined, recordingGeneratorFactory(calls));
  extra.push(second);
  const w1 = await app.start({ taskConcurrency: 4 });
  const w2 = await app.start({ taskConcurrency: 4 }, second);

  const endings: Ending[] = [];
  for (let i = 0; i < 12; i++) endings.push(await endRelationship(app, `c-${String(i).padStart(5, '0')}`, '2026-11-28'));
  app.clock.set(endings[0].tasks[0].dueAt);
  // Duplicate triggers from every side at once: both sweepers, a second sync and a second queuing of every task.
  const tasks = endings.flatMap((e) => e.tasks);
  await Promise.all([w1.sweepNow(), w2.sweepNow(), app.opened.runtime.taskTrigger.sync(tasks), app.opened.runtime.taskTrigger.created(tasks)]);

  await eventually(async () => {
    const [row] = await app.sql("SELECT COUNT(*) AS n FROM customer_relationships WHERE status = 'ARCHIVED'");
    return Number(row.n) === endings.length;
  }, 'all archived');
  await expectEachTaskRanOnce(endings);
  expect(calls.sort()).toEqual(endings.map((e) => e.relationshipId).sort());
});

it('MySQL unreachable for a while: the worker retries with backoff, the sweeper takes over when retries run out, no task is lost', async () => {
  app = await startJobsApp({ now: EVENING_BEFORE });
  const db = new URL(app.opened.runtime.config.databaseUrl);
  const proxy = new TcpProxy(db.hostname, Number(db.port || 3306));
  const proxied = new URL(db);
  proxied.port = String(await proxy.listen());
  proxied.hostname = '127.0.0.1';
  // The worker process reaches MySQL only through the proxy; the test (the API) reaches it directly.
  const workerSide = await openSecondRuntime(app, proxied.toString());
  extra.push(workerSide);
  const workers = await app.start({ policy: { taskAttempts: 6, taskBackoffMs: 100, emailAttempts: 3, emailBackoffMs: 50 } }, workerSide);
  try {
    // 1. A short outage: BullMQ's retries (100, 200, 400, 800 ms …) outlast it.
    proxy.down();
    const a = await endRelationship(app, 'c-fjord', '2026-11-28');
    app.clock.set(a.tasks[0].dueAt);
    await eventually(async () => {
      const counted = await workers.metrics.jobFailures.get();
      return counted.values.reduce((sum, v) => sum + v.value, 0) >= 2;
    }, 'tries failing while MySQL is away');
    proxy.up();
    await eventually(async () => (await relationshipStatus(app, a.relationshipId)) === 'ARCHIVED', 'first ending archived after the outage');

    // 2. A long outage: every retry fails and BullMQ gives the jobs up; the rows are still SCHEDULED, so the
    //    sweeper (every minute in production; called here) queues them again once MySQL is back.
    proxy.down();
    // A day later, again a second before Oslo midnight, another ending due at that midnight.
    app.clock.set('2026-11-28T22:59:59.000Z');
    const b = await endRelationship(app, 'c-tinde', '2026-11-29');
    app.clock.set(b.tasks[0].dueAt);
    const queues = openProducerQueues(app.opened.runtime.config);
    try {
      await eventually(
        async () => (await Promise.all(b.tasks.map((t) => queues.tasks.getJobState(`task-${t.id}`)))).every((s) => s === 'failed'),
        'jobs given up during the outage',
      );
    } finally {
      await queues.close();
    }
    expect((await tasksOf(app, b.relationshipId)).APPLY_DEACTIVATIONS.state).toBe('SCHEDULED');
    proxy.up();
    expect((await workers.sweepNow()).tasksRequeued).toBe(2);
    await eventually(async () => (await relationshipStatus(app, b.relationshipId)) === 'ARCHIVED', 'second ending archived after the sweep');
    await expectEachTaskRanOnce([a, b]);
  } finally {
    proxy.up();
    for (const w of app.workers.splice(0)) await w.stop();
    await proxy.close();
  }
});

it('a generation failing with a file system error shows partners and operators a public message with a reference; the path is only in the log line with that reference', async () => {
  const logged: Array<{ reference?: string; err?: { message: string } }> = [];
  app = await startJobsApp({
    now: EVENING_BEFORE,
    logger: pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) }),
    createMandatoryDataGenerator: () => ({
      async generate() {
        throw Object.assign(new Error("EACCES: permission denied, open '/srv/x'"), { code: 'EACCES' });
      },
    }),
  });
  await app.start();
  const ending = await endRelationship(app, 'c-fjord', '2026-11-28');
  app.clock.set(ending.tasks[0].dueAt);
  await eventually(async () => {
    const t = (await tasksOf(app, ending.relationshipId)).GENERATE_MANDATORY_DATA;
    return t.state === 'FAILED' && t.attempts === FAST_POLICY.taskAttempts;
  }, 'generation failed for good');

  const archive = dataOf(await app.gql('{ archive(first: 10) { edges { node { tasks { kind state lastError } } } } }', {}, 'u-kari'));
  const generation = archive.archive.edges[0].node.tasks.find((t: { kind: string }) => t.kind === 'GENERATE_MANDATORY_DATA');
  expect(generation.state).toBe('FAILED');
  expect(generation.lastError).not.toContain('/srv/x');
  const [, reference] = /^Internal error while generating the archive \(reference ([0-9a-f]{10})\)$/.exec(generation.lastError) ?? [];
  expect(reference).toBeDefined();

  const listed: string[] = [];
  expect(await runTasksCommand(taskCommandDeps(app), ['FAILED'], (line) => listed.push(line))).toBe(0);
  expect(listed.join('\n')).toContain(`Internal error while generating the archive (reference ${reference})`);
  expect(listed.join('\n')).not.toContain('/srv/x');

  // The operator finds the whole error by the reference.
  const line = logged.find((l) => l.reference === reference);
  expect(line?.err?.message).toBe("EACCES: permission denied, open '/srv/x'");
});

