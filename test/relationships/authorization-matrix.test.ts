import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { toGlobalId } from '../../src/common/global-id';
import { itemOf, SAMPLES } from '../archive/upload-helpers';
import { smallWorld } from '../support/fixtures';
import { GraphQLResponse, startTestApp, TEST_JWT_SECRET, TestApp } from '../support/test-app';
import { CANCEL, CLEAR, clientId, END, fjordEnding, latestRelationshipOf, LINK, PREVIEW, relationshipId, snapshot, TRANSFER, UPDATE, userId } from './relationship-helpers';

const AUDIT = `query Audit($id: ID!) { node(id: $id) { ... on Client { auditEvents { totalCount } } } }`;
const RELATIONSHIP = `query Rel($id: ID!) { node(id: $id) { ... on CustomerRelationship { status tasks { kind } documents { fileName deleteAfter } } } }`;
const PREVIEWS = `query Previews($clientIds: [ID!]!) { endCustomerRelationshipPreviews(clientIds: $clientIds) { preview { partnerPeriodStart } userErrors { code } } }`;
const END_MANY = `mutation EndMany($input: EndCustomerRelationshipsInput!) {
  endCustomerRelationships(input: $input) { results { relationship { status } userErrors { code } } userErrors { code } }
}`;
const UPLOAD = `mutation Upload($input: CreateArchiveUploadsInput!) { createArchiveUploads(input: $input) { uploads { id } userErrors { code } } }`;
const EXPORT = `mutation Export($input: CreateArchiveExportInput!) { createArchiveExport(input: $input) { export { id } userErrors { code } } }`;
const RETENTION = `mutation Retention($input: UpdateClientRetentionInput!) { updateClientRetention(input: $input) { client { legalHold } userErrors { code } } }`;

/** Operations that read: an allowed call changes nothing either. */
const READ_ONLY = new Set(['preview', 'previews', 'audit', 'relationship', 'download', 'package']);

type As = string | { authorization?: string };
type Operation = { name: string; call: (app: TestApp, as: As) => Promise<GraphQLResponse> } | { http: true; call: (app: TestApp, as: As) => Promise<Response> };

async function get(app: TestApp, path: string, as: As): Promise<Response> {
  const authorization = typeof as === 'string' ? `Bearer ${await app.tokenFor(as)}` : as.authorization;
  const res = await fetch(`${app.url}${path}`, { headers: authorization ? { authorization } : {} });
  await res.arrayBuffer();
  return res;
}

/** What a response amounts to: a top-level code, the first userError's code, NULL for an invisible node, or OK. */
function outcome(res: GraphQLResponse, field: string): string {
  if (res.body.errors?.length) return String(res.body.errors[0].extensions?.code);
  const value = res.body.data?.[field];
  if (value === null) return 'NULL';
  if (value?.userErrors?.length) return value.userErrors[0].code;
  // A batch: the first item's answer (its own userErrors, or a refused preview).
  const first = Array.isArray(value) ? value[0] : value?.results?.[0];
  if (first?.userErrors?.length) return first.userErrors[0].code;
  return 'OK';
}

/** A download's answer in the same terms: 200 OK, 404 NOT_FOUND, 401 UNAUTHENTICATED. */
function httpOutcome(status: number): string {
  return ({ 200: 'OK', 401: 'UNAUTHENTICATED', 404: 'NOT_FOUND' } as Record<number, string>)[status] ?? `HTTP ${status}`;
}

/** `snapshot`, and what the archive and retention operations change. */
async function fullSnapshot(app: TestApp) {
  const [base, uploads, exports, retention] = await Promise.all([
    snapshot(app),
    app.sql('SELECT COUNT(*) AS n FROM archive_uploads'),
    app.sql('SELECT COUNT(*) AS n FROM archive_exports'),
    app.sql('SELECT id, retention_years, legal_hold FROM clients ORDER BY id'),
  ]);
  return { ...base, uploads, exports, retention };
}

async function sign(sub: string, exp: number, secret = TEST_JWT_SECRET): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime(exp).sign(new TextEncoder().encode(secret));
}

/**
 * Every operation of the relationship flow and of the archive against every kind of caller (DESIGN A1-A3, A5, A7, A8,
 * E1, E6-E8, E12, E15, S5, S8, S9): the answer, and that a refused call changed nothing. State: c-fjord's relationship
 * with Nordlys ended (generation 2027-01-15) with one document in its archive, c-tinde still linked to Nordlys; Eva is
 * an ADMINISTRATOR on both whose deactivation date has come; Ola is the clients' own administrator.
 */
