import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyRetention } from '../../src/archive/retention';
import { toGlobalId } from '../../src/common/global-id';
import type { ArchiveDocument } from '../../src/archive/archive-document.entity';
import { startTestApp, TestApp } from '../support/test-app';
import { retentionDeps } from '../support/deps';
import { documentsOf, saftDocumentsOf, endRelationship, EXAMPLE_130, importSaft, ledgerWorld } from '../ledger/ledger-helpers';
import { storedBytes } from '../support/archive-files';

describe('archive documents: download (A2) and retention (S5)', () => {
  let app: TestApp;
  let document: ArchiveDocument;
  let relationshipId: string;
  const download = async (as: string | null | { authorization: string }, headers: Record<string, string> = {}, doc = document) => {
    const authorization = as === null ? undefined : typeof as === 'string' ? `Bearer ${await app.tokenFor(as)}` : as.authorization;
    return fetch(`${app.url}/archive/documents/${toGlobalId('ArchiveDocument', doc.id)}`, { headers: { ...(authorization ? { authorization } : {}), ...headers } });
  };

  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
    await importSaft(app, 'c-example', EXAMPLE_130);
    relationshipId = await endRelationship(app, 'c-example', '2025-01', '2025-12', '2026-02-01');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    [document] = await saftDocumentsOf(app, relationshipId);
  });
  afterAll(async () => {
    fs.rmSync(path.resolve(app.opened.runtime.config.archiveDir), { recursive: true, force: true });
    await app.close();
  });

  it('a member of the partner with ARCHIVE downloads the file with its headers and exact bytes', async () => {
    const res = await download('u-kari');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml');
    expect(res.headers.get('content-length')).toBe(String(document.byteSize));
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="SAF-T Financial_999999999_2025.xml"; filename*=UTF-8''SAF-T%20Financial_999999999_2025.xml`,
    );
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await res.arrayBuffer()).equals((await storedBytes(app, document.storageKey))!)).toBe(true);
  });

  it('a single byte range is served as 206; a range past the end is 416', async () => {
    const bytes = (await storedBytes(app, document.storageKey))!;
    const partial = await download('u-kari', { range: 'bytes=10-49' });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 10-49/${bytes.length}`);
    expect(partial.headers.get('content-length')).toBe('40');
    expect(Buffer.from(await partial.arrayBuffer()).equals(bytes.subarray(10, 50))).toBe(true);

    const suffix = await download('u-kari', { range: 'bytes=-20' });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(bytes.length - 20))).toBe(true);

    const beyond = await download('u-kari', { range: `bytes=${bytes.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
  });

  it('A7: the client\'s own administrator downloads the document too, with the same bytes', async () => {
    const res = await download('u-ola');
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals((await storedBytes(app, document.storageKey))!)).toBe(true);
    const node = await app.gql(`query D($id: ID!) { node(id: $id) { ... on ArchiveDocument { fileName downloadPath } } }`, { id: toGlobalId('ArchiveDocument', document.id) }, 'u-ola');
    expect(node.body.data.node).toEqual({ fileName: document.fileName, downloadPath: `/archive/documents/${toGlobalId('ArchiveDocument', document.id)}` });
  });

  it('anyone else gets 404 — a partner user without ARCHIVE, another partner, an unknown id', async () => {
    for (const user of ['u-per', 'u-lars']) {
      const res = await download(user);
      expect({ user, status: res.status }).toEqual({ user, status: 404 });
      expect(res.headers.get('content-disposition')).toBeNull();
    }
    const unknown = await download('u-kari', {}, { ...document, id: '999999' });
    expect(unknown.status).toBe(404);
    const garbage = await fetch(`${app.url}/archive/documents/not-an-id`, { headers: { authorization: `Bearer ${await app.tokenFor('u-kari')}` } });
    expect(garbage.status).toBe(404);
  });

  it('no token or an invalid one gets 401', async () => {
    expect((await download(null)).status).toBe(401);
    expect((await download({ authorization: 'Bearer not.a.token' })).status).toBe(401);
  });

  it('retention keeps a document within 5 years of its fiscal year end, then deletes it, its folder, and audits it', async () => {
    // The year's folder holds the SAF-T file and its six specifications: retention treats them alike.
    expect(await applyRetention(retentionDeps(app), '2030-12-31')).toEqual({ deleted: 0 });
    expect(await documentsOf(app, relationshipId)).toHaveLength(7);

    // A client with a longer legal duty keeps it longer.
    await app.sql("UPDATE clients SET retention_years = 10 WHERE id = 'c-example'");
    expect(await applyRetention(retentionDeps(app), '2031-01-01')).toEqual({ deleted: 0 });
    await app.sql("UPDATE clients SET retention_years = 5 WHERE id = 'c-example'");

    expect(await applyRetention(retentionDeps(app), '2031-01-01')).toEqual({ deleted: 7 });
    expect(await documentsOf(app, relationshipId)).toEqual([]);
    const storage = app.opened.runtime.services.archiveStorage;
    expect(await storage.size(document.storageKey)).toBeNull();
    expect(await storage.list(`${document.storageKey.split('/').slice(0, -1).join('/')}/`)).toEqual([]);
    const audit = await app.sql("SELECT action, client_id, relationship_id, actor_user_id, `before` FROM audit_events WHERE action = 'ARCHIVE_DOCUMENT_DELETED'");
    expect(audit).toHaveLength(7);
    for (const event of audit) expect(event).toMatchObject({ client_id: 'c-example', relationship_id: relationshipId, actor_user_id: null });
    const befores = audit.map((event) => (typeof event.before === 'string' ? JSON.parse(event.before) : event.before));
    expect(befores).toContainEqual(expect.objectContaining({ fiscalYear: 2025, fileName: document.fileName, sha256: document.sha256 }));

    // Idempotent; and the download is gone.
    expect(await applyRetention(retentionDeps(app), '2031-01-01')).toEqual({ deleted: 0 });
    expect((await download('u-kari')).status).toBe(404);
  });
});
