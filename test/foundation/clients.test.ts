import { toGlobalId } from '../../src/common/global-id';
import { manyClients, smallWorld } from '../support/fixtures';
import { dataOf, errorCode, startTestApp, TestApp } from '../support/test-app';

const CLIENTS = `query Clients($filter: ClientFilter, $first: Int, $after: String) {
  clients(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name organizationNumber partnerCode } }
  }
}`;

const names = (data: any) => data.clients.edges.map((e: any) => e.node.name);

describe('clients (DESIGN A2, A5; contract: connections)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  it('A2: a partner user sees the active clients of their partner, sorted by name', async () => {
    const data = dataOf(await app.gql(CLIENTS, {}, 'u-kari'));
    expect(names(data)).toEqual(['Fjord Bakeri AS', 'Tindefjell Bygg AS']);
    expect(data.clients.totalCount).toBe(2);
    expect(data.clients.edges[0].node.partnerCode).toBe('NORDLYS');
  });

  it('A2: a user in two partners sees the clients of both, and can narrow to one partner', async () => {
    expect(names(dataOf(await app.gql(CLIENTS, {}, 'u-ingrid')))).toEqual(['Fjord Bakeri AS', 'Havbris Sjømat AS', 'Tindefjell Bygg AS']);
    const onlyFjell = dataOf(await app.gql(CLIENTS, { filter: { partnerId: toGlobalId('Partner', 'p-fjell') } }, 'u-ingrid'));
    expect(names(onlyFjell)).toEqual(['Havbris Sjømat AS']);
    const notMine = dataOf(await app.gql(CLIENTS, { filter: { partnerId: toGlobalId('Partner', 'p-fjell') } }, 'u-kari'));
    expect(notMine.clients.totalCount).toBe(0);
  });

  it('a partner id that names no partner (not a Partner id, or none at all) narrows to nothing: an empty page', async () => {
    for (const partnerId of [toGlobalId('Client', 'c-fjord'), 'not-a-global-id', toGlobalId('Partner', 'p-ghost')]) {
      for (const tab of ['ACTIVE', 'ARCHIVE']) {
        const page = dataOf(await app.gql(CLIENTS, { filter: { partnerId, tab } }, 'u-kari')).clients;
        expect([page.totalCount, page.edges]).toEqual([0, []]);
      }
    }
  });

  it('a user with no partner sees no clients in the lists', async () => {
    expect(dataOf(await app.gql(CLIENTS, {}, 'u-ola')).clients.totalCount).toBe(0);
  });

  it('search matches name (anywhere, any case) or organization number (prefix, spaces ignored)', async () => {
    expect(names(dataOf(await app.gql(CLIENTS, { filter: { search: 'bakeri' } }, 'u-kari')))).toEqual(['Fjord Bakeri AS']);
    expect(names(dataOf(await app.gql(CLIENTS, { filter: { search: '911 222' } }, 'u-kari')))).toEqual(['Tindefjell Bygg AS']);
    expect(names(dataOf(await app.gql(CLIENTS, { filter: { search: '100%' } }, 'u-kari')))).toEqual([]);
  });

  it('A2: the ARCHIVE tab needs the ARCHIVE right (FORBIDDEN otherwise) and is empty before any ending', async () => {
    const res = await app.gql(CLIENTS, { filter: { tab: 'ARCHIVE' } }, 'u-per');
    expect(errorCode(res)).toBe('FORBIDDEN');
    expect(dataOf(await app.gql(CLIENTS, { filter: { tab: 'ARCHIVE' } }, 'u-kari')).clients.totalCount).toBe(0);
    expect(errorCode(await app.gql('{ archive { totalCount } }', {}, 'u-per'))).toBe('FORBIDDEN');
  });

  it('contract: first must be 1..100 and after must be a cursor from the list (BAD_USER_INPUT)', async () => {
    for (const first of [0, 101, -1]) expect(errorCode(await app.gql(CLIENTS, { first }, 'u-kari'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await app.gql(CLIENTS, { after: 'bm90LWEtY3Vyc29y' }, 'u-kari'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await app.gql(CLIENTS, { after: '!!' }, 'u-kari'))).toBe('BAD_USER_INPUT');
  });

  it('A2, A5: node(id) shows a client to its partner and to its own administrator, and null to everyone else', async () => {
    const query = 'query($id: ID!) { node(id: $id) { id ... on Client { name users { user { name } active } } } }';
    const fjord = toGlobalId('Client', 'c-fjord');
    expect(dataOf(await app.gql(query, { id: fjord }, 'u-per')).node.name).toBe('Fjord Bakeri AS');
    expect(dataOf(await app.gql(query, { id: fjord }, 'u-ola')).node.name).toBe('Fjord Bakeri AS'); // own ADMINISTRATOR
    expect(dataOf(await app.gql(query, { id: fjord }, 'u-eva')).node).toBeNull(); // own user, not administrator
    expect(dataOf(await app.gql(query, { id: fjord }, 'u-lars')).node).toBeNull(); // another partner
    expect(dataOf(await app.gql(query, { id: toGlobalId('Client', 'c-solo') }, 'u-kari')).node).toBeNull();
    expect(dataOf(await app.gql(query, { id: toGlobalId('Client', 'c-nope') }, 'u-kari')).node).toBeNull();
    expect(dataOf(await app.gql(query, { id: 'garbage' }, 'u-kari')).node).toBeNull();
  });

  it('A3: a client administrator whose deactivation date has come no longer sees the client', async () => {
    const query = 'query($id: ID!) { node(id: $id) { id } }';
    const fjord = toGlobalId('Client', 'c-fjord');
    await app.sql("UPDATE client_accesses SET deactivation_date = '2026-11-28' WHERE client_id = 'c-fjord' AND user_id = 'u-ola'");
    try {
      expect(dataOf(await app.gql(query, { id: fjord }, 'u-ola')).node).toBeNull();
      const users = await app.gql('query($id: ID!) { node(id: $id) { ... on Client { users { user { id } active deactivationDate } } } }', { id: fjord }, 'u-kari');
      const ola = dataOf(users).node.users.find((u: any) => u.user.id === toGlobalId('User', 'u-ola'));
      expect(ola).toEqual({ user: { id: toGlobalId('User', 'u-ola') }, active: false, deactivationDate: '2026-11-28' });
    } finally {
      await app.sql("UPDATE client_accesses SET deactivation_date = NULL WHERE client_id = 'c-fjord' AND user_id = 'u-ola'");
    }
  });

  it('the client shows its users, roles, subscription administrator, partner-owned extensions and relationship', async () => {
    const query = `query($id: ID!) { node(id: $id) { ... on Client {
      partner { partnerCode } partnerSince fiscalYearStartMonth subscriptionAdmin { name }
      users { user { name } roles isSubscriptionAdmin viaPartner { partnerCode } deactivationDate active }
      extensions { key name ownerPartner { partnerCode } }
      relationships { status partner { partnerCode } partnerPeriodStart partnerPeriodEnd tasks { kind } documents { id } }
    } } }`;
    const client = dataOf(await app.gql(query, { id: toGlobalId('Client', 'c-fjord') }, 'u-kari')).node;
    expect(client.partner).toEqual({ partnerCode: 'NORDLYS' });
    expect(client.partnerSince).toBe('2021-03-01');
    expect(client.subscriptionAdmin).toEqual({ name: 'Kari Nordmann' });
    expect(client.users).toContainEqual({ user: { name: 'Kari Nordmann' }, roles: ['ADMINISTRATOR'], isSubscriptionAdmin: true, viaPartner: { partnerCode: 'NORDLYS' }, deactivationDate: null, active: true });
    expect(client.users).toContainEqual({ user: { name: 'Eva Lie' }, roles: [], isSubscriptionAdmin: false, viaPartner: null, deactivationDate: null, active: true });
    expect(client.extensions).toEqual([
      { key: 'bank-feed', name: 'Bank feed', ownerPartner: { partnerCode: 'NORDLYS' } },
      { key: 'webshop', name: 'Webshop', ownerPartner: null },
    ]);
    expect(client.relationships).toEqual([{ status: 'ACTIVE', partner: { partnerCode: 'NORDLYS' }, partnerPeriodStart: '2021-03-01', partnerPeriodEnd: null, tasks: [], documents: [] }]);
  });
});

