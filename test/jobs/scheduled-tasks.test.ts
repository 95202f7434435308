import { openProducerQueues } from '../../src/jobs/queues';
import { runTask } from '../../src/tasks/task-runner';
import { TaskState } from '../../src/tasks/scheduled-task.entity';
import { DomainError } from '../../src/common/domain-errors';
import { runTasksCommand } from '../../src/tasks/task-commands';
import { dataOf } from '../support/test-app';
import { taskCommandDeps, taskRunnerDeps } from '../support/deps';
import { recordingGeneratorFactory } from './recording-generator';
import { auditCount, endRelationship, eventually, EVENING_BEFORE, FAST_POLICY, JobsApp, recordingGenerator, relationshipStatus, startJobsApp, tasksOf } from './support';

let app: JobsApp;
afterEach(async () => {
  await app.close();
});

const accessesOf = (clientId: string) =>
  app.sql<{ userId: string; deactivatedAt: Date | null }>('SELECT user_id AS userId, deactivated_at AS deactivatedAt FROM client_accesses WHERE client_id = ? ORDER BY user_id', [clientId]);

describe('S2: after commit each task is a delayed job with a deterministic id', () => {
  it('queues task-<id> delayed until its due instant, moves it with the date, removes it on cancel', async () => {
    app = await startJobsApp();
    const ending = await endRelationship(app, 'c-fjord', '2026-12-15');
    const queues = openProducerQueues(app.opened.runtime.config);
    const { tasks } = queues;
    try {
      for (const task of ending.tasks) {
        const job = await tasks.getJob(`task-${task.id}`);
        expect(await job!.getState()).toBe('delayed');
        // 00:00 Oslo on 15 Dec (23:00Z on the 14th) minus the clock's 2026-11-28T12:00Z.
        expect(job!.delay).toBe(Date.parse('2026-12-14T23:00:00Z') - Date.parse('2026-11-28T12:00:00Z'));
        expect(job!.data).toEqual({ taskId: task.id, dueAt: '2026-12-14T23:00:00.000Z' });
      }
      // Queuing the ending's new tasks again (a retry of the after-commit step) adds nothing and moves nothing.
      await app.opened.runtime.taskTrigger.created(ending.tasks);
      expect((await tasks.getJobCounts('delayed')).delayed).toBe(2);
      expect((await tasks.getJob(`task-${ending.tasks[0].id}`))!.delay).toBe(Date.parse('2026-12-14T23:00:00Z') - Date.parse('2026-11-28T12:00:00Z'));

      // E7: a new generation date moves the job.
      const [first] = ending.tasks;
      first.dueAt = new Date('2026-12-20T23:00:00Z');
      await app.sql('UPDATE scheduled_tasks SET due_at = ? WHERE id = ?', [first.dueAt, first.id]);
      await app.opened.runtime.taskTrigger.sync([first]);
      const moved = await tasks.getJob(`task-${first.id}`);
      expect(moved!.delay).toBe(Date.parse('2026-12-20T23:00:00Z') - Date.parse('2026-11-28T12:00:00Z'));
      expect(moved!.data.dueAt).toBe('2026-12-20T23:00:00.000Z');

      // E12: cancelled → no job.
      first.state = TaskState.CANCELLED;
      await app.opened.runtime.taskTrigger.sync([first]);
      expect(await tasks.getJobState(`task-${first.id}`)).toBe('unknown');
      // Syncing the same task twice adds nothing.
      await app.opened.runtime.taskTrigger.sync([ending.tasks[1], ending.tasks[1]]);
      expect((await tasks.getJobCounts('delayed')).delayed).toBe(1);
    } finally {
      await queues.close();
    }
  });
});

