import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { CLEAR, clientId, END, fjordEnding, LINK, snapshot, userId, resetWorld } from './relationship-helpers';

/** Users who are members of several partners, and a client moving to a new partner (DESIGN E8, A5). */
describe('clearing deactivations and linking a new partner', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    await resetWorld(app, smallWorld());
    expect(dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari')).endCustomerRelationship.userErrors).toEqual([]);
  });

  const codes = (payload: any) => payload.userErrors.map((e: any) => e.code);

  it("E8: the client's administrator removes one user's pending deactivation on the client, and it is audited", async () => {
    const res = dataOf(await app.gql(CLEAR, { input: { clientId: clientId('c-fjord'), userId: userId('u-per') } }, 'u-ola')).clearUserDeactivation;
    expect(res.userErrors).toEqual([]);
    expect(res.clientUser).toEqual({ user: { name: 'Per Hansen' }, deactivationDate: null, active: true });
    expect(await app.sql("SELECT user_id FROM client_accesses WHERE client_id = 'c-fjord' AND deactivation_date IS NOT NULL ORDER BY user_id")).toEqual([
      { user_id: 'u-ingrid' },
      { user_id: 'u-kari' },
    ]);
    expect(await app.sql("SELECT actor_user_id FROM audit_events WHERE action = 'USER_DEACTIVATION_CLEARED'")).toEqual([{ actor_user_id: 'u-ola' }]);
  });

  it('E8: CLIENT_ADMIN users of the current partner may clear too; others may not', async () => {
    await app.sql("UPDATE client_accesses SET deactivation_date = '2027-02-01' WHERE client_id = 'c-tinde' AND user_id = 'u-kari'");
    const before = await snapshot(app);
    const per = dataOf(await app.gql(CLEAR, { input: { clientId: clientId('c-tinde'), userId: userId('u-kari') } }, 'u-per')).clearUserDeactivation;
    expect(codes(per)).toEqual(['FORBIDDEN']);
    const lars = dataOf(await app.gql(CLEAR, { input: { clientId: clientId('c-tinde'), userId: userId('u-kari') } }, 'u-lars')).clearUserDeactivation;
    expect(codes(lars)).toEqual(['NOT_FOUND']);
    expect(await snapshot(app)).toEqual(before);
    const ingrid = dataOf(await app.gql(CLEAR, { input: { clientId: clientId('c-tinde'), userId: userId('u-kari') } }, 'u-ingrid')).clearUserDeactivation;
    expect(ingrid.userErrors).toEqual([]);
  });

  it('E8: NOT_DEACTIVATING when the user has no pending date; NOT_FOUND when the user has no access', async () => {
    const before = await snapshot(app);
    const eva = dataOf(await app.gql(CLEAR, { input: { clientId: clientId('c-fjord'), userId: userId('u-eva') } }, 'u-ola')).clearUserDeactivation;
    expect(eva.userErrors).toEqual([expect.objectContaining({ code: 'NOT_DEACTIVATING', field: ['input', 'userId'] })]);
    const lars = dataOf(await app.gql(CLEAR, { input: { clientId: clientId('c-fjord'), userId: userId('u-lars') } }, 'u-ola')).clearUserDeactivation;
    expect(lars.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'userId'] })]);
    expect(await snapshot(app)).toEqual(before);
  });

  it('E8: an applied deactivation cannot be cleared (NOT_DEACTIVATING)', async () => {
    await app.sql("UPDATE client_accesses SET deactivated_at = '2027-01-15 00:00:00' WHERE client_id = 'c-fjord' AND user_id = 'u-per'");
    const res = dataOf(await app.gql(CLEAR, { input: { clientId: clientId('c-fjord'), userId: userId('u-per') } }, 'u-ola')).clearUserDeactivation;
    expect(codes(res)).toEqual(['NOT_DEACTIVATING']);
  });

  it("E8: linking the client to a new partner clears the pending deactivations of that partner's members, and the audit log says so", async () => {
    const res = dataOf(await app.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'FJELL' } }, 'u-ola')).linkClientToPartner;
    expect(res.userErrors).toEqual([]);
    expect(res.client.partnerCode).toBe('FJELL');
    expect(res.relationship).toEqual({ status: 'ACTIVE', partnerPeriodStart: '2026-11-28', partner: { partnerCode: 'FJELL' } });
    expect(res.clearedDeactivations).toEqual([{ user: { name: 'Ingrid Berg' }, deactivationDate: null }]);
    expect(await app.sql("SELECT user_id, via_partner_id, deactivation_date FROM client_accesses WHERE client_id = 'c-fjord' AND via_partner_id IS NOT NULL ORDER BY user_id")).toEqual([
      { user_id: 'u-ingrid', via_partner_id: 'p-fjell', deactivation_date: null },
      { user_id: 'u-kari', via_partner_id: 'p-nordlys', deactivation_date: '2027-01-15' },
      { user_id: 'u-per', via_partner_id: 'p-nordlys', deactivation_date: '2027-01-15' },
    ]);
    const [audit] = await app.sql("SELECT actor_user_id, JSON_EXTRACT(`after`, '$.clearedDeactivationUserIds') AS cleared FROM audit_events WHERE action = 'CLIENT_LINKED_TO_PARTNER'");
    expect(audit.actor_user_id).toBe('u-ola');
    expect(typeof audit.cleared === 'string' ? JSON.parse(audit.cleared) : audit.cleared).toEqual(['u-ingrid']);
    // The ended relationship with Nordlys stays pending; Fjell's users now see the client.
    expect(await app.sql("SELECT partner_id, status FROM customer_relationships WHERE client_id = 'c-fjord' ORDER BY id")).toEqual([
      { partner_id: 'p-nordlys', status: 'ENDED' },
      { partner_id: 'p-fjell', status: 'ACTIVE' },
    ]);
    const lars = dataOf(await app.gql('{ clients { edges { node { name } } } }', {}, 'u-lars')).clients.edges.map((e: any) => e.node.name);
    expect(lars).toContain('Fjord Bakeri AS');
  });

  it('A5: linking is for the client\'s own administrators; ALREADY_LINKED and an unknown code are refused', async () => {
    const before = await snapshot(app);
    const kari = dataOf(await app.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'FJELL' } }, 'u-kari')).linkClientToPartner;
    expect(codes(kari)).toEqual(['FORBIDDEN']); // sees it in the archive, but is not the client's own administrator
    const lars = dataOf(await app.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'FJELL' } }, 'u-lars')).linkClientToPartner;
    expect(codes(lars)).toEqual(['NOT_FOUND']);
    const unknown = dataOf(await app.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'NOPE' } }, 'u-ola')).linkClientToPartner;
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'partnerCode'] })]);
    const tinde = dataOf(await app.gql(LINK, { input: { clientId: clientId('c-tinde'), partnerCode: 'FJELL' } }, 'u-sjur')).linkClientToPartner;
    expect(codes(tinde)).toEqual(['ALREADY_LINKED']);
    expect(await snapshot(app)).toEqual(before);
  });

  it('E10: linking with an idempotency key runs once', async () => {
    const input = { clientId: clientId('c-fjord'), partnerCode: 'FJELL', idempotencyKey: 'link-1' };
    const first = dataOf(await app.gql(LINK, { input }, 'u-ola')).linkClientToPartner;
    const after = await snapshot(app);
    const retry = dataOf(await app.gql(LINK, { input }, 'u-ola')).linkClientToPartner;
    expect(retry).toEqual(first);
    expect(await snapshot(app)).toEqual(after);
  });
});
