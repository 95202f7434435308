import { Queue } from 'bullmq';
import { SaftMandatoryDataGenerator } from '../../src/archive/saft-generator';
import { QUEUE, queueOptions } from '../../src/jobs/queues';
import { uploadOne, archiveWorld, SAMPLES } from '../archive/upload-helpers';
import { documentsOf, endRelationship, EXAMPLE_130, importSaft } from '../ledger/ledger-helpers';
import { overwriteStored, storedBytes } from '../support/archive-files';
import { eventually, JobsApp, startJobsApp } from './support';

describe('S10: the backup copies and the fixity check run from the workers (a local archive with a backup folder)', () => {
  let app: JobsApp;
  let fixity: Queue;
  let relationshipId: string;
  beforeAll(async () => {
    app = await startJobsApp({
      data: archiveWorld(),
      backup: 'local',
      createMandatoryDataGenerator: (deps) => new SaftMandatoryDataGenerator(deps),
      env: { ARCHIVE_FIXITY_SCHEDULE: '30 2 * * 1' },
    });
    fixity = new Queue(QUEUE.fixity, queueOptions(app.opened.runtime.config));
  });
  afterAll(async () => {
    await fixity?.close();
    await app?.close();
  });
  const backupStates = async () => (await app.sql('SELECT backup_state FROM archive_documents ORDER BY id')).map((r) => r.backup_state);

  it('starting the workers schedules the fixity check on ARCHIVE_FIXITY_SCHEDULE, Europe/Oslo, on a queue of its own', async () => {
    await app.start();
    expect(await fixity.getJobScheduler('archive-fixity')).toMatchObject({ pattern: '30 2 * * 1', tz: 'Europe/Oslo' });
  });

  it('the sweeper queues a backup copy for every PENDING document, and an upload is copied as soon as it is completed', async () => {
    await importSaft(app, 'c-example', EXAMPLE_130);
    relationshipId = await endRelationship(app, 'c-example', '2025-01', '2025-12', '2026-02-01');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    expect(await backupStates()).toEqual(Array(7).fill('PENDING'));
    expect(await app.workers[0].sweepNow()).toMatchObject({ backupsChecked: 7, backupsRequeued: 7 });
    await eventually(async () => (await backupStates()).every((s) => s === 'VERIFIED'), 'seven verified copies');

    await uploadOne(app, 'u-kari', relationshipId, SAMPLES.pdf);
    await eventually(async () => (await backupStates()).length === 8 && (await backupStates()).every((s) => s === 'VERIFIED'), 'the upload copied without a sweep');
    const backup = app.opened.runtime.services.archiveBackupStorage!;
    for (const d of await documentsOf(app, relationshipId)) expect((await storedBytes(app, d.storageKey, backup))!.equals((await storedBytes(app, d.storageKey))!)).toBe(true);
  });

  it('a fixity job rebuilds a lost original from the backup, and counts it in the metrics', async () => {
    const [document] = await documentsOf(app, relationshipId);
    const bytes = (await storedBytes(app, document.storageKey))!;
    await app.opened.runtime.services.archiveStorage.delete(document.storageKey);
    const job = await fixity.add('archive-fixity', {});
    await eventually(async () => job.isCompleted(), 'the fixity job done');
    expect(await job.getState()).toBe('completed');
    expect((await storedBytes(app, document.storageKey))!.equals(bytes)).toBe(true);
    const metric = await app.workers[0].metrics.archiveCopiesRepaired.get();
    expect(metric.values).toContainEqual(expect.objectContaining({ labels: { copy: 'original' }, value: 1 }));
    const [row] = await app.sql('SELECT integrity FROM archive_documents WHERE id = ?', [document.id]);
    expect(row.integrity).toBe('INTACT');
  });

  it('a backup copy whose original is not the recorded bytes is not made: the document is DAMAGED and the partner alerted', async () => {
    const [, document] = await documentsOf(app, relationshipId);
    const backup = app.opened.runtime.services.archiveBackupStorage!;
    await backup.delete(document.storageKey);
    await overwriteStored(app, document.storageKey, Buffer.from('not the recorded bytes'));
    await app.sql("UPDATE archive_documents SET backup_state = 'PENDING' WHERE id = ?", [document.id]);
    expect(await app.workers[0].sweepNow()).toMatchObject({ backupsRequeued: 1 });
    await eventually(async () => (await app.sql('SELECT integrity FROM archive_documents WHERE id = ?', [document.id]))[0].integrity === 'DAMAGED', 'marked DAMAGED');
    expect(await backup.size(document.storageKey)).toBeNull();
    expect(await app.sql("SELECT user_id FROM notifications WHERE kind = 'ARCHIVE_DOCUMENT_DAMAGED'")).toEqual([{ user_id: 'u-kari' }]);
    // Not queued again while it is damaged.
    expect(await app.workers[0].sweepNow()).toMatchObject({ backupsChecked: 0 });
  });
});
