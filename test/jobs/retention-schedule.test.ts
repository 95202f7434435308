import { Queue } from 'bullmq';
import { QUEUE, queueOptions } from '../../src/jobs/queues';
import { endRelationship, JobsApp, startJobsApp } from './support';

describe('S5: archive retention runs from the worker, yearly on 1 January Europe/Oslo', () => {
  let app: JobsApp;
  let maintenance: Queue;
  beforeAll(async () => {
    app = await startJobsApp();
    maintenance = new Queue(QUEUE.maintenance, queueOptions(app.opened.runtime.config));
  });
  afterAll(async () => {
    await maintenance.close();
    await app.close();
  });

  it('starting the workers schedules retention at 00:00 on 1 January, Europe/Oslo', async () => {
    await app.start();
    const scheduler = await maintenance.getJobScheduler('archive-retention');
    expect(scheduler).toMatchObject({ pattern: '0 0 1 1 *', tz: 'Europe/Oslo' });
    const next = new Date(Number(scheduler!.next));
    expect(next.getUTCMonth()).toBe(11); // 31 December 23:00Z = 1 January 00:00 in Oslo (winter time)
    expect(next.getUTCDate()).toBe(31);
    expect(next.getUTCHours()).toBe(23);
  });

  it('a retention job deletes the documents past their duty and audits each deletion', async () => {
    const { relationshipId } = await endRelationship(app, 'c-fjord', '2026-12-15');
    const insert = `INSERT INTO archive_documents (relationship_id, client_id, kind, fiscal_year, fiscal_year_end, file_name, content_type, byte_size, sha256, storage_key, created_at)
      VALUES (?, 'c-fjord', 'SAFT_FINANCIAL', ?, ?, ?, 'application/xml', 0, REPEAT('0', 64), ?, NOW(3))`;
    await app.sql(insert, [relationshipId, 2020, '2020-12-31', 'old.xml', `c-fjord/${relationshipId}/2020/old.xml`]);
    await app.sql(insert, [relationshipId, 2022, '2022-12-31', 'kept.xml', `c-fjord/${relationshipId}/2022/kept.xml`]);
    // The clock says 2026-11-28: fiscal year 2020 ended more than 5 years ago, 2022 did not.
    const job = await maintenance.add('retention', {});
    for (let i = 0; i < 100 && !(await job.isCompleted()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await job.isCompleted()).toBe(true);
    expect(await app.sql('SELECT fiscal_year FROM archive_documents ORDER BY fiscal_year')).toEqual([{ fiscal_year: 2022 }]);
    const audited = await app.sql("SELECT COUNT(*) n FROM audit_events WHERE action = 'ARCHIVE_DOCUMENT_DELETED'");
    expect(Number(audited[0].n)).toBe(1);
  });
});
