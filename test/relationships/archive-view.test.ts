import { toGlobalId } from '../../src/common/global-id';
import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { clientId, END, fjordEnding, LINK, TRANSFER, userId } from './relationship-helpers';

/**
 * DESIGN A6: through an ended relationship, a partner user with ARCHIVE sees what that relationship owns — the client's
 * name and organization number as they were, its period, tasks, documents and audit events — and not the client's
 * present: its new partner, users, extensions, subscription administrator or later audit events.
 */

const CLIENT_FIELDS = `name organizationNumber partnerCode partnerSince partner { id } subscriptionAdmin { email }
  users { user { email } } extensions { key } auditEvents { edges { node { action } } } relationships { partner { id } status }`;

const ARCHIVE = `{ archive(first: 10) { edges { node { status responsibilityFrom responsibilityTo generationDate
  tasks { kind } client { ${CLIENT_FIELDS} } } } } }`;
const NODE = `query($id: ID!) { node(id: $id) { ... on Client { ${CLIENT_FIELDS} } } }`;
const ARCHIVE_TAB = `query($search: String) { clients(filter: { tab: ARCHIVE, search: $search }) {
  totalCount edges { cursor node { ${CLIENT_FIELDS} } } } }`;

const nordlys = toGlobalId('Partner', 'p-nordlys');
const fjell = toGlobalId('Partner', 'p-fjell');

/** The world: c-fjord's subscription administrator is its own Ola; Nils administers c-fjord through Nordlys without ARCHIVE. */
function world(renamed = false) {
  const data = smallWorld();
  data.users.push({ id: 'u-nils', name: 'Nils Dahl', email: 'nils@nordlys.example', memberships: [{ partner: 'p-nordlys', rights: ['CLIENT_ADMIN'] }] });
  const fjord = data.clients.find((c) => c.id === 'c-fjord')!;
  fjord.subscriptionAdmin = 'u-ola';
  (fjord.access as Array<{ user: string; roles: string[]; viaPartner?: string }>).push({ user: 'u-nils', roles: ['ADMINISTRATOR'], viaPartner: 'p-nordlys' });
  // The import updates the name and organization number of a client it already has.
  if (renamed) Object.assign(fjord, { name: 'Fjord Bakeri og Konditori AS', organizationNumber: '987000111' });
  return data;
}

/** What Nordlys's ARCHIVE user may see of c-fjord after its ending: the client as it was, and only its own relationship. */
const AS_IT_WAS = {
  name: 'Fjord Bakeri AS',
  organizationNumber: '987654321',
  partnerCode: null,
  partnerSince: null,
  partner: null,
  subscriptionAdmin: null,
  users: [],
  extensions: [],
  auditEvents: { edges: [{ node: { action: 'RELATIONSHIP_ENDED' } }, { node: { action: 'SUBSCRIPTION_ADMIN_TRANSFERRED' } }] },
  relationships: [{ partner: { id: nordlys }, status: 'ENDED' }],
};

