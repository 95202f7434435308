import * as fs from 'node:fs';
import * as path from 'node:path';
import { localIdOf } from '../../src/common/global-id';
import { SaftMandatoryDataGenerator } from '../../src/archive/saft-generator';
import { Queue } from 'bullmq';
import { QUEUE, queueOptions } from '../../src/jobs/queues';
import { ARCHIVE_CLEANUP_EVERY_MS } from '../../src/jobs/worker';
import { deleteQueueKeys, eventually, JobsApp, startJobsApp } from '../jobs/support';
import { endRelationship, EXAMPLE_130, importSaft } from '../ledger/ledger-helpers';
import { overwriteStored, storedBytes } from '../support/archive-files';
import { unzip, verifyBag } from '../support/bagit-verifier';
import { dataOf } from '../support/test-app';
import { archiveWorld, itemOf, put, relationshipGid, reserve, SAMPLES, sha256, uploadOne } from './upload-helpers';

const PACKAGE_PATH = `query($id: ID!) { node(id: $id) { ... on CustomerRelationship { packagePath documents { fileName } } } }`;
const EXPORT = `mutation($input: CreateArchiveExportInput!) {
  createArchiveExport(input: $input) { export { id state relationshipCount progress byteSize sha256 downloadPath expiresAt createdAt error } userErrors { field message code } }
}`;
const EXPORT_NODE = `query($id: ID!) { node(id: $id) { ... on ArchiveExport { id state relationshipCount progress byteSize sha256 downloadPath expiresAt error } } }`;

