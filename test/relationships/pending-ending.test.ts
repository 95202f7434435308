import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { CANCEL, clientId, END, fjordEnding, latestRelationshipOf, relationshipId, snapshot, TRANSFER, UPDATE, userId, resetWorld, RecordingTrigger } from './relationship-helpers';

/** A pending ending, changed from the archive before its generation date (DESIGN E6, E7, E12, S4). */
describe('a pending ending', () => {
  let app: TestApp;
  let rel: string;
  const trigger = new RecordingTrigger();
  beforeAll(async () => {
    app = await startTestApp({ taskTrigger: trigger });
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    await resetWorld(app, smallWorld());
    expect(dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari')).endCustomerRelationship.userErrors).toEqual([]);
    rel = relationshipId(await latestRelationshipOf(app, 'c-fjord'));
    trigger.synced = [];
  });

  const errorsOf = (payload: any) => payload.userErrors.map((e: any) => e.code);

  it('E6: the subscription-administrator role is handed over from the archive by a user with ARCHIVE', async () => {
    const res = dataOf(await app.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-eva') } }, 'u-kari')).transferSubscriptionAdmin;
    expect(res.userErrors).toEqual([]);
    expect(res.grantedAdministrator).toBe(true);
    // Having handed the role over, the ending partner sees the client only through its archive (A6).
    expect(res.client.subscriptionAdmin).toBeNull();
    expect(await app.sql("SELECT subscription_admin_user_id FROM clients WHERE id = 'c-fjord'")).toEqual([{ subscription_admin_user_id: 'u-eva' }]);
    expect(await app.sql("SELECT kind FROM notifications WHERE user_id = 'u-eva' ORDER BY kind")).toEqual([
      { kind: 'ADMINISTRATOR_GRANTED' },
      { kind: 'SUBSCRIPTION_ADMIN_RECEIVED' },
    ]);
    expect(await app.sql("SELECT action FROM audit_events WHERE action = 'SUBSCRIPTION_ADMIN_TRANSFERRED'")).toHaveLength(1);
  });

  it('E6: an already-ADMINISTRATOR holder is not granted it again', async () => {
    const res = dataOf(await app.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-ola') } }, 'u-kari')).transferSubscriptionAdmin;
    expect(res.grantedAdministrator).toBe(false);
    // Besides the notice of the ending itself (S11).
    expect(await app.sql("SELECT kind FROM notifications WHERE user_id = 'u-ola' AND kind <> 'RELATIONSHIP_ENDED'")).toEqual([{ kind: 'SUBSCRIPTION_ADMIN_RECEIVED' }]);
  });

  it('E6: a partner user losing access cannot take the role (INVALID_SUBSCRIPTION_ADMIN)', async () => {
    const before = await snapshot(app);
    const res = dataOf(await app.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-per') } }, 'u-kari')).transferSubscriptionAdmin;
    expect(res.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_SUBSCRIPTION_ADMIN', field: ['input', 'userId'] })]);
    expect(await snapshot(app)).toEqual(before);
  });

  it('E6: from the generation date on, the archive can no longer transfer (GENERATION_DATE_PASSED)', async () => {
    await app.sql("UPDATE partner_memberships SET rights = 'ARCHIVE' WHERE user_id = 'u-per'"); // ARCHIVE, and no client role
    app.clock.set('2027-01-15T08:00:00Z');
    const before = await snapshot(app);
    const res = dataOf(await app.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-ola') } }, 'u-per')).transferSubscriptionAdmin;
    expect(errorsOf(res)).toEqual(['GENERATION_DATE_PASSED']);
    expect(await snapshot(app)).toEqual(before);
    // The holder kept active for the role (S4) still administers the client and may hand it over.
    const holder = dataOf(await app.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-ola') } }, 'u-kari')).transferSubscriptionAdmin;
    expect(holder.userErrors).toEqual([]);
  });

  it("S4: after the generation date the client's administrator takes over the role, and the holder kept only for it loses access at once", async () => {
    app.clock.set('2027-01-20T08:00:00Z');
    const [kari] = await app.sql("SELECT deactivated_at FROM client_accesses WHERE client_id = 'c-fjord' AND user_id = 'u-kari'");
    expect(kari.deactivated_at).toBeNull(); // kept for the subscription role
    const res = dataOf(await app.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-ola') } }, 'u-ola')).transferSubscriptionAdmin;
    expect(res.userErrors).toEqual([]);
    const kariNow = res.client.users.find((u: any) => u.user.name === 'Kari Nordmann');
    expect(kariNow.active).toBe(false);
    const [row] = await app.sql("SELECT deactivated_at FROM client_accesses WHERE client_id = 'c-fjord' AND user_id = 'u-kari'");
    expect(new Date(row.deactivated_at).toISOString()).toBe('2027-01-20T08:00:00.000Z');
  });

  it('E7: a new generation date moves the deactivation dates this ending set and the tasks, and is queued after commit', async () => {
    await app.sql("UPDATE client_accesses SET deactivation_date = '2027-05-05' WHERE client_id = 'c-tinde' AND user_id = 'u-kari'"); // not this ending's
    const res = dataOf(await app.gql(UPDATE, { input: { relationshipId: rel, generationDate: '2027-03-28', responsibilityTo: '2027-02' } }, 'u-kari')).updateEndedRelationship;
    expect(res.userErrors).toEqual([]);
    expect(res.relationship).toMatchObject({ status: 'ENDED', responsibilityFrom: '2021-03', responsibilityTo: '2027-02', generationDate: '2027-03-28' });
    expect(res.relationship.tasks.map((t: any) => t.dueAt)).toEqual(['2027-03-27T23:00:00.000Z', '2027-03-27T23:00:00.000Z']);
    expect(await app.sql("SELECT DISTINCT deactivation_date FROM client_accesses WHERE client_id = 'c-fjord' AND deactivation_date IS NOT NULL")).toEqual([
      { deactivation_date: '2027-03-28' },
    ]);
    expect(await app.sql("SELECT deactivation_date FROM client_accesses WHERE client_id = 'c-tinde' AND user_id = 'u-kari'")).toEqual([{ deactivation_date: '2027-05-05' }]);
    expect(trigger.synced).toHaveLength(1);
    expect(trigger.synced[0].map((t) => new Date(t.dueAt).toISOString())).toEqual(['2027-03-27T23:00:00.000Z', '2027-03-27T23:00:00.000Z']);
  });

  it('E7: the period alone can change; it is checked against the generation date (INVALID_PERIOD)', async () => {
    const ok = dataOf(await app.gql(UPDATE, { input: { relationshipId: rel, responsibilityFrom: '2022-01' } }, 'u-kari')).updateEndedRelationship;
    expect(ok.relationship.responsibilityFrom).toBe('2022-01');
    expect(trigger.synced).toHaveLength(0); // no new date, nothing to reschedule
    const bad = dataOf(await app.gql(UPDATE, { input: { relationshipId: rel, responsibilityTo: '2027-02' } }, 'u-kari')).updateEndedRelationship;
    expect(bad.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_PERIOD', field: ['input', 'responsibilityTo'] })]);
  });

  it('E7: the new date obeys E3 (GENERATION_DATE_NOT_IN_FUTURE, GENERATION_DATE_TOO_FAR)', async () => {
    const past = dataOf(await app.gql(UPDATE, { input: { relationshipId: rel, generationDate: '2026-11-28', responsibilityTo: '2026-10' } }, 'u-kari')).updateEndedRelationship;
    expect(errorsOf(past)).toEqual(['GENERATION_DATE_NOT_IN_FUTURE']);
    const far = dataOf(await app.gql(UPDATE, { input: { relationshipId: rel, generationDate: '2028-01-01' } }, 'u-kari')).updateEndedRelationship;
    expect(errorsOf(far)).toEqual(['GENERATION_DATE_TOO_FAR']);
  });

  it('E7: from the generation date on, the ending can no longer change (GENERATION_DATE_PASSED)', async () => {
    app.clock.set('2027-01-14T23:00:00Z'); // 00:00 in Oslo on the generation date
    const before = await snapshot(app);
    const res = dataOf(await app.gql(UPDATE, { input: { relationshipId: rel, generationDate: '2027-02-01' } }, 'u-kari')).updateEndedRelationship;
    expect(errorsOf(res)).toEqual(['GENERATION_DATE_PASSED']);
    const cancel = dataOf(await app.gql(CANCEL, { input: { relationshipId: rel } }, 'u-kari')).cancelRelationshipEnd;
    expect(errorsOf(cancel)).toEqual(['GENERATION_DATE_PASSED']);
    expect(await snapshot(app)).toEqual(before);
  });

  it('E7: needs ARCHIVE in the ending partner — CLIENT_ADMIN alone does not see the ended relationship (NOT_FOUND)', async () => {
    const res = dataOf(await app.gql(UPDATE, { input: { relationshipId: rel, generationDate: '2027-02-01' } }, 'u-ingrid')).updateEndedRelationship;
    expect(res.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'relationshipId'] })]);
  });

  it('E12: cancelling brings the partner code back, removes the dates, cancels the tasks and audits it', async () => {
    const res = dataOf(await app.gql(CANCEL, { input: { relationshipId: rel } }, 'u-kari')).cancelRelationshipEnd;
    expect(res.userErrors).toEqual([]);
    expect(res.relationship.status).toBe('CANCELLED');
    expect(res.client.partnerCode).toBe('NORDLYS');
    // The cancelled row stays as history; a new ACTIVE row carries the partnership on from its start.
    expect(res.client.relationships).toEqual([
      { status: 'ACTIVE', partnerPeriodStart: '2021-03-01' },
      { status: 'CANCELLED', partnerPeriodStart: '2021-03-01' },
    ]);
    expect(await app.sql("SELECT COUNT(*) AS n FROM client_accesses WHERE client_id = 'c-fjord' AND deactivation_date IS NOT NULL")).toEqual([{ n: '0' }]);
    expect(await app.sql('SELECT DISTINCT state FROM scheduled_tasks')).toEqual([{ state: 'CANCELLED' }]);
    expect(await app.sql("SELECT partner_id, partner_since FROM clients WHERE id = 'c-fjord'")).toEqual([{ partner_id: 'p-nordlys', partner_since: '2021-03-01' }]);
    expect(await app.sql("SELECT action FROM audit_events WHERE action = 'RELATIONSHIP_END_CANCELLED'")).toHaveLength(1);
    expect(trigger.synced[0].map((t) => t.state)).toEqual(['CANCELLED', 'CANCELLED']);

    // And the relationship can be ended again.
    const again = dataOf(await app.gql(END, { input: fjordEnding({ generationDate: '2027-02-01' }) }, 'u-kari')).endCustomerRelationship;
    expect(again.userErrors).toEqual([]);
    expect(await app.sql("SELECT status FROM customer_relationships WHERE client_id = 'c-fjord' ORDER BY id")).toEqual([{ status: 'CANCELLED' }, { status: 'ENDED' }]);
  });

  it('E12, E14: a cancel does not take the client from a partner it has now, nor give the old partner its access back (CLIENT_LINKED_ELSEWHERE)', async () => {
    await app.sql("UPDATE clients SET partner_id = 'p-fjell', partner_since = '2026-11-28' WHERE id = 'c-fjord'"); // a code without a relationship row
    const before = await snapshot(app);
    const res = dataOf(await app.gql(CANCEL, { input: { relationshipId: rel } }, 'u-kari')).cancelRelationshipEnd;
    expect(errorsOf(res)).toEqual(['CLIENT_LINKED_ELSEWHERE']);
    expect(await snapshot(app)).toEqual(before);
  });

  it('E12: a cancelled ending cannot be cancelled or changed again', async () => {
    dataOf(await app.gql(CANCEL, { input: { relationshipId: rel } }, 'u-kari'));
    const again = dataOf(await app.gql(CANCEL, { input: { relationshipId: rel } }, 'u-kari')).cancelRelationshipEnd;
    expect(errorsOf(again)).toEqual(['NOT_FOUND']);
  });
});