describe('authorization matrix of the relationship operations', () => {
  let app: TestApp;
  let rel: string;
  let document: string;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
    const ended = await app.gql(END, { input: fjordEnding() }, 'u-kari');
    expect(ended.body.data.endCustomerRelationship.userErrors).toEqual([]);
    rel = await latestRelationshipOf(app, 'c-fjord');
    await app.sql("UPDATE client_accesses SET roles = 'ADMINISTRATOR', deactivation_date = '2026-11-01' WHERE client_id = 'c-fjord' AND user_id = 'u-eva'");
    await app.sql("INSERT INTO client_accesses (client_id, user_id, roles, deactivation_date) VALUES ('c-tinde', 'u-eva', 'ADMINISTRATOR', '2026-11-01'), ('c-tinde', 'u-ola', 'ADMINISTRATOR', NULL)");
    // One document in the ended relationship's archive folder, stored as generation stores it.
    const bytes = Buffer.from('<?xml version="1.0"?><AuditFile/>\n');
    const key = `c-fjord/${rel}/2026/saft.xml`;
    const file = await app.opened.runtime.services.archiveStorage.create(key);
    await new Promise<void>((resolve, reject) => file.stream.end(bytes, () => resolve()).on('error', reject));
    await file.commit();
    await app.sql(
      `INSERT INTO archive_documents (relationship_id, client_id, kind, fiscal_year, fiscal_year_end, file_name, content_type, byte_size, sha256, storage_key, created_at)
       VALUES (?, 'c-fjord', 'SAFT_FINANCIAL', 2026, '2026-12-31', 'saft.xml', 'application/xml', ?, ?, ?, ?)`,
      [rel, bytes.length, createHash('sha256').update(bytes).digest('hex'), key, app.clock.now()],
    );
    [{ id: document }] = await app.sql('SELECT id FROM archive_documents WHERE relationship_id = ?', [rel]);
    rel = relationshipId(rel);
  });
  afterAll(() => app.close());

  const ops: Record<string, Operation> = {
    preview: { name: 'endCustomerRelationshipPreview', call: (a, as) => a.gql(PREVIEW, { clientId: clientId('c-tinde') }, as) },
    end: { name: 'endCustomerRelationship', call: (a, as) => a.gql(END, { input: { ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01' } }, as) },
    update: { name: 'updateEndedRelationship', call: (a, as) => a.gql(UPDATE, { input: { relationshipId: rel, generationDate: '2027-02-01' } }, as) },
    cancel: { name: 'cancelRelationshipEnd', call: (a, as) => a.gql(CANCEL, { input: { relationshipId: rel } }, as) },
    audit: { name: 'node', call: (a, as) => a.gql(AUDIT, { id: clientId('c-fjord') }, as) },
    clear: { name: 'clearUserDeactivation', call: (a, as) => a.gql(CLEAR, { input: { clientId: clientId('c-fjord'), userId: userId('u-per') } }, as) },
    transfer: { name: 'transferSubscriptionAdmin', call: (a, as) => a.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-ola') } }, as) },
    link: { name: 'linkClientToPartner', call: (a, as) => a.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'FJELL' } }, as) },
    previews: { name: 'endCustomerRelationshipPreviews', call: (a, as) => a.gql(PREVIEWS, { clientIds: [clientId('c-tinde')] }, as) },
    endMany: {
      name: 'endCustomerRelationships',
      call: (a, as) => a.gql(END_MANY, { input: { items: [{ ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01' }] } }, as),
    },
    relationship: { name: 'node', call: (a, as) => a.gql(RELATIONSHIP, { id: rel }, as) },
    download: { http: true, call: (a, as) => get(a, `/archive/documents/${toGlobalId('ArchiveDocument', String(document))}`, as) },
    package: { http: true, call: (a, as) => get(a, `/archive/packages/${rel}`, as) },
    upload: { name: 'createArchiveUploads', call: (a, as) => a.gql(UPLOAD, { input: { items: [{ ...itemOf('0', SAMPLES.pdf), relationshipId: rel }] } }, as) },
    export: { name: 'createArchiveExport', call: (a, as) => a.gql(EXPORT, { input: { relationshipIds: [rel] } }, as) },
    retention: { name: 'updateClientRetention', call: (a, as) => a.gql(RETENTION, { input: { clientId: clientId('c-fjord'), legalHold: true } }, as) },
  };
  const ORDER = ['preview', 'previews', 'end', 'endMany', 'update', 'cancel', 'audit', 'relationship', 'download', 'package', 'upload', 'export', 'retention', 'clear', 'transfer', 'link'];
  /** What the archive operations answer someone who may not see the ended relationship at all. */
  const NO_ARCHIVE = { relationship: 'NULL', download: 'NOT_FOUND', package: 'NOT_FOUND', upload: 'NOT_FOUND', export: 'NOT_FOUND' };

  const now = () => Math.floor(app.clock.now().getTime() / 1000);
  const callers: Array<[string, () => Promise<As>, Record<string, string>]> = [
    ['no token', async () => ({}), Object.fromEntries(ORDER.map((op) => [op, 'UNAUTHENTICATED']))],
    ['a forged token', async () => ({ authorization: `Bearer ${await sign('u-kari', now() + 600, 'another-secret-that-is-long-enough-for-hs256!')}` }), Object.fromEntries(ORDER.map((op) => [op, 'UNAUTHENTICATED']))],
    ['an expired token', async () => ({ authorization: `Bearer ${await sign('u-kari', now() - 1)}` }), Object.fromEntries(ORDER.map((op) => [op, 'UNAUTHENTICATED']))],
    ["another partner's user (Lars, Fjell)", async () => 'u-lars', { preview: 'NOT_FOUND', previews: 'NOT_FOUND', end: 'NOT_FOUND', endMany: 'NOT_FOUND', update: 'NOT_FOUND', cancel: 'NOT_FOUND', audit: 'NULL', ...NO_ARCHIVE, retention: 'NOT_FOUND', clear: 'NOT_FOUND', transfer: 'NOT_FOUND', link: 'NOT_FOUND' }],
    // Per and Ingrid keep sight of c-fjord until its generation date (A8), without a say over it.
    ['a member without rights (Per, Nordlys)', async () => 'u-per', { preview: 'FORBIDDEN', previews: 'FORBIDDEN', end: 'FORBIDDEN', endMany: 'FORBIDDEN', update: 'NOT_FOUND', cancel: 'NOT_FOUND', audit: 'OK', ...NO_ARCHIVE, retention: 'FORBIDDEN', clear: 'FORBIDDEN', transfer: 'FORBIDDEN', link: 'FORBIDDEN' }],
    ['a CLIENT_ADMIN without ARCHIVE (Ingrid, Nordlys)', async () => 'u-ingrid', { update: 'NOT_FOUND', cancel: 'NOT_FOUND', audit: 'OK', ...NO_ARCHIVE, retention: 'FORBIDDEN', clear: 'FORBIDDEN', transfer: 'FORBIDDEN', link: 'FORBIDDEN' }],
    ['an administrator whose deactivation date has come (Eva)', async () => 'u-eva', { preview: 'NOT_FOUND', previews: 'NOT_FOUND', end: 'NOT_FOUND', endMany: 'NOT_FOUND', update: 'NOT_FOUND', cancel: 'NOT_FOUND', audit: 'NULL', ...NO_ARCHIVE, retention: 'NOT_FOUND', clear: 'NOT_FOUND', transfer: 'NOT_FOUND', link: 'NOT_FOUND' }],
    ["the ending partner's user, administrator of the client through it (Kari, Nordlys)", async () => 'u-kari', { relationship: 'OK', download: 'OK', package: 'OK', upload: 'OK', export: 'OK', retention: 'FORBIDDEN', clear: 'FORBIDDEN', link: 'FORBIDDEN' }],
    // Last: the allowed calls change the state, in this order. The client's own administrator reads its archive (A7),
    // sets its retention (S5), and fills or exports nothing of the partner's.
    ["the client's own administrator (Ola)", async () => 'u-ola', { preview: 'FORBIDDEN', previews: 'FORBIDDEN', end: 'FORBIDDEN', endMany: 'FORBIDDEN', update: 'FORBIDDEN', cancel: 'FORBIDDEN', audit: 'OK', relationship: 'OK', download: 'OK', package: 'OK', upload: 'FORBIDDEN', export: 'FORBIDDEN', retention: 'OK', clear: 'OK', transfer: 'OK', link: 'OK' }],
  ];

  for (const [who, as, expected] of callers) {
    for (const op of ORDER.filter((o) => o in expected)) {
      const answer = expected[op];
      it(`${op} by ${who}: ${answer}${answer === 'OK' ? '' : ', nothing changed'}`, async () => {
        const before = await fullSnapshot(app);
        const operation = ops[op];
        const res = await operation.call(app, await as());
        expect('http' in operation ? httpOutcome(res.status) : outcome(res as GraphQLResponse, operation.name)).toBe(answer);
        if (answer === 'UNAUTHENTICATED') expect(res.status).toBe(401);
        if (answer !== 'OK' || READ_ONLY.has(op)) expect(await fullSnapshot(app)).toEqual(before);
        else expect(await fullSnapshot(app)).not.toEqual(before);
      });
    }
  }
});
