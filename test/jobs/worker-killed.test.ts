import { spawn } from 'node:child_process';
import path from 'node:path';
import { auditCount, endRelationship, eventually, EVENING_BEFORE, JobsApp, relationshipStatus, startJobsApp, tasksOf } from './support';

let app: JobsApp;
afterEach(async () => {
  await app?.close();
});

it('S2: a worker killed (SIGKILL) in the middle of its tasks: they run again to the same end state, nothing duplicated', async () => {
  app = await startJobsApp({ now: EVENING_BEFORE });
  // Queued at once, due a second later; no worker runs until the child starts.
  const ending = await endRelationship(app, 'c-fjord', '2026-11-28');
  app.clock.set(ending.tasks[0].dueAt);
  // Hold the client row lock (as a long mutation would), so the child's deactivation blocks inside its transaction.
  const blocker = app.opened.runtime.dataSource.createQueryRunner();
  await blocker.connect();
  await blocker.startTransaction();
  await blocker.query("SELECT id FROM clients WHERE id = 'c-fjord' FOR UPDATE");

  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'child', 'ts-register.js'), path.join(__dirname, 'child', 'worker-process.ts')], {
    env: { ...process.env, CHILD_CONFIG: JSON.stringify(app.opened.runtime.config), CHILD_NOW: app.clock.now().toISOString() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  try {
    await eventually(async () => output.includes(`GENERATING ${ending.relationshipId}`), 'the child generating').catch((e) => {
      throw new Error(`${e.message}; child output: ${output}`);
    });
    await eventually(async () => {
      const t = await tasksOf(app, ending.relationshipId);
      return t.APPLY_DEACTIVATIONS.state === 'RUNNING' && t.GENERATE_MANDATORY_DATA.state === 'RUNNING';
    }, 'both tasks claimed by the child');
    // The deactivation cannot finish while the client row is held; usually it is seen waiting for that lock inside its
    // transaction. Not required: claimed (RUNNING) is already "in the middle".
    await eventually(async () => {
      const [waiting] = await app.sql(
        `SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
         WHERE t.trx_state = 'LOCK WAIT' AND p.DB = ?`,
        [app.databaseName],
      );
      return Number(waiting.n) > 0;
    }, 'the child deactivating, blocked in its transaction', 3000).catch(() => undefined);
    const midway = await tasksOf(app, ending.relationshipId);
    expect(midway.GENERATE_MANDATORY_DATA).toMatchObject({ state: 'RUNNING', attempts: 1 });
    expect(midway.APPLY_DEACTIVATIONS).toMatchObject({ state: 'RUNNING', attempts: 1 });
  } finally {
    child.kill('SIGKILL');
    await exited;
    await blocker.rollbackTransaction();
    await blocker.release();
  }
  expect(await exited).toBe('SIGKILL');

  // Another worker takes the jobs over once the dead worker's locks expire (BullMQ stalled-job check).
  await app.start({ lockDurationMs: 1000, stalledIntervalMs: 250 });
  await eventually(async () => (await relationshipStatus(app, ending.relationshipId)) === 'ARCHIVED', 'archived by the second worker');
  const tasks = await tasksOf(app, ending.relationshipId);
  expect(tasks.GENERATE_MANDATORY_DATA).toMatchObject({ state: 'SUCCEEDED', attempts: 2 });
  expect(tasks.APPLY_DEACTIVATIONS).toMatchObject({ state: 'SUCCEEDED', attempts: 2 });
  const [docs] = await app.sql('SELECT COUNT(*) AS n FROM archive_documents WHERE relationship_id = ?', [ending.relationshipId]);
  expect(Number(docs.n)).toBe(1);
  expect(await auditCount(app, 'ACCESSES_DEACTIVATED', ending.relationshipId)).toBe(1);
  expect(await auditCount(app, 'RELATIONSHIP_ARCHIVED', ending.relationshipId)).toBe(1);
  const deactivated = await app.sql("SELECT user_id AS u FROM client_accesses WHERE client_id = 'c-fjord' AND deactivated_at IS NOT NULL ORDER BY user_id");
  expect(deactivated.map((r) => r.u)).toEqual(['u-ingrid', 'u-per']);
});
