import 'reflect-metadata';
import os from 'node:os';
import { osloDateOf, systemClock } from '../src/common/clock';
import { openQueueTriggers } from '../src/jobs/triggers';
import { ScheduledTask, TaskState } from '../src/tasks/scheduled-task.entity';
import { ApiServer, startProductProcess } from './lib/api-server';
import { createBenchDatabase, databaseUrl, dropOnInterrupt } from './lib/database';
import { report, secondsSince, Target } from './lib/report';
import { seedPartner } from './lib/seed';
import { startSmtpSink, SmtpSink } from './lib/smtp-sink';
import { CountedUser } from './lib/sql-stats';

const RELATIONSHIPS = Number(process.env.BENCH_RELATIONSHIPS ?? 10_000);
const PARTNER_USERS_PER_CLIENT = 8;
/** The due instant is this far after the seed, leaving time to queue the jobs and start the worker. */
const LEAD_MS = Number(process.env.BENCH_LEAD_MS ?? 45_000);
const TIMEOUT_MS = 20 * 60_000;

/** A DATETIME read as a string (dateStrings), in UTC as the product writes it. */
const utc = (value: string) => new Date(`${value.replace(' ', 'T')}Z`);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const loadAverageAtStart = os.loadavg().map((n) => Math.round(n * 100) / 100);
  const db = await createBenchDatabase('due-tasks');
  let counted: CountedUser | undefined;
  let worker: ApiServer | undefined;
  let smtp: SmtpSink | undefined;
  dropOnInterrupt(db, async () => {
    await worker?.stop();
    await smtp?.close();
    await counted?.drop();
  });
  try {
    const seedStart = process.hrtime.bigint();
    const seed = await seedPartner(db.pool, { clients: RELATIONSHIPS, partnerUsersPerClient: PARTNER_USERS_PER_CLIENT, ownUsersPerClient: 2, extensionsPerClient: 0, partnerUserPool: 400 });
    // Every relationship ended, as endCustomerRelationship leaves it, all due at one instant: the partner's users
    // dated, the generation already done (its task SUCCEEDED), the deactivation task SCHEDULED.
    const dueAt = new Date(Date.now() + LEAD_MS);
    dueAt.setMilliseconds(0);
    const date = osloDateOf(dueAt);
    await db.pool.query(
      "UPDATE customer_relationships SET status = 'ENDED', partner_period_end = ?, responsibility_from = '2023-01', responsibility_to = ?, generation_date = ?, ended_at = ?, ended_by_user_id = ?",
      [date, date.slice(0, 7), date, new Date(), seed.adminUserId],
    );
    await db.pool.query('UPDATE clients SET partner_id = NULL, partner_since = NULL');
    await db.pool.query(
      'UPDATE client_accesses a JOIN customer_relationships r ON r.client_id = a.client_id SET a.deactivation_date = ?, a.deactivation_relationship_id = r.id WHERE a.via_partner_id = ?',
      [date, seed.partnerId],
    );
    await db.pool.query("INSERT INTO scheduled_tasks (relationship_id, kind, state, due_at, attempts, finished_at) SELECT id, 'GENERATE_MANDATORY_DATA', 'SUCCEEDED', ?, 1, ? FROM customer_relationships", [dueAt, dueAt]);
    await db.pool.query("INSERT INTO scheduled_tasks (relationship_id, kind, state, due_at, attempts) SELECT id, 'APPLY_DEACTIVATIONS', 'SCHEDULED', ?, 0 FROM customer_relationships", [dueAt]);
    const seedSeconds = secondsSince(seedStart);

    // Each task gets its delayed job the way the API's after-commit trigger does it (DESIGN S2).
    const enqueueStart = process.hrtime.bigint();
    const [rows] = await db.pool.query<any[]>("SELECT id FROM scheduled_tasks WHERE kind = 'APPLY_DEACTIVATIONS' ORDER BY id");
    const tasks = rows.map((r) => Object.assign(new ScheduledTask(), { id: String(r.id), dueAt, state: TaskState.SCHEDULED }));
    const triggers = openQueueTriggers(db.config, systemClock);
    const lanes = 16;
    await Promise.all(Array.from({ length: lanes }, (_, lane) => triggers.taskTrigger.sync(tasks.filter((_, i) => i % lanes === lane))));
    await triggers.close();
    const enqueueSeconds = secondsSince(enqueueStart);

    counted = await CountedUser.create(db.pool, db.name);
    // The notices' e-mails go to an SMTP server, as in production (without SMTP_URL the worker would only log them).
    smtp = await startSmtpSink();
    worker = await startProductProcess({ mode: 'worker', databaseUrl: databaseUrl(db.name, counted), queuePrefix: db.queuePrefix, env: { SMTP_URL: smtp.url } });
    const slackMs = dueAt.getTime() - Date.now();
    if (slackMs < 1000) throw new Error(`setting up took longer than the lead time (${LEAD_MS} ms); raise BENCH_LEAD_MS`);
    const cpuBefore = worker.cpuSeconds();
    // Also read at the due instant: what the worker spent before it (start-up, sweeps) is split from the tasks' work.
    let cpuAtDue: number | undefined;
    const atDue = setTimeout(() => (cpuAtDue = worker?.cpuSeconds()), Math.max(0, dueAt.getTime() - Date.now()));
    const statements = await counted.during(async () => {
      const deadline = Date.now() + slackMs + TIMEOUT_MS;
      let lastReport = 0;
      for (;;) {
        const [[row]] = await db.pool.query<any[]>("SELECT COUNT(*) AS done FROM scheduled_tasks WHERE kind = 'APPLY_DEACTIVATIONS' AND state = 'SUCCEEDED'");
        const done = Number(row.done);
        if (done === RELATIONSHIPS) break;
        if (Date.now() > deadline) throw new Error(`only ${done} of ${RELATIONSHIPS} tasks succeeded within ${TIMEOUT_MS / 60000} minutes of the due instant`);
        if (Date.now() - lastReport > 15_000 && Date.now() > dueAt.getTime()) {
          lastReport = Date.now();
          process.stderr.write(`  due-tasks: ${done}/${RELATIONSHIPS} succeeded, ${Math.round((Date.now() - dueAt.getTime()) / 1000)} s after the due instant\n`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }, RELATIONSHIPS);
    clearTimeout(atDue);
    const cpuAtEnd = worker.cpuSeconds();
    const workerCpuSeconds = cpuAtEnd - cpuBefore;

    // The notices the archivings wrote are e-mailed by their own jobs, which may still run: wait until every one is
    // marked sent, then check the SMTP server got each exactly once (DESIGN S6).
    const [[{ notices }]] = await db.pool.query<any[]>('SELECT COUNT(*) AS notices FROM notifications');
    const mailDeadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const [[row]] = await db.pool.query<any[]>('SELECT COUNT(*) AS unsent FROM notifications WHERE email_sent_at IS NULL');
      if (Number(row.unsent) === 0) break;
      if (Date.now() > mailDeadline) throw new Error(`${row.unsent} notification e-mails still unsent ${TIMEOUT_MS / 60000} minutes after the tasks`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const allMailedMs = Date.now() - dueAt.getTime();
    const cpuAtMailed = worker.cpuSeconds();
    const workerPeakRssMiB = worker.peakRssMiB();
    await worker.stop();
    worker = undefined;
    const [noticeIds] = await db.pool.query<any[]>('SELECT id FROM notifications');
    const mailedOnce = noticeIds.every((r: { id: unknown }) => smtp!.received.get(`<notification-${r.id}.${db.queuePrefix}@klientadmin>`) === 1);
    const mailsReceived = [...smtp.received.values()].reduce((sum, count) => sum + count, 0);
    const smtpConnections = smtp.connections();
    await smtp.close();
    smtp = undefined;

    // Timings from the rows the worker wrote (its clock), relative to the due instant.
    const [timing] = await db.pool.query<any[]>("SELECT started_at, finished_at, attempts FROM scheduled_tasks WHERE kind = 'APPLY_DEACTIVATIONS'");
    const finished = timing.map((t) => utc(t.finished_at).getTime() - dueAt.getTime()).sort((a, b) => a - b);
    const firstStart = Math.min(...timing.map((t) => utc(t.started_at).getTime())) - dueAt.getTime();
    const allDoneMs = finished[finished.length - 1];

    // Exactly once: one try, one deactivation audit event and one archiving per relationship.
    const [[check]] = await db.pool.query<any[]>(
      `SELECT (SELECT SUM(attempts) FROM scheduled_tasks WHERE kind = 'APPLY_DEACTIVATIONS') AS attempts,
              (SELECT MAX(attempts) FROM scheduled_tasks WHERE kind = 'APPLY_DEACTIVATIONS') AS maxAttempts,
              (SELECT COUNT(*) FROM audit_events WHERE action = 'ACCESSES_DEACTIVATED') AS deactivationEvents,
              (SELECT COUNT(DISTINCT relationship_id) FROM audit_events WHERE action = 'ACCESSES_DEACTIVATED') AS relationshipsDeactivated,
              (SELECT COUNT(*) FROM audit_events WHERE action = 'RELATIONSHIP_ARCHIVED') AS archivedEvents,
              (SELECT COUNT(*) FROM customer_relationships WHERE status = 'ARCHIVED') AS archived,
              (SELECT COUNT(*) FROM client_accesses WHERE deactivated_at IS NOT NULL) AS accessesDeactivated`,
    );
    const n = RELATIONSHIPS;
    const exactlyOnce =
      Number(check.attempts) === n &&
      Number(check.maxAttempts) === 1 &&
      Number(check.deactivationEvents) === n &&
      Number(check.relationshipsDeactivated) === n &&
      Number(check.archivedEvents) === n &&
      Number(check.archived) === n &&
      Number(check.accessesDeactivated) === n * PARTNER_USERS_PER_CLIENT;

    const figures = {
      allSucceededAfterDueSeconds: Math.round(allDoneMs / 10) / 100,
      firstStartedAfterDueMs: firstStart,
      finishedAfterDueMs: { p50: percentile(finished, 50), p90: percentile(finished, 90), p99: percentile(finished, 99), max: allDoneMs },
      tasksPerSecond: Math.round((n / ((allDoneMs - firstStart) / 1000)) * 10) / 10,
      workerCpuMsPerTask: Math.round(((workerCpuSeconds * 1000) / n) * 100) / 100,
      /** Of that, from the due instant on (the rest is the process's start-up and its sweeps before the tasks fell due). */
      workerCpuMsPerTaskFromDue: cpuAtDue === undefined ? null : Math.round((((cpuAtEnd - cpuAtDue) * 1000) / n) * 100) / 100,
      workerPeakRssMiB,
      emails: {
        notices: Number(notices),
        received: mailsReceived,
        eachOnce: mailedOnce,
        smtpConnections,
        allSentAfterDueSeconds: Math.round(allMailedMs / 10) / 100,
        /** Worker CPU per task counting the e-mails too, from its start until the last one was sent. */
        workerCpuMsPerTaskWithEmails: Math.round((((cpuAtMailed - cpuBefore) * 1000) / RELATIONSHIPS) * 100) / 100,
      },
      statementsPerTask: statements,
      exactlyOnce: check,
    };
    const targets: Target[] = [
      { name: 'every APPLY_DEACTIVATIONS task succeeded exactly once', target: 'attempts = audit events = archivings = relationships', value: exactlyOnce ? 'yes' : JSON.stringify(check), pass: exactlyOnce },
      { name: 'every notice e-mailed exactly once (DESIGN S6)', target: 'one message per notification, each marked sent', value: `${mailsReceived} messages for ${Number(notices)} notices`, pass: mailedOnce && mailsReceived === Number(notices) },
      { name: 'worker CPU per task <= 0.5 ms (issue #17)', target: '<= 0.5 ms', value: figures.workerCpuMsPerTask, pass: figures.workerCpuMsPerTask <= 0.5 },
      { name: 'all tasks done <= 10 s after the due instant (issue #17)', target: '<= 10 s', value: figures.allSucceededAfterDueSeconds, pass: figures.allSucceededAfterDueSeconds <= 10 },
    ];
    await report(
      db.pool,
      {
        benchmark: 'due-tasks',
        description: `${n} ended relationships whose APPLY_DEACTIVATIONS tasks fall due at one instant; one worker process (node dist/src/main.js worker) with the default settings, its notice e-mails sent to a local SMTP server`,
        parameters: { relationships: n, partnerAccessesPerClient: PARTNER_USERS_PER_CLIENT, leadMs: LEAD_MS, seedSeconds, enqueueSeconds, enqueueLanes: lanes, loadAverageAtStart },
        figures,
        baseline: { description: 'none: the figure is the time from the due instant until the last task succeeded' },
        ratio: {},
        targets,
        notes: [
          'Generation tasks are seeded as already SUCCEEDED so the run measures deactivation; the relationship is archived by whichever task finishes last, here the deactivation.',
          'The due instant is a time of day rather than 00:00 Europe/Oslo so the run does not wait for midnight; the tasks compare the deactivation date with the Oslo date of their clock.',
          `total run time ${secondsSince(started)} s`,
        ],
      },
      `${n} tasks due at once: all succeeded ${figures.allSucceededAfterDueSeconds} s after the due instant (${figures.tasksPerSecond} tasks/s, p50 ${figures.finishedAfterDueMs.p50} ms), ${figures.workerCpuMsPerTask} ms worker CPU per task (${figures.workerCpuMsPerTaskFromDue} ms from the due instant), ${exactlyOnce ? 'each exactly once' : 'NOT exactly once'}; ${figures.emails.notices} notices e-mailed ${mailedOnce ? 'once each' : 'NOT once each'} over ${smtpConnections} SMTP connections, all ${figures.emails.allSentAfterDueSeconds} s after the due instant, ${figures.emails.workerCpuMsPerTaskWithEmails} ms worker CPU per task with them`,
    );
  } finally {
    await worker?.stop();
    await smtp?.close();
    await counted?.drop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
