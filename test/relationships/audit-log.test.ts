import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { clientId, END, fjordEnding, TRANSFER, userId } from './relationship-helpers';

const AUDIT = `query Audit($id: ID!, $first: Int, $after: String) {
  node(id: $id) { ... on Client { auditEvents(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id action actor { name } createdAt before after requestId } } } } }
}`;

/** A4: every change is audited, and the client's log is readable in the API by those who see the client. */
describe("a client's audit log (DESIGN A4)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
    dataOf(await app.gql(END, { input: fjordEnding({ newSubscriptionAdminUserId: userId('u-eva') }) }, 'u-kari'));
    app.clock.advance(60_000);
    dataOf(await app.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-ola') } }, 'u-kari'));
  });
  afterAll(() => app.close());

  it('A4: who, what, when, before and after, request id — newest first, paged', async () => {
    const page1 = dataOf(await app.gql(AUDIT, { id: clientId('c-fjord'), first: 2 }, 'u-ola')).node.auditEvents;
    expect(page1.totalCount).toBe(3);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.edges.map((e: any) => e.node.action)).toEqual(['SUBSCRIPTION_ADMIN_TRANSFERRED', 'RELATIONSHIP_ENDED']);
    const ended = page1.edges[1].node;
    expect(ended.actor).toEqual({ name: 'Kari Nordmann' });
    expect(ended.createdAt).toBe('2026-11-28T12:00:00.000Z');
    // before and after are JSON objects in the API (they were JSON text in strings before).
    const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
    expect(json(ended.before)).toMatchObject({ partnerId: 'p-nordlys', status: 'ACTIVE' });
    expect(json(ended.after)).toMatchObject({ partnerId: null, status: 'ENDED', generationDate: '2027-01-15' });
    expect(ended.requestId).toMatch(/.+/);
    const page2 = dataOf(await app.gql(AUDIT, { id: clientId('c-fjord'), first: 2, after: page1.pageInfo.endCursor }, 'u-ola')).node.auditEvents;
    expect(page2.edges.map((e: any) => e.node.action)).toEqual(['SUBSCRIPTION_ADMIN_TRANSFERRED']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('A4: the request id is the caller\'s X-Request-Id', async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await app.tokenFor('u-kari')}`, 'x-request-id': 'req-e7-42' },
      body: JSON.stringify({ query: END, variables: { input: { ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01' } } }),
    });
    expect(res.status).toBe(200);
    expect(await app.sql("SELECT request_id FROM audit_events WHERE client_id = 'c-tinde'")).toEqual([{ request_id: 'req-e7-42' }]);
  });

  it("A2, A6: the log is visible only to those who see the client; through the archive, only the ending's own events", async () => {
    expect(dataOf(await app.gql(AUDIT, { id: clientId('c-fjord') }, 'u-lars')).node).toBeNull();
    const archive = dataOf(await app.gql(AUDIT, { id: clientId('c-fjord') }, 'u-kari')).node.auditEvents;
    // Both handovers were made for the ending (at the ending, E5, and later from the archive, E6): they are its events.
    expect(archive.totalCount).toBe(3);
    expect(archive.edges.map((e: any) => e.node.action)).toEqual(['SUBSCRIPTION_ADMIN_TRANSFERRED', 'RELATIONSHIP_ENDED', 'SUBSCRIPTION_ADMIN_TRANSFERRED']);
  });
});
