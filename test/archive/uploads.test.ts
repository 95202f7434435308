import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { localIdOf } from '../../src/common/global-id';
import { applyRetention } from '../../src/archive/retention';
import { retentionDeps } from '../support/deps';
import { dataOf, startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';
import { endRelationship } from '../ledger/ledger-helpers';
import { overwriteStored } from '../support/archive-files';
import { archiveOnS3 } from '../support/s3-server';
import { archiveWorld, complete, itemOf, put, reserve, SAMPLES, sha256, UPLOADS, uploadOne, type Upload } from './upload-helpers';

const ERRORS = (r: GraphQLResponse) => dataOf(r).createArchiveUploads.userErrors;

describe('uploads into archive folders (S8)', () => {
  let app: TestApp;
  let example: string;
  let havbris: string;
  let fjellet: string;
  const archiveDir = () => path.resolve(app.opened.runtime.config.archiveDir);
  const uploadRows = async () => Number((await app.sql('SELECT COUNT(*) AS n FROM archive_uploads'))[0].n);
  const storage = () => app.opened.runtime.services.archiveStorage;
  /**
   * Files of an upload's folder in storage (`<client>/<relationship>/<year>/uploads/<id>`): in a folder, committed or not
   * (temporary names too); in S3, the objects (a multipart upload not completed is no object).
   */
  const storedFilesOf = async (uploadGlobalId: string) => {
    const [row] = await app.sql('SELECT id, client_id, relationship_id, fiscal_year FROM archive_uploads WHERE id = ?', [localIdOf(uploadGlobalId, 'ArchiveUpload')]);
    const key = `${row.client_id}/${row.relationship_id}/${row.fiscal_year}/uploads/${row.id}`;
    if (archiveOnS3()) return storage().list(`${key}/`);
    const folder = path.join(archiveDir(), ...key.split('/'));
    return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
  };

  beforeAll(async () => {
    app = await startTestApp({ data: archiveWorld() });
    example = await endRelationship(app, 'c-example', '2025-01', '2025-12', '2026-02-01');
    havbris = await endRelationship(app, 'c-havbris', '2024-07', '2026-06', '2026-07-01');
    fjellet = await endRelationship(app, 'c-fjellet', '2025-01', '2025-12', '2026-02-01');
  });
  afterAll(async () => {
    fs.rmSync(archiveDir(), { recursive: true, force: true });
    await app.close();
  });

  it('S8: every type the archive takes — PDF, XML, CSV, text, PNG, JPEG, ZIP — goes up in three steps and becomes an archive document', async () => {
    const samples = Object.values(SAMPLES);
    const uploads = await reserve(app, 'u-kari', samples.map((s) => itemOf(example, s)));
    expect(uploads).toHaveLength(samples.length);
    for (const [i, upload] of uploads.entries()) {
      expect(upload).toMatchObject({ method: 'PUT', state: 'PENDING', headers: [{ name: 'Content-Type', value: samples[i].contentType }] });
      expect(upload.uploadUrl).toMatch(/^\/archive\/uploads\/[\w-]+\?expires=\d+&signature=[0-9a-f]{64}$/);
      // One hour by default.
      expect(new Date(upload.expiresAt).getTime() - app.clock.now().getTime()).toBeGreaterThan(3599_000);
      const res = await put(app, upload, samples[i].bytes);
      expect({ type: samples[i].contentType, status: res.status }).toEqual({ type: samples[i].contentType, status: 200 });
      const done = await complete(app, 'u-kari', upload.id);
      expect(done.userErrors).toEqual([]);
      expect(done.document).toMatchObject({
        kind: samples[i].kind,
        fiscalYear: 2025,
        fileName: samples[i].fileName,
        contentType: samples[i].contentType,
        byteSize: samples[i].bytes.length,
        sha256: sha256(samples[i].bytes),
        source: 'UPLOADED',
        uploadedBy: { name: 'Kari Nordmann' },
      });
      // The stored document downloads as the exact bytes sent.
      const download = await fetch(`${app.url}${done.document.downloadPath}`, { headers: { authorization: `Bearer ${await app.tokenFor('u-kari')}` } });
      expect(Buffer.from(await download.arrayBuffer()).equals(samples[i].bytes)).toBe(true);
    }
    const audit = await app.sql("SELECT actor_user_id, relationship_id, `after` FROM audit_events WHERE action = 'ARCHIVE_DOCUMENT_UPLOADED'");
    expect(audit).toHaveLength(samples.length);
    expect(audit[0]).toMatchObject({ actor_user_id: 'u-kari', relationship_id: example });
    const node = dataOf(await app.gql('query($id: ID!) { node(id: $id) { ... on ArchiveUpload { state document { fileName } } } }', { id: uploads[0].id }, 'u-kari')).node;
    expect(node).toEqual({ state: 'COMPLETED', document: { fileName: samples[0].fileName } });
  });

  it('S8: all items or none — a bad item is pointed at by its field, and nothing is reserved', async () => {
    const before = await uploadRows();
    const good = itemOf(example, SAMPLES.pdf, { fileName: 'god.pdf' });
    const errors = ERRORS(
      await app.gql(UPLOADS, {
        input: {
          items: [
            good,
            itemOf(example, SAMPLES.pdf, { fiscalYear: 2024 }),
            itemOf(example, SAMPLES.pdf, { contentType: 'application/msword' }),
            itemOf(example, SAMPLES.pdf, { byteSize: 200 * 1024 * 1024 + 1 }),
            itemOf(example, SAMPLES.pdf, { kind: 'SAFT_FINANCIAL' }),
            itemOf(havbris, SAMPLES.pdf, { fiscalYear: 2026 }),
          ],
        },
      }, 'u-kari'),
    );
    expect(errors).toEqual([
      { field: ['input', 'items', '1', 'fiscalYear'], code: 'INVALID_FISCAL_YEAR', message: 'The archive of this relationship holds the fiscal years 2025; not 2024.' },
      { field: ['input', 'items', '2', 'contentType'], code: 'UNSUPPORTED_CONTENT_TYPE', message: expect.stringContaining('application/pdf') },
      { field: ['input', 'items', '3', 'byteSize'], code: 'FILE_TOO_LARGE', message: 'A file may have at most 209715200 bytes (200 MiB).' },
      { field: ['input', 'items', '4', 'kind'], code: 'FORBIDDEN', message: expect.stringContaining('generated from the books') },
    ]);
    expect(await uploadRows()).toBe(before);
    // A fiscal year from July: the folders are named by the year they close.
    expect(await reserve(app, 'u-kari', [itemOf(havbris, SAMPLES.pdf, { fiscalYear: 2026 }), itemOf(havbris, SAMPLES.pdf, { fiscalYear: 2025 })])).toHaveLength(2);
    // Malformed values are refused before anything runs.
    const malformed = await app.gql(UPLOADS, { input: { items: [itemOf(example, SAMPLES.pdf, { sha256: 'abc', byteSize: 1.5 })] } }, 'u-kari');
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const none = await app.gql(UPLOADS, { input: { items: [] } }, 'u-kari');
    expect(none.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('S8: 101 items are TOO_MANY_ITEMS; 100 are taken', async () => {
    const before = await uploadRows();
    const items = (n: number) => Array.from({ length: n }, (_, i) => itemOf(example, SAMPLES.text, { fileName: `bilag-${i}.txt`, kind: 'VOUCHER_DOCUMENTATION' }));
    expect(ERRORS(await app.gql(UPLOADS, { input: { items: items(101) } }, 'u-kari'))).toEqual([
      { field: ['input', 'items'], code: 'TOO_MANY_ITEMS', message: 'One call takes at most 100 items; this one has 101.' },
    ]);
    expect(await uploadRows()).toBe(before);
    expect(await reserve(app, 'u-kari', items(100))).toHaveLength(100);
  });

  it('A2: a member without ARCHIVE and another partner are told the relationship does not exist, the client\'s own administrator is FORBIDDEN, and an ACTIVE one has no folder', async () => {
    const before = await uploadRows();
    // Without ARCHIVE, an ended relationship of one's own partner is not seen at all (A2).
    expect(ERRORS(await app.gql(UPLOADS, { input: { items: [itemOf(example, SAMPLES.pdf)] } }, 'u-per'))).toEqual([
      { field: ['input', 'items', '0', 'relationshipId'], code: 'NOT_FOUND', message: 'No such relationship.' },
    ]);
    // The client's own administrator sees the ended relationship (A7) but may not fill its partner's archive.
    expect(ERRORS(await app.gql(UPLOADS, { input: { items: [itemOf(example, SAMPLES.pdf)] } }, 'u-ola'))).toEqual([
      { field: ['input', 'items', '0', 'relationshipId'], code: 'FORBIDDEN', message: "Uploading into an archive folder needs the ARCHIVE right in the relationship's partner." },
    ]);
    expect(ERRORS(await app.gql(UPLOADS, { input: { items: [itemOf(fjellet, SAMPLES.pdf)] } }, 'u-kari'))).toEqual([
      { field: ['input', 'items', '0', 'relationshipId'], code: 'NOT_FOUND', message: 'No such relationship.' },
    ]);
    const [active] = await app.sql("SELECT id FROM customer_relationships WHERE client_id = 'c-tredje' AND status = 'ACTIVE'");
    expect(ERRORS(await app.gql(UPLOADS, { input: { items: [itemOf(String(active.id), SAMPLES.pdf)] } }, 'u-kari'))).toEqual([
      { field: ['input', 'items', '0', 'relationshipId'], code: 'NOT_FOUND', message: 'The relationship has not been ended, so it has no archive folder.' },
    ]);
    expect(ERRORS(await app.gql(UPLOADS, { input: { items: [itemOf(example, SAMPLES.pdf, { relationshipId: 'bm90LWFuLWlk' })] } }, 'u-kari'))).toEqual([
      { field: ['input', 'items', '0', 'relationshipId'], code: 'NOT_FOUND', message: 'No such relationship.' },
    ]);
    expect(await uploadRows()).toBe(before);
  });

  it('S5, S8: a folder retention has deleted takes nothing (INVALID_FISCAL_YEAR)', async () => {
    const now = app.clock.now();
    try {
      // Fiscal year 2025 is kept until 2030-12-31.
      app.clock.set('2031-01-02T12:00:00Z');
      expect(ERRORS(await app.gql(UPLOADS, { input: { items: [itemOf(example, SAMPLES.pdf)] } }, 'u-kari'))).toEqual([
        { field: ['input', 'items', '0', 'fiscalYear'], code: 'INVALID_FISCAL_YEAR', message: 'The folder of fiscal year 2025 was kept until 2030-12-31 and is deleted.' },
      ]);
    } finally {
      app.clock.set(now);
    }
  });

  it('S8: names are made safe for every file system, kept as given, distinct in their folder, and never a generated file\'s', async () => {
    const names = ['Kontoutskrift.pdf', 'Kontoutskrift.pdf', 'KONTOUTSKRIFT.pdf', '../../etc/passwd.pdf', 'a\u0000b\u0007c\u200f.pdf', 'Cafe\u0301 re\u0301sume\u0301.pdf', 'CON.pdf', 'SAF-T Financial_999999999_2025.pdf', `${'ø'.repeat(150)}.pdf`];
    const uploads = await reserve(app, 'u-kari', names.map((fileName) => itemOf(example, SAMPLES.pdf, { fileName })));
    const rows = await app.sql('SELECT file_name, original_file_name FROM archive_uploads WHERE id IN (?) ORDER BY id', [uploads.map((u: Upload) => localIdOf(u.id, 'ArchiveUpload'))]);
    expect(rows.map((r: { file_name: string }) => r.file_name)).toEqual([
      'Kontoutskrift.pdf',
      'Kontoutskrift (2).pdf',
      'KONTOUTSKRIFT (3).pdf',
      '___.._etc_passwd.pdf',
      'a_b_c_.pdf',
      'Café résumé.pdf',
      '_CON.pdf',
      'SAF-T Financial_999999999_2025 (2).pdf',
      `${'ø'.repeat(98)}.pdf`,
    ]);
    expect(rows.map((r: { original_file_name: string }) => r.original_file_name)).toEqual(names);
    for (const row of rows) expect(Buffer.byteLength(row.file_name)).toBeLessThanOrEqual(200);
    // The stored name is what the document keeps; the original name is kept with it.
    await put(app, uploads[1], SAMPLES.pdf.bytes);
    const done = await complete(app, 'u-kari', uploads[1].id);
    expect(done.document.fileName).toBe('Kontoutskrift (2).pdf');
    const [document] = await app.sql('SELECT original_file_name FROM archive_documents WHERE id = ?', [localIdOf(done.document.id, 'ArchiveDocument')]);
    expect(document.original_file_name).toBe('Kontoutskrift.pdf');
  });

  it('S8: a wrong SHA-256 is refused at the PUT (CHECKSUM_MISMATCH) and nothing is kept; the right bytes then go through', async () => {
    const [upload] = await reserve(app, 'u-kari', [itemOf(example, SAMPLES.pdf, { fileName: 'hash.pdf' })]);
    const wrong = Buffer.from(SAMPLES.pdf.bytes);
    wrong[wrong.length - 2] ^= 1;
    const res = await put(app, upload, wrong);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'CHECKSUM_MISMATCH' });
    expect(await storedFilesOf(upload.id)).toEqual([]);
    expect((await complete(app, 'u-kari', upload.id)).userErrors).toEqual([{ field: ['input', 'uploadId'], code: 'UPLOAD_INCOMPLETE', message: expect.any(String) }]);
    expect((await put(app, upload, SAMPLES.pdf.bytes)).status).toBe(200);
    expect((await complete(app, 'u-kari', upload.id)).userErrors).toEqual([]);
  });

  it('S8: more bytes than declared are stopped (413), fewer are refused (400), and neither leaves anything', async () => {
    const [upload] = await reserve(app, 'u-kari', [itemOf(example, SAMPLES.text, { fileName: 'størrelse.txt' })]);
    const longer = Buffer.concat([SAMPLES.text.bytes, Buffer.from('mer')]);
    const tooMany = await put(app, upload, longer);
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toMatchObject({ error: 'FILE_TOO_LARGE' });
    // Without a Content-Length (chunked), the bytes are counted as they come and stopped past the declared size.
    const chunked = await fetch(`${app.url}${upload.uploadUrl}`, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: new ReadableStream({ start(c) { c.enqueue(new Uint8Array(longer)); c.close(); } }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const tooFew = await put(app, upload, SAMPLES.text.bytes.subarray(0, 10));
    expect(tooFew.status).toBe(400);
    expect(await tooFew.json()).toMatchObject({ error: 'UPLOAD_INCOMPLETE' });
    const chunkedShort = await fetch(`${app.url}${upload.uploadUrl}`, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: new ReadableStream({ start(c) { c.enqueue(new Uint8Array(SAMPLES.text.bytes.subarray(0, 10))); c.close(); } }),
      duplex: 'half',
    } as RequestInit);
    expect(chunkedShort.status).toBe(400);
    expect(await storedFilesOf(upload.id)).toEqual([]);
    expect((await complete(app, 'u-kari', upload.id)).userErrors[0].code).toBe('UPLOAD_INCOMPLETE');
  });

  it('S8: bytes that are not of the declared type are refused (415), as is another Content-Type', async () => {
    const [upload] = await reserve(app, 'u-kari', [itemOf(example, { ...SAMPLES.png, contentType: 'application/pdf', fileName: 'ikke-pdf.pdf' })]);
    const res = await put(app, upload, SAMPLES.png.bytes);
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: 'UNSUPPORTED_CONTENT_TYPE' });
    expect(await storedFilesOf(upload.id)).toEqual([]);
    const [pdf] = await reserve(app, 'u-kari', [itemOf(example, SAMPLES.pdf, { fileName: 'type.pdf' })]);
    expect((await put(app, pdf, SAMPLES.pdf.bytes, { 'Content-Type': 'image/png' })).status).toBe(415);
    // A text file that is not UTF-8 text (a NUL byte) is not text/csv.
    const [csv] = await reserve(app, 'u-kari', [itemOf(example, { ...SAMPLES.csv, bytes: Buffer.from('a;b\0c\r\n') })]);
    expect((await put(app, csv, Buffer.from('a;b\0c\r\n'))).status).toBe(415);
  });

  it('S8: an expired URL is refused (410) and so is completing the upload (UPLOAD_EXPIRED)', async () => {
    const [upload] = await reserve(app, 'u-kari', [itemOf(example, SAMPLES.pdf, { fileName: 'sent.pdf' })]);
    const now = app.clock.now();
    try {
      app.clock.set(new Date(upload.expiresAt));
      const res = await put(app, upload, SAMPLES.pdf.bytes);
      expect(res.status).toBe(410);
      expect(await res.json()).toMatchObject({ error: 'UPLOAD_EXPIRED' });
      expect((await complete(app, 'u-kari', upload.id)).userErrors[0].code).toBe('UPLOAD_EXPIRED');
      expect(dataOf(await app.gql('query($id: ID!) { node(id: $id) { ... on ArchiveUpload { state } } }', { id: upload.id }, 'u-kari')).node).toEqual({ state: 'EXPIRED' });
    } finally {
      app.clock.set(now);
    }
  });

  it('S8: a forged URL is refused (403), a bearer token is no substitute, and a URL that has delivered takes no second PUT (409)', async () => {
    const [a, b] = await reserve(app, 'u-kari', [itemOf(example, SAMPLES.pdf, { fileName: 'a.pdf' }), itemOf(example, SAMPLES.pdf, { fileName: 'b.pdf' })]);
    const [pathA, queryA] = a.uploadUrl.split('?');
    const [pathB] = b.uploadUrl.split('?');
    const later = Number(new URLSearchParams(queryA).get('expires')) + 3600;
    const forged = [
      `${pathA}?${queryA.replace(/signature=(.)/, (_m, c) => `signature=${c === '0' ? '1' : '0'}`)}`,
      `${pathA}?${queryA.replace(/expires=\d+/, `expires=${later}`)}`,
      `${pathB}?${queryA}`,
      pathA,
    ];
    for (const url of forged) {
      const res = await fetch(`${app.url}${url}`, { method: 'PUT', body: SAMPLES.pdf.bytes, headers: { 'content-type': 'application/pdf', authorization: `Bearer ${await app.tokenFor('u-kari')}` } });
      expect({ url, status: res.status }).toEqual({ url, status: 403 });
    }
    expect((await put(app, a, SAMPLES.pdf.bytes)).status).toBe(200);
    const again = await put(app, a, SAMPLES.pdf.bytes);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'ALREADY_RECEIVED' });
    expect((await complete(app, 'u-kari', a.id)).userErrors).toEqual([]);
    expect((await put(app, a, SAMPLES.pdf.bytes)).status).toBe(409);
    expect(await storedFilesOf(a.id)).toHaveLength(1);
  });

  it('S8: an interrupted PUT leaves nothing and can be retried', async () => {
    const bytes = Buffer.alloc(256 * 1024, 'Linje i kontoutskrift\n');
    const [upload] = await reserve(app, 'u-kari', [itemOf(example, { ...SAMPLES.text, bytes, fileName: 'avbrutt.txt' })]);
    const url = new URL(`${app.url}${upload.uploadUrl}`);
    await new Promise<void>((resolve) => {
      const req = http.request(url, { method: 'PUT', headers: { 'content-type': 'text/plain', 'content-length': String(bytes.length) } });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write(bytes.subarray(0, 100 * 1024), () => setTimeout(() => req.destroy(), 100));
    });
    // The server notices the broken connection and removes what it wrote.
    for (let i = 0; i < 100 && (await storedFilesOf(upload.id)).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await storedFilesOf(upload.id)).toEqual([]);
    if (!archiveOnS3()) expect(fs.readdirSync(path.join(archiveDir(), 'c-example', example, '2025')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await put(app, upload, bytes)).status).toBe(200);
    expect((await complete(app, 'u-kari', upload.id)).document).toMatchObject({ byteSize: bytes.length, sha256: sha256(bytes) });
  });

  it('S8: completing twice returns the same document; only the uploader completes it or sees it', async () => {
    const [upload] = await reserve(app, 'u-kari', [itemOf(example, SAMPLES.jpeg, { fileName: 'to-ganger.jpg' })]);
    await put(app, upload, SAMPLES.jpeg.bytes);
    const first = await complete(app, 'u-kari', upload.id);
    const second = await complete(app, 'u-kari', upload.id);
    expect(second).toEqual(first);
    expect(Number((await app.sql("SELECT COUNT(*) AS n FROM archive_documents WHERE file_name = 'to-ganger.jpg'"))[0].n)).toBe(1);
    expect((await complete(app, 'u-per', upload.id)).userErrors).toEqual([{ field: ['input', 'uploadId'], code: 'NOT_FOUND', message: 'No such upload.' }]);
    const query = 'query($id: ID!) { node(id: $id) { ... on ArchiveUpload { uploadUrl } } }';
    expect(dataOf(await app.gql(query, { id: upload.id }, 'u-per')).node).toBeNull();
    expect(dataOf(await app.gql(query, { id: upload.id }, 'u-kari')).node.uploadUrl).toBe(upload.uploadUrl);
  });

  it('S8: completion reads the stored bytes again — bytes changed in storage after the PUT are removed, and no document is recorded', async () => {
    const [upload] = await reserve(app, 'u-kari', [itemOf(example, SAMPLES.csv, { fileName: 'endret.csv' })]);
    expect((await put(app, upload, SAMPLES.csv.bytes)).status).toBe(200);
    const [row] = await app.sql('SELECT received_key FROM archive_uploads WHERE file_name = ?', ['endret.csv']);
    const changed = Buffer.from(SAMPLES.csv.bytes);
    changed[0] = 'X'.charCodeAt(0);
    await overwriteStored(app, row.received_key, changed);
    const refused = await complete(app, 'u-kari', upload.id);
    expect(refused).toEqual({ document: null, userErrors: [{ field: ['input', 'uploadId'], code: 'CHECKSUM_MISMATCH', message: expect.stringContaining('were removed') }] });
    expect(await storage().size(row.received_key)).toBeNull();
    expect(Number((await app.sql("SELECT COUNT(*) AS n FROM archive_documents WHERE file_name = 'endret.csv'"))[0].n)).toBe(0);
    // The URL takes the right bytes again.
    expect((await put(app, upload, SAMPLES.csv.bytes)).status).toBe(200);
    expect((await complete(app, 'u-kari', upload.id)).userErrors).toEqual([]);
  });

  it('E10: a retry of createArchiveUploads with the same key returns the same uploads', async () => {
    const input = { items: [itemOf(example, SAMPLES.pdf, { fileName: 'nøkkel.pdf' })], idempotencyKey: 'uploads-1' };
    const first = dataOf(await app.gql(UPLOADS, { input }, 'u-kari')).createArchiveUploads;
    const second = dataOf(await app.gql(UPLOADS, { input }, 'u-kari')).createArchiveUploads;
    expect(second.uploads.map((u: Upload) => u.id)).toEqual(first.uploads.map((u: Upload) => u.id));
    expect(Number((await app.sql("SELECT COUNT(*) AS n FROM archive_uploads WHERE original_file_name = 'nøkkel.pdf'"))[0].n)).toBe(1);
  });

  it('S5, S8: retention deletes uploaded documents with their folder, audited as generated ones are', async () => {
    const document = await uploadOne(app, 'u-kari', havbris, SAMPLES.pdf, { fiscalYear: 2025, fileName: 'slettes.pdf' });
    const [row] = await app.sql('SELECT storage_key FROM archive_documents WHERE file_name = ?', ['slettes.pdf']);
    expect(await storage().size(row.storage_key)).not.toBeNull();
    // Havbris's fiscal year 2025 ends 2025-06-30: kept until 2030-06-30.
    const { deleted } = await applyRetention(retentionDeps(app), '2030-07-01');
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await app.sql('SELECT id FROM archive_documents WHERE file_name = ?', ['slettes.pdf'])).toEqual([]);
    expect(await storage().size(row.storage_key)).toBeNull();
    const audit = await app.sql("SELECT `before` FROM audit_events WHERE action = 'ARCHIVE_DOCUMENT_DELETED' AND relationship_id = ?", [havbris]);
    const befores = audit.map((a: { before: unknown }) => (typeof a.before === 'string' ? JSON.parse(a.before) : a.before));
    expect(befores).toContainEqual(expect.objectContaining({ fileName: 'slettes.pdf', source: 'UPLOADED', sha256: document.sha256 }));
  });
});

describe('upload PUTs and the per-address rate limit', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: archiveWorld(), env: { RATE_LIMIT_PER_IP: '3', RATE_LIMIT_WINDOW: '60' } });
  });
  afterAll(async () => {
    fs.rmSync(path.resolve(app.opened.runtime.config.archiveDir), { recursive: true, force: true });
    await app.close();
  });

  it('S8: a PUT to an upload URL takes from its address\'s budget like any request, and is refused past it (429)', async () => {
    const relationship = await endRelationship(app, 'c-example', '2025-01', '2025-12', '2026-02-01');
    const [upload] = await reserve(app, 'u-kari', [itemOf(relationship, SAMPLES.pdf)]);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await put(app, upload, SAMPLES.pdf.bytes)).status);
    expect(statuses.slice(0, 2)).toEqual([200, 409]);
    expect(statuses[2]).toBe(429);
  });
});