describe('archive folders out as BagIt packages, one or many (S9)', () => {
  let app: JobsApp;
  let example: string;
  let havbris: string;
  let tredje: string;
  let fjellet: string;
  const archiveDir = () => path.resolve(app.opened.runtime.config.archiveDir);
  const storage = () => app.opened.runtime.services.archiveStorage;
  const get = async (url: string, as: string | null = 'u-kari') => fetch(`${app.url}${url}`, { headers: as ? { authorization: `Bearer ${await app.tokenFor(as)}` } : {} });
  const packagePathOf = async (relationshipId: string, as = 'u-kari') => dataOf(await app.gql(PACKAGE_PATH, { id: relationshipGid(relationshipId) }, as)).node?.packagePath ?? null;
  const exportOf = async (id: string, as = 'u-kari') => dataOf(await app.gql(EXPORT_NODE, { id }, as)).node;

  beforeAll(async () => {
    app = await startJobsApp({ data: archiveWorld(), createMandatoryDataGenerator: (deps) => new SaftMandatoryDataGenerator(deps) });
    await importSaft(app, 'c-example', EXAMPLE_130);
    example = await endRelationship(app, 'c-example', '2025-01', '2025-12', '2026-02-01');
    havbris = await endRelationship(app, 'c-havbris', '2024-07', '2026-06', '2026-07-01');
    tredje = await endRelationship(app, 'c-tredje', '2024-01', '2025-12', '2026-02-01');
    fjellet = await endRelationship(app, 'c-fjellet', '2025-01', '2025-12', '2026-02-01');
    await app.opened.runtime.mandatoryDataGenerator.generate(example);
    await uploadOne(app, 'u-kari', example, SAMPLES.pdf);
    await uploadOne(app, 'u-kari', example, SAMPLES.csv, { fileName: 'rente 100%.csv' });
    await uploadOne(app, 'u-kari', havbris, SAMPLES.xml, { fiscalYear: 2026 });
    await uploadOne(app, 'u-kari', havbris, SAMPLES.png, { fiscalYear: 2025 });
    await uploadOne(app, 'u-kari', tredje, SAMPLES.jpeg, { fiscalYear: 2024 });
  });
  afterAll(async () => {
    fs.rmSync(archiveDir(), { recursive: true, force: true });
    await app.close();
  });

  it('S9: a folder\'s package is a BagIt bag a reader verifies on its own: every payload file listed and its hash recomputed, Payload-Oxum, tag manifest', async () => {
    const packagePath = await packagePathOf(example);
    expect(packagePath).toBe(`/archive/packages/${relationshipGid(example)}`);
    const res = await get(packagePath);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-length')).toBe(String(zip.length));
    const entries = await unzip(zip);
    expect([...entries.keys()].slice(0, 4)).toEqual(['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'tagmanifest-sha256.txt']);
    const bag = verifyBag(entries);
    const documents = await app.sql('SELECT fiscal_year, file_name, sha256, byte_size FROM archive_documents WHERE relationship_id = ?', [example]);
    expect(documents.length).toBe(9); // the SAF-T file, six specifications, two uploads
    expect([...bag.payload.keys()].sort()).toEqual(documents.map((d: { fiscal_year: number; file_name: string }) => `${d.fiscal_year}/${d.file_name}`).sort());
    for (const d of documents) expect(sha256(bag.payload.get(`${d.fiscal_year}/${d.file_name}`)!)).toBe(d.sha256);
    expect(bag.payload.get('2025/Kontoutskrift januar.pdf')!.equals(SAMPLES.pdf.bytes)).toBe(true);
    // A % in a file name is written %25 in the manifest (RFC 8493 §2.1.3).
    expect(entries.get('manifest-sha256.txt')!.toString()).toContain('  data/2025/rente 100%25.csv\n');
    const octets = documents.reduce((sum: number, d: { byte_size: string }) => sum + Number(d.byte_size), 0);
    expect(bag.bagInfo).toMatchObject({
      'Organization-Number': '999999999',
      'Client-Name': 'Eksempel AS',
      Partner: 'Nordlys Regnskap AS (NORDLYS)',
      'Responsibility-Period': '2025-01/2025-12',
      'Generation-Date': '2026-02-01',
      'Bagging-Date': '2026-11-28',
      'Payload-Oxum': `${octets}.9`,
    });
  });

  it('A2, A7: the package goes to ARCHIVE members of the partner and to the client\'s own administrator only; without a token 401; an empty folder has no package', async () => {
    const packagePath = await packagePathOf(example);
    expect((await get(packagePath, 'u-ola')).status).toBe(200);
    for (const user of ['u-per', 'u-lars']) expect({ user, status: (await get(packagePath, user)).status }).toEqual({ user, status: 404 });
    expect((await get(packagePath, null)).status).toBe(401);
    expect(await packagePathOf(fjellet, 'u-lars')).toBeNull();
    expect((await get(`/archive/packages/${relationshipGid(fjellet)}`, 'u-lars')).status).toBe(404);
  });

  it('S9: a package of a folder whose file was changed on disk fails loudly — refused before the first byte, or cut off, never a shorter ZIP that looks whole', async () => {
    const [document] = await app.sql("SELECT storage_key FROM archive_documents WHERE relationship_id = ? AND file_name = 'Kontoutskrift januar.pdf'", [example]);
    const key: string = document.storage_key;
    const original = (await storedBytes(app, key))!;
    const packagePath = await packagePathOf(example);
    try {
      // Another size: refused before anything is sent.
      await overwriteStored(app, key, Buffer.concat([original, Buffer.from('x')]));
      const refused = await get(packagePath);
      expect(refused.status).toBe(500);
      expect(await refused.json()).toEqual({ error: 'ARCHIVE_FILE_MISMATCH', message: expect.stringContaining('data/2025/Kontoutskrift januar.pdf has') });

      // The same size, other bytes: found while streaming; the response is cut off short of its Content-Length.
      const changed = Buffer.from(original);
      changed[changed.length - 3] ^= 0xff;
      await overwriteStored(app, key, changed);
      const res = await get(packagePath);
      expect(res.status).toBe(200);
      await expect(res.arrayBuffer()).rejects.toThrow();
    } finally {
      await overwriteStored(app, key, original);
    }
    expect((await get(packagePath)).status).toBe(200);
  });

  it('S9: an export of three relationships is built in the background, READY with a notification, and each folder is a verified bag', async () => {
    await app.start();
    const input = { relationshipIds: [example, havbris, tredje].map(relationshipGid) };
    const created = dataOf(await app.gql(EXPORT, { input }, 'u-kari')).createArchiveExport;
    expect(created.userErrors).toEqual([]);
    expect(created.export).toMatchObject({ state: 'QUEUED', relationshipCount: 3, progress: 0, downloadPath: null, byteSize: null });
    const ready = await eventually(async () => {
      const found = await exportOf(created.export.id);
      return found.state === 'READY' ? found : null;
    }, 'export READY');
    expect(ready).toMatchObject({ progress: 1, error: null, downloadPath: `/archive/exports/${created.export.id}` });
    // Seven days by default.
    expect(new Date(ready.expiresAt).getTime() - app.clock.now().getTime()).toBe(7 * 24 * 3600 * 1000);
    const notifications = dataOf(await app.gql('{ viewer { notifications { kind message } } }', {}, 'u-kari')).viewer.notifications;
    expect(notifications).toContainEqual({ kind: 'ARCHIVE_EXPORT_READY', message: expect.stringContaining('3 relationships') });

    const res = await get(ready.downloadPath);
    expect(res.status).toBe(200);
    const zip = Buffer.from(await res.arrayBuffer());
    expect(zip.length).toBe(ready.byteSize);
    expect(sha256(zip)).toBe(ready.sha256);
    const entries = await unzip(zip);
    const roots = [...new Set([...entries.keys()].map((name) => name.split('/')[0]))].sort();
    expect(roots).toEqual(['922333444', '933111222', '999999999']);
    expect(verifyBag(entries, '999999999/').payload.size).toBe(9);
    expect([...verifyBag(entries, '922333444/').payload.keys()].sort()).toEqual(['2025/kvittering.png', '2026/A07 kvittering.xml']);
    expect(verifyBag(entries, '933111222/').bagInfo).toMatchObject({ 'Client-Name': 'Tredje Handel AS', 'Payload-Oxum': `${SAMPLES.jpeg.bytes.length}.1` });
  });

  it('S9: an export is its requester\'s alone: node(id:) and the download answer nobody else', async () => {
    const created = dataOf(await app.gql(EXPORT, { input: { relationshipIds: [relationshipGid(tredje)] } }, 'u-kari')).createArchiveExport;
    const ready = await eventually(async () => ((await exportOf(created.export.id)).state === 'READY' ? exportOf(created.export.id) : null), 'export READY');
    // Per is Kari's colleague without ARCHIVE; Lars is another partner's.
    for (const user of ['u-per', 'u-lars']) {
      expect(await exportOf(created.export.id, user)).toBeNull();
      expect((await get(ready.downloadPath, user)).status).toBe(404);
    }
    expect((await get(ready.downloadPath, null)).status).toBe(401);
  });

  it('S9: 501 relationships are TOO_MANY_ITEMS; a relationship the viewer may not export is pointed at by its index; nothing is queued', async () => {
    const before = Number((await app.sql('SELECT COUNT(*) AS n FROM archive_exports'))[0].n);
    const many = Array.from({ length: 501 }, () => relationshipGid(example));
    expect(dataOf(await app.gql(EXPORT, { input: { relationshipIds: many } }, 'u-kari')).createArchiveExport.userErrors).toEqual([
      { field: ['input', 'relationshipIds'], code: 'TOO_MANY_ITEMS', message: 'One export takes at most 500 relationships; this one has 501.' },
    ]);
    const errors = dataOf(await app.gql(EXPORT, { input: { relationshipIds: [relationshipGid(example), relationshipGid(fjellet), 'bm9uZQ'] } }, 'u-kari')).createArchiveExport.userErrors;
    expect(errors).toEqual([
      { field: ['input', 'relationshipIds', '1'], code: 'NOT_FOUND', message: 'No such relationship.' },
      { field: ['input', 'relationshipIds', '2'], code: 'NOT_FOUND', message: 'No such relationship.' },
    ]);
    expect(dataOf(await app.gql(EXPORT, { input: { relationshipIds: [relationshipGid(example)] } }, 'u-per')).createArchiveExport.userErrors[0].code).toBe('NOT_FOUND');
    expect(Number((await app.sql('SELECT COUNT(*) AS n FROM archive_exports'))[0].n)).toBe(before);
  });

  it('S9: a failing export is FAILED with its error, after its retries with backoff', async () => {
    const [document] = await app.sql("SELECT storage_key FROM archive_documents WHERE relationship_id = ? AND file_name = 'faktura.jpg'", [tredje]);
    const key: string = document.storage_key;
    const original = (await storedBytes(app, key))!;
    await storage().delete(key);
    try {
      const created = dataOf(await app.gql(EXPORT, { input: { relationshipIds: [relationshipGid(tredje)] } }, 'u-kari')).createArchiveExport;
      const failed = await eventually(async () => {
        const [row] = await app.sql('SELECT state, attempts FROM archive_exports WHERE id = ?', [localIdOf(created.export.id, 'ArchiveExport')]);
        return row.state === 'FAILED' && Number(row.attempts) === 3 ? row : null;
      }, 'export FAILED after 3 tries');
      expect(failed).toBeTruthy();
      expect(await exportOf(created.export.id)).toMatchObject({ state: 'FAILED', downloadPath: null, error: '933111222/data/2024/faktura.jpg is missing from storage.' });
    } finally {
      await overwriteStored(app, key, original);
    }
  });

  it('S2, S9: the sweeper queues an export whose job Redis lost', async () => {
    for (const w of app.workers.splice(0)) await w.stop();
    const created = dataOf(await app.gql(EXPORT, { input: { relationshipIds: [relationshipGid(havbris)] } }, 'u-kari')).createArchiveExport;
    expect(await deleteQueueKeys(app)).toBeGreaterThan(0);
    const workers = await app.start(); // sweeps at start-up
    await eventually(async () => ((await exportOf(created.export.id)).state === 'READY' ? true : null), 'export READY after the sweep');
    expect((await workers.sweepNow()).exportsRequeued).toBe(0);
  });

  it('S8, S9: the cleanup job removes expired exports (EXPIRED, 410) and expired uploads never completed, with their bytes, and counts them', async () => {
    const workers = app.workers[0] ?? (await app.start());
    const created = dataOf(await app.gql(EXPORT, { input: { relationshipIds: [relationshipGid(tredje)] } }, 'u-kari')).createArchiveExport;
    const ready = await eventually(async () => ((await exportOf(created.export.id)).state === 'READY' ? exportOf(created.export.id) : null), 'export READY');
    const [pending] = await reserve(app, 'u-kari', [itemOf(example, SAMPLES.pdf, { fileName: 'glemt.pdf' })]);
    expect((await put(app, pending, SAMPLES.pdf.bytes)).status).toBe(200);
    const [row] = await app.sql("SELECT received_key FROM archive_uploads WHERE file_name = 'glemt.pdf'");
    const received: string = row.received_key;
    expect(await storage().size(received)).not.toBeNull();
    const [exportRow] = await app.sql('SELECT storage_key FROM archive_exports WHERE sha256 = ?', [ready.sha256]);
    const exportFile: string = exportRow.storage_key;

    expect(await workers.cleanUpArchiveNow()).toEqual({ uploadsRemoved: 0, exportsExpired: 0 });
    app.clock.advance(7 * 24 * 3600 * 1000);
    const result = await workers.cleanUpArchiveNow();
    expect(result.exportsExpired).toBeGreaterThanOrEqual(1);
    expect(result.uploadsRemoved).toBe(1);
    expect(await storage().size(received)).toBeNull();
    expect(await storage().size(exportFile)).toBeNull();
    expect(await app.sql("SELECT id FROM archive_uploads WHERE file_name = 'glemt.pdf'")).toEqual([]);
    expect(await exportOf(created.export.id)).toMatchObject({ state: 'EXPIRED', downloadPath: null });
    expect((await get(ready.downloadPath)).status).toBe(410);
    const metrics = await workers.metrics.registry.metrics();
    expect(metrics).toMatch(/^archive_uploads_expired_total 1$/m);
    expect(metrics).toMatch(new RegExp(`^archive_exports_expired_total ${result.exportsExpired}$`, 'm'));
    // Scheduled every ten minutes on the maintenance queue.
    const maintenance = new Queue(QUEUE.maintenance, queueOptions(app.opened.runtime.config));
    try {
      expect(await maintenance.getJobScheduler('archive-cleanup')).toMatchObject({ every: ARCHIVE_CLEANUP_EVERY_MS });
    } finally {
      await maintenance.close();
    }
  });
});