describe('clients pagination and SQL statements per page', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: manyClients(120, 3, 2) });
  });
  afterAll(() => app.close());

  it('keyset pagination walks every client exactly once, in order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const data: any = dataOf(await app.gql(CLIENTS, { first: 50, after }, 'u-staff-0'));
      expect(data.clients.totalCount).toBe(120);
      seen.push(...names(data));
      after = data.clients.pageInfo.hasNextPage ? data.clients.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect([...seen].sort()).toEqual(seen);
  });

  it('the number of SQL statements for a page does not grow with the page size', async () => {
    const query = `query($first: Int, $after: String) { clients(first: $first, after: $after) { totalCount edges { node {
      name partnerCode subscriptionAdmin { name } partner { name }
      users { user { name email } roles isSubscriptionAdmin viaPartner { name } active }
      extensions { key ownerPartner { partnerCode } }
      relationships { status partner { name } }
    } } } }`;
    const statementsFor = async (variables: Record<string, unknown>) => {
      await app.gql(query, variables, 'u-staff-0'); // warm up
      app.statements.reset();
      dataOf(await app.gql(query, variables, 'u-staff-0'));
      return app.statements.count;
    };
    const small = await statementsFor({ first: 5 });
    if (process.env.PRINT_STATEMENTS) console.log(`statements per clients page: ${small}\n${app.statements.statements.join("\n")}`);
    const large = await statementsFor({ first: 100 });
    const deep = await statementsFor({ first: 50, after: Buffer.from(JSON.stringify(['Klient 00060 AS', 'c-00060'])).toString('base64url') });
    expect(large).toBe(small);
    expect(deep).toBe(small);
    // viewer (2) + count + page + accesses + users + partners + extensions + relationships
    expect(small).toBeGreaterThanOrEqual(7);
    expect(small).toBeLessThanOrEqual(10);
  });

  it('totalCount is counted only when asked for', async () => {
    const withCount = '{ clients(first: 10) { totalCount edges { node { name } } } }';
    const without = '{ clients(first: 10) { edges { node { name } } } }';
    // Counting: a COUNT over the clients, or (without a search) the partners' maintained counts.
    const counting = (s: string) => s.includes('COUNT(') || s.includes('partner_client_counts');
    app.statements.reset();
    expect(dataOf(await app.gql(withCount, {}, 'u-staff-0')).clients.totalCount).toBe(120);
    expect(app.statements.statements.filter(counting)).toHaveLength(1);
    app.statements.reset();
    dataOf(await app.gql(without, {}, 'u-staff-0'));
    expect(app.statements.statements.filter(counting)).toHaveLength(0);
  });
});

describe('a client administrator finds the clients they administer (DESIGN A5)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  it('viewer.administeredClients lists clients with an active ADMINISTRATOR access, with or without a partner', async () => {
    const query = '{ viewer { administeredClients { name partnerCode } } }';
    expect(dataOf(await app.gql(query, {}, 'u-ola')).viewer.administeredClients).toEqual([{ name: 'Fjord Bakeri AS', partnerCode: 'NORDLYS' }]);
    expect(dataOf(await app.gql(query, {}, 'u-kari')).viewer.administeredClients.map((c: any) => c.name)).toEqual(['Fjord Bakeri AS', 'Tindefjell Bygg AS']);
    expect(dataOf(await app.gql(query, {}, 'u-eva')).viewer.administeredClients).toEqual([]);
    await app.sql("UPDATE client_accesses SET deactivation_date = '2026-11-01' WHERE user_id = 'u-ola'");
    expect(dataOf(await app.gql(query, {}, 'u-ola')).viewer.administeredClients).toEqual([]);
  });
});
