import { createHash } from 'node:crypto';
import { runCli, type CliRun } from '../support/cli-process';
import { copyToBackup, pendingBackupIds } from '../../src/archive/backup';
import { verifyArchive, type FixityDeps } from '../../src/archive/fixity';
import { migrateStorage } from '../../src/archive/migrate-storage';
import { LocalFolderStorage } from '../../src/archive/archive-storage';
import { applyRetention } from '../../src/archive/retention';
import { S3ObjectStorage } from '../../src/archive/s3-storage';
import { openRuntime, StartupError } from '../../src/boot';
import { systemClock } from '../../src/common/clock';
import { toGlobalId } from '../../src/common/global-id';
import { loadConfig } from '../../src/config/config';
import { createConnection } from 'mysql2/promise';
import { documentsOf, endRelationship, EXAMPLE_130, importSaft } from '../ledger/ledger-helpers';
import { retentionDeps } from '../support/deps';
import { overwriteStored, storedBytes } from '../support/archive-files';
import { startS3Server, TEST_BUCKET } from '../support/s3-server';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';
import { archiveWorld, complete, itemOf, put, reserve, SAMPLES } from './upload-helpers';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** An ended relationship of c-example with its mandatory data generated (thirteen documents for 2025). */
async function generated(app: TestApp): Promise<string> {
  await importSaft(app, 'c-example', EXAMPLE_130);
  const relationshipId = await endRelationship(app, 'c-example', '2025-01', '2025-12', '2026-02-01');
  await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
  return relationshipId;
}

function fixityDeps(app: TestApp): FixityDeps {
  const { dataSource, clock, logger, services } = app.opened.runtime;
  return { dataSource, clock, logger, audit: services.audit, notifications: services.notifications, storage: services.archiveStorage, backup: services.archiveBackupStorage, bytesPerSecond: 1024 ** 3 };
}

const DOCUMENTS = `query($id: ID!) { node(id: $id) { ... on CustomerRelationship { documents { id fileName backupStatus backupVerifiedAt integrity integrityCheckedAt } } } }`;

describe('S10: a backup kept apart, and the fixity check (original and backup in two S3 buckets)', () => {
  let app: TestApp;
  let relationshipId: string;
  const documentsView = async () => dataOf(await app.gql(DOCUMENTS, { id: toGlobalId('CustomerRelationship', relationshipId) }, 'u-kari')).node.documents as Array<Record<string, any>>;

  beforeAll(async () => {
    app = await startTestApp({ data: archiveWorld(), s3: true, backup: 's3' });
    relationshipId = await generated(app);
  });
  afterAll(async () => app?.close());

  it('every recorded document gets a verified backup copy, shown per document in the archive', async () => {
    expect((await documentsView()).map((d) => d.backupStatus)).toEqual(Array(13).fill('PENDING'));
    const pending = await pendingBackupIds(app.opened.runtime.dataSource, 100);
    expect(pending).toHaveLength(13);
    const deps = backupDeps(app);
    for (const id of pending) expect(await copyToBackup(deps, id)).toBe('copied');
    for (const id of pending) expect(await copyToBackup(deps, id)).toBe('verified-before');
    const view = await documentsView();
    expect(view.map((d) => d.backupStatus)).toEqual(Array(13).fill('VERIFIED'));
    expect(view.every((d) => d.backupVerifiedAt !== null && d.integrity === 'UNCHECKED')).toBe(true);
    const [document] = await documentsOf(app, relationshipId);
    expect((await storedBytes(app, document.storageKey, app.opened.runtime.services.archiveBackupStorage!))!.equals((await storedBytes(app, document.storageKey))!)).toBe(true);
  });

  it('the fixity check rebuilds a lost original and a corrupt backup from the good copy, and marks a document with no good copy DAMAGED (audited, partner notified, still listed)', async () => {
    const { archiveStorage, archiveBackupStorage } = app.opened.runtime.services;
    const [lostOriginal, corruptBackup, bothBad] = await documentsOf(app, relationshipId);
    const originalBytes = (await storedBytes(app, lostOriginal.storageKey))!;
    await archiveStorage.delete(lostOriginal.storageKey);
    await overwriteStored(app, corruptBackup.storageKey, Buffer.from('bit rot'), archiveBackupStorage!);
    await overwriteStored(app, bothBad.storageKey, Buffer.from('bad'));
    await archiveBackupStorage!.delete(bothBad.storageKey);

    const summary = await verifyArchive(fixityDeps(app));
    expect(summary).toMatchObject({ documents: 13, intact: 12, repairedOriginals: 1, repairedBackups: 1, damaged: 1, newlyDamaged: 1, unreadable: 0 });
    expect((await storedBytes(app, lostOriginal.storageKey))!.equals(originalBytes)).toBe(true);
    expect(sha256((await storedBytes(app, corruptBackup.storageKey, archiveBackupStorage!))!)).toBe(corruptBackup.sha256);

    const view = await documentsView();
    expect(view).toHaveLength(13);
    expect(view.find((d) => d.fileName === bothBad.fileName)).toMatchObject({ integrity: 'DAMAGED' });
    expect(view.filter((d) => d.integrity === 'INTACT')).toHaveLength(12);
    const audit = await app.sql("SELECT action, `after` FROM audit_events WHERE action IN ('ARCHIVE_DOCUMENT_REPAIRED', 'ARCHIVE_DOCUMENT_DAMAGED') ORDER BY id");
    expect(audit.map((a) => a.action).sort()).toEqual(['ARCHIVE_DOCUMENT_DAMAGED', 'ARCHIVE_DOCUMENT_REPAIRED', 'ARCHIVE_DOCUMENT_REPAIRED']);
    const notifications = await app.sql("SELECT user_id FROM notifications WHERE kind = 'ARCHIVE_DOCUMENT_DAMAGED'");
    expect(notifications.map((n) => n.user_id)).toEqual(['u-kari']);

    // Once alerted, a damaged document is not alerted again; the check is idempotent.
    expect(await verifyArchive(fixityDeps(app))).toMatchObject({ intact: 12, repairedOriginals: 0, repairedBackups: 0, damaged: 1, newlyDamaged: 0 });
    expect(await app.sql("SELECT id FROM notifications WHERE kind = 'ARCHIVE_DOCUMENT_DAMAGED'")).toHaveLength(1);
  });

  it('`archive verify --client` prints the summary (exit 1 while a document is damaged)', async () => {
    const run = await cli(app, 'archive', 'verify', '--client', 'c-example');
    expect(run.stdout).toContain('Checked 13 archive documents of client c-example');
    expect(run.stdout).toMatch(/damaged \(no intact copy\): 1/);
    expect(run.code).toBe(1);
  });

  it('retention deletes both copies, and audits it', async () => {
    const { archiveStorage, archiveBackupStorage } = app.opened.runtime.services;
    const documents = await documentsOf(app, relationshipId);
    expect(await applyRetention(retentionDeps(app), '2031-01-01')).toEqual({ deleted: 13 });
    for (const d of documents) {
      expect(await archiveStorage.size(d.storageKey)).toBeNull();
      expect(await archiveBackupStorage!.size(d.storageKey)).toBeNull();
    }
    const [event] = await app.sql("SELECT `after` FROM audit_events WHERE action = 'ARCHIVE_DOCUMENT_DELETED' LIMIT 1");
    expect(typeof event.after === 'string' ? JSON.parse(event.after) : event.after).toMatchObject({ copiesDeleted: ['original', 'backup'] });
  });
});

