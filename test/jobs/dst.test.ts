import { osloDateOf, osloMidnight } from '../../src/common/clock';
import { openProducerQueues } from '../../src/jobs/queues';
import { endRelationship, eventually, JobsApp, relationshipStatus, startJobsApp } from './support';

let app: JobsApp;
afterEach(async () => {
  await app.close();
});

// 00:00 Europe/Oslo on the generation date, on the two days the clocks change in 2027.
const CASES = [
  { generationDate: '2027-03-28', dueAt: '2027-03-27T23:00:00.000Z', what: 'spring forward (CET, +01:00, at midnight)' },
  { generationDate: '2027-10-31', dueAt: '2027-10-30T22:00:00.000Z', what: 'fall back (CEST, +02:00, at midnight)' },
];

describe.each(CASES)('S1/S7: due at 00:00 Europe/Oslo on $generationDate, $what', ({ generationDate, dueAt }) => {
  it('is due at that instant, not a minute earlier, and deactivates as of that Oslo date', async () => {
    expect(osloMidnight(generationDate).toISOString()).toBe(dueAt);
    expect(osloDateOf(new Date(Date.parse(dueAt) - 1))).not.toBe(generationDate);
    expect(osloDateOf(new Date(dueAt))).toBe(generationDate);

    // The evening before, 300 ms before Oslo midnight.
    app = await startJobsApp({ now: new Date(Date.parse(dueAt) - 300).toISOString() });
    const workers = await app.start();
    const ending = await endRelationship(app, 'c-fjord', generationDate);
    const queues = openProducerQueues(app.opened.runtime.config);
    try {
      const job = await queues.tasks.getJob(`task-${ending.tasks[0].id}`);
      expect(job!.delay).toBe(300);
      expect(job!.data.dueAt).toBe(dueAt);
    } finally {
      await queues.close();
    }
    // The jobs fire after 300 ms of real time, but the clock still says the evening before: they wait.
    await eventually(async () => {
      const durations = await workers.metrics.jobDuration.get();
      return durations.values.some((v) => v.metricName?.endsWith('_count') && v.labels.outcome === 'deferred' && v.value >= 2);
    }, 'both tasks woken early and deferred');
    expect(Number((await app.sql('SELECT COUNT(*) AS n FROM client_accesses WHERE deactivated_at IS NOT NULL'))[0].n)).toBe(0);
    // Midnight comes.

    app.clock.set(dueAt);
    await eventually(async () => (await relationshipStatus(app, ending.relationshipId)) === 'ARCHIVED', 'archived at midnight');
    const deactivated = await app.sql("SELECT user_id AS u, deactivated_at AS at FROM client_accesses WHERE client_id = 'c-fjord' AND deactivated_at IS NOT NULL ORDER BY user_id");
    expect(deactivated).toEqual([
      { u: 'u-ingrid', at: new Date(dueAt) },
      { u: 'u-per', at: new Date(dueAt) },
    ]);
  });
});