describe('S4: at the generation date', () => {
  it("deactivates the partner's users, keeps the subscription administrator, and archives after both tasks", async () => {
    const generated: string[] = [];
    // 300 ms before 00:00 Oslo on 28 November, the generation date.
    app = await startJobsApp({ now: '2026-11-27T22:59:59.700Z', createMandatoryDataGenerator: recordingGeneratorFactory(generated) });
    await app.start();
    // Due 300 ms after the clock's now: the job waits that long in real time; the clock is moved to the due instant.
    const ending = await endRelationship(app, 'c-fjord', '2026-11-28');
    const { dueAt } = ending.tasks[0];
    app.clock.set(dueAt);

    await eventually(async () => (await relationshipStatus(app, ending.relationshipId)) === 'ARCHIVED', 'relationship archived');
    const tasks = await tasksOf(app, ending.relationshipId);
    expect(tasks.GENERATE_MANDATORY_DATA).toMatchObject({ state: 'SUCCEEDED', attempts: 1, lastError: null });
    expect(tasks.APPLY_DEACTIVATIONS).toMatchObject({ state: 'SUCCEEDED', attempts: 1, lastError: null });

    const accesses = Object.fromEntries((await accessesOf('c-fjord')).map((a) => [a.userId, a.deactivatedAt]));
    expect(accesses['u-per']).toEqual(dueAt);
    expect(accesses['u-ingrid']).toEqual(dueAt);
    // u-kari is still the subscription administrator: stays active until the role is handed over.
    expect(accesses['u-kari']).toBeNull();
    // The client's own staff are untouched.
    expect(accesses['u-ola']).toBeNull();
    expect(accesses['u-eva']).toBeNull();

    const [audit] = await app.sql("SELECT actor_user_id AS actor, `after` FROM audit_events WHERE action = 'ACCESSES_DEACTIVATED' AND relationship_id = ?", [
      ending.relationshipId,
    ]);
    expect(audit.actor).toBeNull();
    const after = typeof audit.after === 'string' ? JSON.parse(audit.after) : audit.after;
    expect(after).toEqual({ deactivatedUserIds: ['u-per', 'u-ingrid'], keptUserIds: ['u-kari'], date: '2026-11-28' });
    expect(await auditCount(app, 'RELATIONSHIP_ARCHIVED', ending.relationshipId)).toBe(1);
    expect(generated).toEqual([ending.relationshipId]);
  });

  it('a task woken before its due instant does nothing and waits (S7: due by the process clock)', async () => {
    app = await startJobsApp();
    const ending = await endRelationship(app, 'c-fjord', '2026-12-15');
    const task = ending.tasks[1];
    app.clock.set(new Date(task.dueAt.getTime() - 1));
    const result = await runTask(taskRunnerDeps(app), task.id, { maxAttempts: 3, generator: recordingGenerator(app) });
    expect(result).toEqual({ outcome: 'not-due', dueAt: task.dueAt });
    expect((await tasksOf(app, ending.relationshipId)).APPLY_DEACTIVATIONS).toMatchObject({ state: 'SCHEDULED', attempts: 0 });
    expect((await accessesOf('c-fjord')).every((a) => a.deactivatedAt === null)).toBe(true);
  });
});

describe('S3: a generation that keeps failing fails visibly, never succeeds for nothing', () => {
  it('retries with backoff, stays FAILED with a clear lastError (visible in the archive), and `tasks retry` re-runs it', async () => {
    // The generator fails with a message for users until what it lacks is mended (here: a switch an operator turns).
    const GENERATION_FAILED = "the client's books do not cover the responsibility period";
    let mended = false;
    app = await startJobsApp({
      now: EVENING_BEFORE,
      createMandatoryDataGenerator: (deps) => {
        const recording = recordingGeneratorFactory()(deps);
        return {
          async generate(relationshipId) {
            if (!mended) throw new DomainError(GENERATION_FAILED);
            await recording.generate(relationshipId);
          },
        };
      },
    });
    await app.start();
    const ending = await endRelationship(app, 'c-fjord', '2026-11-28');
    app.clock.set(ending.tasks[0].dueAt);
    await eventually(async () => (await tasksOf(app, ending.relationshipId)).GENERATE_MANDATORY_DATA.attempts === FAST_POLICY.taskAttempts, 'all tries used');
    await eventually(async () => (await tasksOf(app, ending.relationshipId)).APPLY_DEACTIVATIONS.state === 'SUCCEEDED', 'deactivations done');
    const generation = await eventually(async () => {
      const t = (await tasksOf(app, ending.relationshipId)).GENERATE_MANDATORY_DATA;
      return t.state === 'FAILED' && t;
    }, 'generation failed');
    expect(generation.lastError).toBe(GENERATION_FAILED);
    expect(await relationshipStatus(app, ending.relationshipId)).toBe('ENDED');

    // The sweeper leaves a task that used up its tries alone.
    expect((await app.workers[0].sweepNow()).tasksRequeued).toBe(0);

    const archive = dataOf(await app.gql('{ archive(first: 10) { edges { node { status tasks { kind state attempts lastError } } } } }', {}, 'u-kari'));
    const node = archive.archive.edges[0].node;
    expect(node.status).toBe('ENDED');
    expect(node.tasks).toEqual(
      expect.arrayContaining([{ kind: 'GENERATE_MANDATORY_DATA', state: 'FAILED', attempts: FAST_POLICY.taskAttempts, lastError: GENERATION_FAILED }]),
    );

    // The cause is mended; an operator re-runs the task.
    mended = true;
    const lines: string[] = [];
    expect(await runTasksCommand(taskCommandDeps(app), ['FAILED'], (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toContain(`${generation.id}\tFAILED\tGENERATE_MANDATORY_DATA`);
    expect(await runTasksCommand(taskCommandDeps(app), ['retry', generation.id], (l) => lines.push(l))).toBe(0);
    await eventually(async () => (await relationshipStatus(app, ending.relationshipId)) === 'ARCHIVED', 'archived after the retry');
    expect((await tasksOf(app, ending.relationshipId)).GENERATE_MANDATORY_DATA).toMatchObject({ state: 'SUCCEEDED', attempts: 1, lastError: null });
    expect(await auditCount(app, 'TASK_RETRIED', ending.relationshipId)).toBe(1);
    // Retrying a task that is not FAILED is refused.
    expect(await runTasksCommand(taskCommandDeps(app), ['retry', generation.id], (l) => lines.push(l))).toBe(1);
  });
});