describe('S10: downloads and uploads straight to and from object storage', () => {
  let app: TestApp;
  let relationshipId: string;
  beforeAll(async () => {
    app = await startTestApp({ data: archiveWorld(), s3: true, env: { ARCHIVE_DOWNLOADS: 'redirect', ARCHIVE_DIRECT_UPLOADS: 'true' } });
    relationshipId = await generated(app);
  });
  afterAll(async () => app?.close());

  it('ARCHIVE_DOWNLOADS=redirect: the API checks the token and the right first, then redirects to a presigned GET that serves ranges', async () => {
    const document = (await documentsOf(app, relationshipId)).find((d) => d.kind === 'SAFT_FINANCIAL')!;
    const url = `${app.url}/archive/documents/${toGlobalId('ArchiveDocument', document.id)}`;
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(url, { redirect: 'manual', headers: { authorization: `Bearer ${await app.tokenFor('u-lars')}` } })).status).toBe(404);
    const res = await fetch(url, { redirect: 'manual', headers: { authorization: `Bearer ${await app.tokenFor('u-kari')}` } });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(app.s3!.endpoint)).toBe(true);
    expect(location).toContain('X-Amz-Expires=300');
    const whole = await fetch(location);
    expect(whole.status).toBe(200);
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(document.sha256);
    expect(whole.headers.get('content-disposition')).toContain(document.fileName);
    const part = await fetch(location, { headers: { range: 'bytes=0-4' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).toString()).toBe('<?xml');
  });

  it('ARCHIVE_DIRECT_UPLOADS: the upload URL is a presigned S3 PUT binding length, type and SHA-256; completion checks what arrived', async () => {
    const sample = SAMPLES.pdf;
    const [upload] = await reserve(app, 'u-kari', [itemOf(relationshipId, sample)]);
    expect(upload.uploadUrl.startsWith(app.s3!.endpoint)).toBe(true);
    expect(upload.headers).toEqual([
      { name: 'Content-Type', value: 'application/pdf' },
      { name: 'x-amz-checksum-sha256', value: Buffer.from(sha256(sample.bytes), 'hex').toString('base64') },
    ]);
    expect(decodeURIComponent(upload.uploadUrl)).toMatch(/X-Amz-SignedHeaders=[^&]*content-length[^&]*x-amz-checksum-sha256/);
    // Bytes other than declared are refused at completion (a store that checks the checksum refuses them at the PUT).
    expect((await put(app, upload, Buffer.concat([sample.bytes.subarray(0, -1), Buffer.from('!')]))).status).toBe(200);
    expect((await complete(app, 'u-kari', upload.id)).userErrors.map((e: { code: string }) => e.code)).toEqual(['CHECKSUM_MISMATCH']);
    expect((await put(app, upload, sample.bytes)).status).toBe(200);
    const done = await complete(app, 'u-kari', upload.id);
    expect(done.userErrors).toEqual([]);
    expect(done.document).toMatchObject({ fileName: sample.fileName, sha256: sha256(sample.bytes), source: 'UPLOADED' });
    // The URL still works until it expires, but no longer reaches the recorded bytes: they were moved to a key of their own.
    expect((await put(app, upload, Buffer.concat([sample.bytes.subarray(0, -1), Buffer.from('?')]))).status).toBe(200);
    const [row] = await app.sql('SELECT storage_key FROM archive_documents WHERE upload_id <> 0');
    expect(row.storage_key).not.toMatch(/\/direct$/);
    expect(sha256((await storedBytes(app, row.storage_key))!)).toBe(sha256(sample.bytes));
  });
});