describe('through an ended relationship, only what that relationship owns (DESIGN A6)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: world() });
    // Ola hands the subscription-administrator role to Kari (she is notified about Fjord Bakeri AS).
    expect(dataOf(await app.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-kari') } }, 'u-ola')).transferSubscriptionAdmin.userErrors).toEqual([]);
    // Nordlys ends; the role goes back to Ola with the ending.
    const ending = dataOf(await app.gql(END, { input: fjordEnding({ newSubscriptionAdminUserId: userId('u-ola') }) }, 'u-kari')).endCustomerRelationship;
    expect(ending.userErrors).toEqual([]);
    // The client links itself to Fjelltopp, and is renamed afterwards.
    expect(dataOf(await app.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'FJELL' } }, 'u-ola')).linkClientToPartner.userErrors).toEqual([]);
    await app.load(world(true));
  });
  afterAll(() => app.close());

  it("the ending partner's ARCHIVE user sees, through the archive, the client as it was at the ending and nothing of its present", async () => {
    const edges = dataOf(await app.gql(ARCHIVE, {}, 'u-kari')).archive.edges;
    expect(edges).toEqual([
      {
        node: {
          status: 'ENDED',
          responsibilityFrom: '2021-03',
          responsibilityTo: '2026-11',
          generationDate: '2027-01-15',
          tasks: [{ kind: 'APPLY_DEACTIVATIONS' }, { kind: 'GENERATE_MANDATORY_DATA' }],
          client: AS_IT_WAS,
        },
      },
    ]);
  });

  it("node(id:) shows the ending partner's ARCHIVE user the same client as it was, not as it is", async () => {
    expect(dataOf(await app.gql(NODE, { id: clientId('c-fjord') }, 'u-kari')).node).toEqual(AS_IT_WAS);
  });

  it("the archive tab lists, finds and pages the client by its name as it was: neither a search nor a cursor tells the new one", async () => {
    const tab = dataOf(await app.gql(ARCHIVE_TAB, {}, 'u-kari')).clients;
    expect(tab.totalCount).toBe(1);
    expect(tab.edges.map((e: any) => e.node)).toEqual([AS_IT_WAS]);
    expect(Buffer.from(tab.edges[0].cursor, 'base64url').toString('utf8')).not.toContain('Konditori');

    expect(dataOf(await app.gql(ARCHIVE_TAB, { search: 'Konditori' }, 'u-kari')).clients.totalCount).toBe(0);
    expect(dataOf(await app.gql(ARCHIVE_TAB, { search: '987000' }, 'u-kari')).clients.totalCount).toBe(0);
    expect(dataOf(await app.gql(ARCHIVE_TAB, { search: 'Fjord Bakeri AS' }, 'u-kari')).clients.totalCount).toBe(1);
    expect(dataOf(await app.gql(ARCHIVE_TAB, { search: '987654' }, 'u-kari')).clients.totalCount).toBe(1);

    const archiveSearch = `query($search: String) { archive(filter: { search: $search }) { totalCount } }`;
    expect(dataOf(await app.gql(archiveSearch, { search: 'Konditori' }, 'u-kari')).archive.totalCount).toBe(0);
    expect(dataOf(await app.gql(archiveSearch, { search: 'Fjord Bakeri AS' }, 'u-kari')).archive.totalCount).toBe(1);
  });

  it("a notification about the client shows the ending partner's user the client as it was", async () => {
    const query = '{ viewer { notifications { kind client { name partnerCode subscriptionAdmin { email } users { user { email } } } } } }';
    expect(dataOf(await app.gql(query, {}, 'u-kari')).viewer.notifications).toEqual([
      { kind: 'SUBSCRIPTION_ADMIN_RECEIVED', client: { name: 'Fjord Bakeri AS', partnerCode: null, subscriptionAdmin: null, users: [] } },
    ]);
  });

  it("an administrator through the ending partner without ARCHIVE no longer sees or administers the client once the ending is made", async () => {
    expect(dataOf(await app.gql(NODE, { id: clientId('c-fjord') }, 'u-nils')).node).toBeNull();
    expect(dataOf(await app.gql('{ viewer { administeredClients { name } } }', {}, 'u-nils')).viewer.administeredClients).toEqual([]);
  });

  it("the new partner's CLIENT_ADMIN and the client's own administrator still see the client's present", async () => {
    const present = (relationships: unknown) => ({
      name: 'Fjord Bakeri og Konditori AS',
      organizationNumber: '987000111',
      partnerCode: 'FJELL',
      partnerSince: '2026-11-28',
      partner: { id: fjell },
      subscriptionAdmin: { email: 'ola@fjordbakeri.example' },
      users: expect.arrayContaining([{ user: { email: 'ola@fjordbakeri.example' } }, { user: { email: 'kari@nordlys.example' } }]),
      extensions: [{ key: 'bank-feed' }, { key: 'webshop' }],
      auditEvents: {
        edges: [
          { node: { action: 'CLIENT_LINKED_TO_PARTNER' } },
          { node: { action: 'RELATIONSHIP_ENDED' } },
          { node: { action: 'SUBSCRIPTION_ADMIN_TRANSFERRED' } },
          { node: { action: 'SUBSCRIPTION_ADMIN_TRANSFERRED' } },
        ],
      },
      relationships,
    });
    expect(dataOf(await app.gql(NODE, { id: clientId('c-fjord') }, 'u-lars')).node).toEqual(present([{ partner: { id: fjell }, status: 'ACTIVE' }]));
    expect(dataOf(await app.gql(NODE, { id: clientId('c-fjord') }, 'u-ola')).node).toEqual(
      present([
        { partner: { id: fjell }, status: 'ACTIVE' },
        { partner: { id: nordlys }, status: 'ENDED' },
      ]),
    );
  });
});

describe('the client as it was at the ending (migration)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: world() });
  });
  afterAll(() => app.close());

  it('relationships ended before the snapshot existed take the name and organization number from the client', async () => {
    expect(dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari')).endCustomerRelationship.userErrors).toEqual([]);
    const { dataSource } = app.opened.runtime;
    const snapshotMigration = 'RelationshipClientSnapshot1764910000000';
    const applied = async () => (await app.sql<{ name: string }>('SELECT name FROM migrations')).map((m) => m.name);
    while ((await applied()).includes(snapshotMigration)) await dataSource.undoLastMigration({ transaction: 'each' });
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await app.sql('SELECT client_id, status, client_name, client_organization_number FROM customer_relationships ORDER BY client_id')).toEqual([
      { client_id: 'c-fjord', status: 'ENDED', client_name: 'Fjord Bakeri AS', client_organization_number: '987654321' },
      { client_id: 'c-hav', status: 'ACTIVE', client_name: null, client_organization_number: null },
      { client_id: 'c-tinde', status: 'ACTIVE', client_name: null, client_organization_number: null },
    ]);
  });
});
