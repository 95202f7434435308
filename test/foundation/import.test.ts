import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ImportError, parseImportFile } from '../../src/import/import-file';
import { loadImportFile } from '../../src/import/load-import-file';
import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';

function problemsOf(run: () => unknown): Array<{ path: string; message: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof ImportError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

async function asyncProblemsOf(run: () => Promise<unknown>): Promise<Array<{ path: string; message: string }>> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ImportError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

const COUNTS = `SELECT (SELECT COUNT(*) FROM partners) partners, (SELECT COUNT(*) FROM users) users,
  (SELECT COUNT(*) FROM partner_memberships) memberships, (SELECT COUNT(*) FROM clients) clients,
  (SELECT COUNT(*) FROM client_accesses) accesses, (SELECT COUNT(*) FROM client_extensions) extensions,
  (SELECT COUNT(*) FROM customer_relationships) relationships`;

describe('import file (contract: Import file)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('a malformed file is refused whole, naming the JSON path of each bad entry', () => {
    const file: any = smallWorld();
    file.partners[1].partnerCode = 'NORDLYS';
    file.users[0].email = 'not-an-email';
    file.clients[0].organizationNumber = '12345';
    file.clients[1].partnerSince = '2026-02-30';
    file.clients[2].access[0].roles = ['OWNER'];
    file.clients[3].fiscalYearStartMonth = 13;
    expect(problemsOf(() => parseImportFile(file))).toEqual([
      { path: '$.users[0].email', message: 'must be an e-mail address' },
      { path: '$.clients[0].organizationNumber', message: 'must be 9 digits' },
      { path: '$.clients[1].partnerSince', message: 'must be a date YYYY-MM-DD' },
      { path: '$.clients[2].access[0].roles[0]', message: 'must be one of ADMINISTRATOR' },
      { path: '$.clients[3].fiscalYearStartMonth', message: 'must be a month 1-12' },
      { path: '$.partners[1].partnerCode', message: 'duplicate partner code "NORDLYS" (first at $.partners[0].partnerCode)' },
    ]);
    expect(problemsOf(() => parseImportFile([]))).toEqual([{ path: '$', message: 'must be an object' }]);
  });

  it('a client\'s VAT term is set in the file (bi-monthly when absent), refused when unknown, and shown on Client', async () => {
    const bad: any = smallWorld();
    bad.clients[0].vatTerm = 'WEEKLY';
    expect(problemsOf(() => parseImportFile(bad))).toEqual([{ path: '$.clients[0].vatTerm', message: 'must be one of BIMONTHLY, MONTHLY, YEARLY' }]);
    const terms = await startTestApp();
    try {
      const file: any = smallWorld();
      file.clients[0].vatTerm = 'MONTHLY';
      await terms.importFile(parseImportFile(file));
      const query = `{ clients(first: 100) { edges { node { organizationNumber vatTerm } } } }`;
      const seen = dataOf(await terms.gql(query, {}, 'u-kari')).clients.edges.map((e: any) => e.node);
      expect(seen.find((c: any) => c.organizationNumber === file.clients[0].organizationNumber).vatTerm).toBe('MONTHLY');
      expect(seen.filter((c: any) => c.organizationNumber !== file.clients[0].organizationNumber).every((c: any) => c.vatTerm === 'BIMONTHLY')).toBe(true);
      file.clients[0].vatTerm = 'YEARLY';
      await terms.importFile(parseImportFile(file));
      expect((await terms.sql('SELECT vat_term FROM clients WHERE id = ?', [file.clients[0].id]))[0].vat_term).toBe('YEARLY');
    } finally {
      await terms.close();
    }
  });

  it('a dangling reference refuses the whole file and writes nothing', async () => {
    const file: any = smallWorld();
    file.clients[1].access.push({ user: 'u-ghost', roles: [] });
    file.clients[2].extensions[0].ownerPartner = 'p-ghost';
    const problems = await asyncProblemsOf(() => app.importFile(parseImportFile(file)));
    expect(problems).toEqual([
      { path: '$.clients[1].access[2].user', message: 'no user "u-ghost" in the file or the database' },
      { path: '$.clients[2].extensions[0].ownerPartner', message: 'no partner "p-ghost" in the file or the database' },
    ]);
    const [counts] = await app.sql(COUNTS);
    expect(Object.values(counts).map(Number)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('an access through a partner the user is not a member of is refused', () => {
    const file: any = smallWorld();
    file.clients[0].access.push({ user: 'u-lars', roles: [], viaPartner: 'p-nordlys' });
    return expect(asyncProblemsOf(() => app.importFile(parseImportFile(file)))).resolves.toEqual([
      { path: '$.clients[0].access[5].viaPartner', message: 'user "u-lars" is not a member of partner "p-nordlys"' },
    ]);
  });

  it('importing twice is an upsert by the file ids: names update, nothing is duplicated', async () => {
    await app.importFile(parseImportFile(smallWorld()));
    const [first] = await app.sql(COUNTS);
    const again: any = smallWorld();
    again.clients[0].name = 'Fjord Bakeri og Konditori AS';
    again.users[0].memberships[0].rights = ['CLIENT_ADMIN'];
    await app.importFile(parseImportFile(again));
    const [second] = await app.sql(COUNTS);
    expect(second).toEqual(first);
    expect(Number(first.clients)).toBe(4);
    expect(Number(first.relationships)).toBe(3);
    expect(await app.sql("SELECT name FROM clients WHERE id = 'c-fjord'")).toEqual([{ name: 'Fjord Bakeri og Konditori AS' }]);
    expect(await app.sql("SELECT rights FROM partner_memberships WHERE user_id = 'u-kari'")).toEqual([{ rights: 'CLIENT_ADMIN' }]);
  });

  it('a re-import leaves what the API changed since (here: a removed partner link) as it is', async () => {
    await app.sql("UPDATE clients SET partner_id = NULL, partner_since = NULL WHERE id = 'c-tinde'");
    await app.importFile(parseImportFile(smallWorld()));
    expect(await app.sql("SELECT partner_id FROM clients WHERE id = 'c-tinde'")).toEqual([{ partner_id: null }]);
  });

  it('a partner code or organization number that belongs to another id in the database is refused', async () => {
    const file: any = { partners: [{ id: 'p-other', name: 'Other AS', partnerCode: 'nordlys' }], clients: [{ id: 'c-other', name: 'Other AS', organizationNumber: '987654321' }] };
    const problems = await asyncProblemsOf(() => app.importFile(parseImportFile(file)));
    expect(problems).toEqual([
      { path: '$.partners[0].partnerCode', message: 'partner code "nordlys" belongs to partner "p-nordlys"' },
      { path: '$.clients[0].organizationNumber', message: 'organization number 987654321 belongs to client "c-fjord"' },
    ]);
  });

  it('loadImportFile reports unreadable JSON with the file name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ka-import-'));
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ "partners": [');
    const problems = await asyncProblemsOf(() => loadImportFile(file));
    rmSync(dir, { recursive: true, force: true });
    expect(problems[0].path).toBe('$');
    expect(problems[0].message).toContain('broken.json is not readable JSON');
  });
});
