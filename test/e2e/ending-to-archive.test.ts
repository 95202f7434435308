import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SaftMandatoryDataGenerator } from '../../src/archive/saft-generator';
import { toGlobalId } from '../../src/common/global-id';
import { eventually, JobsApp, startJobsApp } from '../jobs/support';
import { EXAMPLE_130, importSaft, ledgerWorld } from '../ledger/ledger-helpers';
import { expectValidSaft130 } from '../saft/xsd';
import { dataOf } from '../support/test-app';

const END = `mutation($input: EndCustomerRelationshipInput!) {
  endCustomerRelationship(input: $input) { relationship { id status tasks { kind state dueAt } } userErrors { code message } }
}`;
const ARCHIVE = `{ archive { edges { node { id status client { name partnerCode } tasks { kind state attempts lastError }
  documents { kind fiscalYear fileName contentType byteSize sha256 downloadPath } } } } }`;

/**
 * The whole product path: books imported, the relationship ended through the API, the generation date comes, the
 * workers generate the mandatory data into the archive and deactivate the partner's users, and the archive serves the
 * file to the right people only.
 */
describe('an ending, at its generation date, fills the archive (E4, S1–S4, A2)', () => {
  let app: JobsApp;
  let tmp: string;
  beforeAll(async () => {
    // 23:59:59 in Oslo on 28 November: the earliest generation date, 29 November, is due in one second.
    app = await startJobsApp({ data: ledgerWorld(), now: '2026-11-28T22:59:59.000Z', createMandatoryDataGenerator: (deps) => new SaftMandatoryDataGenerator(deps) });
    tmp = mkdtempSync(path.join(tmpdir(), 'ka-e2e-'));
  });
  afterAll(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await app.close();
  });

  it('generates a schema-valid SAF-T file for the responsibility period, downloadable by ARCHIVE members and the client\'s administrators only', async () => {
    await importSaft(app, 'c-example', EXAMPLE_130);
    await app.start();

    const input = { clientId: toGlobalId('Client', 'c-example'), responsibilityFrom: '2025-01', responsibilityTo: '2025-12', generationDate: '2026-11-29' };
    const ended = dataOf(await app.gql(END, { input }, 'u-kari')).endCustomerRelationship;
    expect(ended.userErrors).toEqual([]);
    expect(ended.relationship.tasks.map((t: { dueAt: string }) => t.dueAt)).toEqual(['2026-11-28T23:00:00.000Z', '2026-11-28T23:00:00.000Z']);
    app.clock.set('2026-11-28T23:00:00.100Z');

    const relationship = await eventually(async () => {
      const edge = dataOf(await app.gql(ARCHIVE, {}, 'u-kari')).archive.edges[0];
      return edge?.node.status === 'ARCHIVED' ? edge.node : null;
    }, 'relationship archived');
    expect(relationship.client).toEqual({ name: 'Eksempel AS', partnerCode: null });
    expect(relationship.tasks).toEqual([
      { kind: 'APPLY_DEACTIVATIONS', state: 'SUCCEEDED', attempts: 1, lastError: null },
      { kind: 'GENERATE_MANDATORY_DATA', state: 'SUCCEEDED', attempts: 1, lastError: null },
    ]);
    const saft = relationship.documents.filter((d: { kind: string }) => d.kind === 'SAFT_FINANCIAL');
    expect(saft).toHaveLength(1);
    expect(saft[0]).toMatchObject({ fiscalYear: 2025, contentType: 'application/xml' });

    const token = await app.tokenFor('u-kari');
    const res = await fetch(`${app.url}${saft[0].downloadPath}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(saft[0].byteSize);
    expect(createHash('sha256').update(body).digest('hex')).toBe(saft[0].sha256);
    const file = path.join(tmp, saft[0].fileName.replace(/[^\w.-]/g, '_'));
    writeFileSync(file, body);
    await expectValidSaft130(file);
    expect(body.toString('utf8')).toContain('<RegistrationNumber>999999999</RegistrationNumber>');

    // A member without ARCHIVE is told nothing exists; the client's own administrator reads its archive (A7).
    for (const [user, status] of [['u-per', 404], ['u-ola', 200]] as const) {
      const other = await fetch(`${app.url}${saft[0].downloadPath}`, { headers: { authorization: `Bearer ${await app.tokenFor(user)}` } });
      expect({ user, status: other.status }).toEqual({ user, status });
    }

    // S4: the partner's user lost access; the client's own administrator kept it.
    const accesses = await app.sql("SELECT user_id, deactivated_at IS NOT NULL AS deactivated FROM client_accesses WHERE client_id = 'c-example' ORDER BY user_id");
    expect(accesses.map((a: { user_id: string; deactivated: number }) => [a.user_id, Number(a.deactivated)])).toEqual([
      ['u-kari', 1],
      ['u-ola', 0],
    ]);
  });
});
