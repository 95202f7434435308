import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { clientId, END, fjordEnding, latestRelationshipOf, LINK, relationshipId, resetWorld } from './relationship-helpers';

const CLIENT = `query C($id: ID!) { node(id: $id) { ... on Client { name partnerCode users { user { name } } } } }`;
const LIST = `{ clients(first: 10) { totalCount nodes { name } } }`;
const CANDIDATES = `query R($id: ID!) { node(id: $id) { ... on CustomerRelationship { status subscriptionAdminCandidates { name } } } }`;

describe('until the generation date: the departing partner finishes its period (DESIGN A8, E6)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  beforeEach(() => resetWorld(app, smallWorld()));
  afterAll(() => app.close());

  it('A8: a partner user without ARCHIVE keeps seeing the client they work on until the generation date, then not', async () => {
    dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari'));
    for (const user of ['u-per', 'u-ingrid']) {
      expect(dataOf(await app.gql(CLIENT, { id: clientId('c-fjord') }, user)).node).toMatchObject({ name: 'Fjord Bakeri AS', partnerCode: null });
      expect(dataOf(await app.gql(LIST, {}, user)).clients.nodes.map((c: any) => c.name)).toContain('Fjord Bakeri AS');
    }
    // With ARCHIVE, Kari sees it through the archive instead (A6): not in her ACTIVE tab.
    expect(dataOf(await app.gql(LIST, {}, 'u-kari')).clients.nodes.map((c: any) => c.name)).not.toContain('Fjord Bakeri AS');

    app.clock.set('2027-01-14T23:00:00Z'); // 00:00 in Oslo on the generation date; no job has run
    for (const user of ['u-per', 'u-ingrid']) {
      expect(dataOf(await app.gql(CLIENT, { id: clientId('c-fjord') }, user)).node).toBeNull();
      expect(dataOf(await app.gql(LIST, {}, user)).clients.nodes.map((c: any) => c.name)).not.toContain('Fjord Bakeri AS');
    }
  });

  it('A8, E14: once the client is linked to another partner, the departing partner\'s users lose sight of it at once', async () => {
    dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari'));
    expect(dataOf(await app.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'FJELL' } }, 'u-ola')).linkClientToPartner.userErrors).toEqual([]);
    expect(dataOf(await app.gql(CLIENT, { id: clientId('c-fjord') }, 'u-per')).node).toBeNull();
    expect(dataOf(await app.gql(LIST, {}, 'u-per')).clients.nodes.map((c: any) => c.name)).not.toContain('Fjord Bakeri AS');
  });

  it('E6: after the ending, a user with ARCHIVE lists the subscription-administrator candidates from the archive; nobody else, and not from the generation date on', async () => {
    dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari'));
    const rel = relationshipId(await latestRelationshipOf(app, 'c-fjord'));
    expect(dataOf(await app.gql(CANDIDATES, { id: rel }, 'u-kari')).node).toEqual({ status: 'ENDED', subscriptionAdminCandidates: [{ name: 'Eva Lie' }, { name: 'Ola Bakke' }] });
    // The client's own administrator sees the relationship (A7) but hands over as administrator, not from the archive.
    expect(dataOf(await app.gql(CANDIDATES, { id: rel }, 'u-ola')).node.subscriptionAdminCandidates).toEqual([]);
    app.clock.set('2027-01-14T23:00:00Z');
    expect(dataOf(await app.gql(CANDIDATES, { id: rel }, 'u-kari')).node.subscriptionAdminCandidates).toEqual([]);
  });
});