describe('S10: `archive migrate-storage` copies a local archive into object storage, verifying, resumable and idempotent', () => {
  it('copies every document once; a second run copies nothing; an interrupted run is finished by the next', async () => {
    const app = await startTestApp({ data: archiveWorld(), s3: false });
    const s3 = await startS3Server();
    const target = new S3ObjectStorage({ endpoint: s3.endpoint, region: 'us-east-1', bucket: TEST_BUCKET, prefix: 'migrated/', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
    try {
      const relationshipId = await generated(app);
      const from = app.opened.runtime.services.archiveStorage as LocalFolderStorage;
      const deps = { dataSource: app.opened.runtime.dataSource, logger: app.opened.runtime.logger, from, to: target };
      expect(await migrateStorage(deps)).toMatchObject({ files: 13, copied: 13, alreadyThere: 0, missing: [], mismatched: [] });
      expect(await migrateStorage(deps)).toMatchObject({ files: 13, copied: 0, alreadyThere: 13 });
      const [first, second] = await documentsOf(app, relationshipId);
      await target.delete(first.storageKey);
      await overwriteStored(app, second.storageKey, Buffer.from('half a file'), target);
      expect(await migrateStorage(deps)).toMatchObject({ files: 13, copied: 2, alreadyThere: 11 });
      for (const d of await documentsOf(app, relationshipId)) expect(sha256((await storedBytes(app, d.storageKey, target))!)).toBe(d.sha256);

      // The command, as an operator runs it while ARCHIVE_STORAGE still says local: the S3_* settings name the target.
      const { ARCHIVE_STORAGE: _s3, ...s3Settings } = s3.env;
      const run = await cliWith(app, { ...s3Settings, S3_PREFIX: 'migrated' }, 'archive', 'migrate-storage', '--to', 's3');
      expect(run.stdout).toContain('13 files: 0 copied (0.0 MiB), 13 already there and verified.');
      expect(run.stdout).toContain('Set ARCHIVE_STORAGE=s3');
      expect(run.code).toBe(0);
    } finally {
      target.close();
      await s3.close();
      await app.close();
    }
  });
});

function backupDeps(app: TestApp) {
  const { dataSource, clock, logger, services } = app.opened.runtime;
  return { dataSource, clock, logger, storage: services.archiveStorage, backup: services.archiveBackupStorage! };
}

/** `npm run cli -- <args>` against the test app, from the sources, with the app's storage settings. */
function cli(app: TestApp, ...args: string[]): Promise<CliRun> {
  return cliWith(app, { ...app.s3!.env, ...app.s3!.backupEnv }, ...args);
}

function cliWith(app: TestApp, storageEnv: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return runCli(app, args, storageEnv, 60_000);
}

describe('S10: the object storage is checked at start-up', () => {
  it('a bucket that does not exist stops the process with the setting named, and no credential in the message', async () => {
    const s3 = await startS3Server();
    try {
      // A database of its own, dropped below: the check comes after the database is opened.
      const database = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/klientadmin');
      database.pathname = `/ka_test_${process.pid}_startup_s3`;
      const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.toString(), REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', ...s3.env, S3_BUCKET: 'no-such-bucket' });
      const failure = await openRuntime(config, { clock: systemClock, migrate: true }).then(
        async (opened) => {
          await opened.close();
          return null;
        },
        (error: Error) => error,
      );
      expect(failure).toBeInstanceOf(StartupError);
      expect(failure!.message).toContain('s3://no-such-bucket/archive/');
      expect(failure!.message).toContain('(ARCHIVE_STORAGE)');
      expect(failure!.message).not.toContain('S3RVER');
    } finally {
      await s3.close();
      const server = await createConnection({ uri: (process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/klientadmin').replace(/\/[^/]*$/, '/') });
      await server.query(`DROP DATABASE IF EXISTS \`ka_test_${process.pid}_startup_s3\``);
      await server.end();
    }
  });
});
