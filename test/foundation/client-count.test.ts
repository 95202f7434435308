import { toGlobalId } from '../../src/common/global-id';
import { manyClients } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';

const COUNT = `query Count($filter: ClientFilter) { clients(filter: $filter, first: 1) { totalCount } }`;
const END = `mutation End($input: EndCustomerRelationshipInput!) { endCustomerRelationship(input: $input) { relationship { id } userErrors { code } } }`;
const CANCEL = `mutation Cancel($input: CancelRelationshipEndInput!) { cancelRelationshipEnd(input: $input) { relationship { status } userErrors { code } } }`;

const ending = (client: string) => ({ clientId: toGlobalId('Client', client), responsibilityFrom: '2021-03', responsibilityTo: '2026-11', generationDate: '2027-01-15' });
const client = (i: number) => `c-${String(i).padStart(5, '0')}`;

// Many concurrent mutations while other suites load the database server.
jest.setTimeout(120_000);

describe('clients totalCount: the maintained count of linked clients', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: manyClients(60, 2, 0) });
  });
  afterAll(() => app.close());

  /** The counts the database's triggers keep, per partner, against counting the clients themselves. */
  async function expectCountsExact(): Promise<void> {
    const kept = await app.sql('SELECT partner_id AS partner, CAST(SUM(clients) AS SIGNED) AS n FROM partner_client_counts GROUP BY partner_id HAVING n <> 0 ORDER BY partner_id');
    const counted = await app.sql('SELECT partner_id AS partner, COUNT(*) AS n FROM clients WHERE partner_id IS NOT NULL GROUP BY partner_id ORDER BY partner_id');
    expect(kept.map((r) => [r.partner, Number(r.n)])).toEqual(counted.map((r) => [r.partner, Number(r.n)]));
  }

  async function totalCountOf(user: string, filter: Record<string, unknown> = {}): Promise<number> {
    return dataOf(await app.gql(COUNT, { filter }, user)).clients.totalCount;
  }

  async function linkedTo(partner: string): Promise<number> {
    const [row] = await app.sql('SELECT COUNT(*) AS n FROM clients WHERE partner_id = ?', [partner]);
    return Number(row.n);
  }

  it('stays equal to COUNT(*) through concurrent endings, cancels and imports', async () => {
    await expectCountsExact();
    expect(await totalCountOf('u-staff-0')).toBe(60);

    // Twenty endings of one partner's clients at once, by two users.
    const ended = await Promise.all(
      Array.from({ length: 20 }, (_, i) => app.gql(END, { input: ending(client(i)) }, i % 2 ? 'u-staff-0' : 'u-staff-1')),
    );
    for (const res of ended) expect(dataOf(res).endCustomerRelationship.userErrors).toEqual([]);
    await expectCountsExact();
    expect(await totalCountOf('u-staff-0')).toBe(await linkedTo('p-nordlys'));
    expect(await totalCountOf('u-staff-0')).toBe(40);

    // Cancels of ten of them, endings of ten more and an import of new clients, all at once.
    const relationships = dataOf(await app.gql('{ archive(first: 20) { nodes { id } } }', {}, 'u-staff-0')).archive.nodes.map((n: { id: string }) => n.id);
    expect(relationships).toHaveLength(20);
    const imported = {
      partners: [{ id: 'p-fjell', name: 'Fjelltopp Regnskap AS', partnerCode: 'FJELL' }],
      users: [{ id: 'u-lars', name: 'Lars Solberg', email: 'lars@fjelltopp.example', memberships: [{ partner: 'p-fjell', rights: ['CLIENT_ADMIN', 'ARCHIVE'] }] }],
      clients: Array.from({ length: 15 }, (_, i) => ({
        id: `c-new-${i}`,
        name: `Ny Klient ${i} AS`,
        organizationNumber: String(800000000 + i),
        partner: i % 3 === 0 ? 'p-fjell' : 'p-nordlys',
        partnerSince: '2024-01-01',
        access: [],
        extensions: [],
      })),
    };
    const mixed = await Promise.all([
      ...relationships.slice(0, 10).map((id: string) => app.gql(CANCEL, { input: { relationshipId: id } }, 'u-staff-1')),
      ...Array.from({ length: 10 }, (_, i) => app.gql(END, { input: ending(client(20 + i)) }, 'u-staff-0')),
      app.load(imported).then(() => null),
    ]);
    for (const res of mixed) if (res) expect(Object.values(dataOf(res))[0]).toMatchObject({ userErrors: [] });
    await expectCountsExact();
    expect(await totalCountOf('u-staff-0')).toBe(await linkedTo('p-nordlys'));
    expect(await totalCountOf('u-staff-0')).toBe(40 + 10 - 10 + 10);
    expect(await totalCountOf('u-lars')).toBe(5);

    // A client deleted, and one moved between partners by hand: the triggers count whatever writes the link.
    await app.sql("DELETE FROM customer_relationships WHERE client_id = 'c-new-1'");
    await app.sql("DELETE FROM clients WHERE id = 'c-new-1'");
    await app.sql("UPDATE clients SET partner_id = 'p-fjell' WHERE id = 'c-new-2'");
    await expectCountsExact();
    expect(await totalCountOf('u-staff-0')).toBe(48);
    expect(await totalCountOf('u-lars')).toBe(6);
  });

  it('a search still counts its matches; a partner filter counts that partner', async () => {
    expect(await totalCountOf('u-staff-0', { search: 'Ny Klient' })).toBe(await linkedTo('p-nordlys').then(async () => {
      const [row] = await app.sql("SELECT COUNT(*) AS n FROM clients WHERE partner_id = 'p-nordlys' AND name LIKE '%Ny Klient%'");
      return Number(row.n);
    }));
    expect(await totalCountOf('u-staff-0', { partnerId: toGlobalId('Partner', 'p-nordlys') })).toBe(await linkedTo('p-nordlys'));
  });
});
