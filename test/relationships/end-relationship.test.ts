import { smallWorld } from '../support/fixtures';
import { dataOf, errorCode, startTestApp, TestApp } from '../support/test-app';
import { clientId, END, fjordEnding, PREVIEW, snapshot, TRANSFER, userId, resetWorld } from './relationship-helpers';

describe('ending a customer relationship (DESIGN E1-E5, E9, E13)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  beforeEach(() => resetWorld(app, smallWorld()));
  afterAll(() => app.close());

  it('E13: the preview shows what ending would do and changes nothing', async () => {
    const before = await snapshot(app);
    const preview = dataOf(await app.gql(PREVIEW, { clientId: clientId('c-fjord') }, 'u-kari')).endCustomerRelationshipPreview;
    expect(preview).toEqual({
      client: { name: 'Fjord Bakeri AS' },
      partner: { partnerCode: 'NORDLYS' },
      partnerPeriodStart: '2021-03-01',
      earliestGenerationDate: '2026-11-29',
      latestGenerationDate: '2027-11-29',
      deactivations: [{ user: { name: 'Kari Nordmann' } }, { user: { name: 'Per Hansen' } }, { user: { name: 'Ingrid Berg' } }],
      usersInOtherPartners: [{ user: { name: 'Ingrid Berg' } }],
      subscriptionAdminIsPartnerUser: true,
      subscriptionAdminCandidates: [{ name: 'Eva Lie' }, { name: 'Ola Bakke' }],
      partnerOwnedExtensions: [{ key: 'bank-feed', ownerPartner: { partnerCode: 'NORDLYS' } }],
    });
    expect(await snapshot(app)).toEqual(before);
  });

  it('E13: the earliest generation date is tomorrow in Europe/Oslo, also late in the UTC evening', async () => {
    app.clock.set('2026-11-28T23:30:00Z'); // already 29 November in Oslo
    const preview = dataOf(await app.gql(PREVIEW, { clientId: clientId('c-fjord') }, 'u-kari')).endCustomerRelationshipPreview;
    expect(preview.earliestGenerationDate).toBe('2026-11-30');
  });

  it('E4: one ending removes the partner code, ends the relationship, dates the partner users, schedules the tasks and audits it', async () => {
    const res = dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari')).endCustomerRelationship;
    expect(res.userErrors).toEqual([]);
    expect(res.relationship).toMatchObject({
      status: 'ENDED',
      partnerPeriodStart: '2021-03-01',
      partnerPeriodEnd: '2026-11-28',
      responsibilityFrom: '2021-03',
      responsibilityTo: '2026-11',
      generationDate: '2027-01-15',
      endedAt: '2026-11-28T12:00:00.000Z',
      endedBy: { name: 'Kari Nordmann' },
      partner: { partnerCode: 'NORDLYS' },
    });
    expect(res.relationship.tasks).toEqual([
      { kind: 'APPLY_DEACTIVATIONS', state: 'SCHEDULED', dueAt: '2027-01-14T23:00:00.000Z', attempts: 0, lastError: null },
      { kind: 'GENERATE_MANDATORY_DATA', state: 'SCHEDULED', dueAt: '2027-01-14T23:00:00.000Z', attempts: 0, lastError: null },
    ]);
    expect(res.client).toMatchObject({ partnerCode: null, subscriptionAdmin: { name: 'Kari Nordmann' } });
    expect(res.deactivations.map((d: any) => [d.user.name, d.deactivationDate, d.active, d.viaPartner.partnerCode])).toEqual([
      ['Kari Nordmann', '2027-01-15', true, 'NORDLYS'],
      ['Per Hansen', '2027-01-15', true, 'NORDLYS'],
      ['Ingrid Berg', '2027-01-15', true, 'NORDLYS'],
    ]);
    expect(res.warnings.map((w: any) => w.code)).toEqual(['USERS_IN_OTHER_PARTNERS', 'SUBSCRIPTION_ADMIN_LEAVING']);

    const rows = await app.sql("SELECT status FROM customer_relationships WHERE client_id = 'c-fjord'");
    expect(rows).toEqual([{ status: 'ENDED' }]); // the import's ACTIVE row became the ended one
    const own = await app.sql("SELECT user_id, deactivation_date FROM client_accesses WHERE client_id = 'c-fjord' AND via_partner_id IS NULL ORDER BY user_id");
    expect(own).toEqual([{ user_id: 'u-eva', deactivation_date: null }, { user_id: 'u-ola', deactivation_date: null }]);
    const audit = await app.sql("SELECT action, actor_user_id, JSON_EXTRACT(`after`, '$.generationDate') AS gen FROM audit_events WHERE client_id = 'c-fjord'");
    expect(audit).toEqual([{ action: 'RELATIONSHIP_ENDED', actor_user_id: 'u-kari', gen: '2027-01-15' }]);

    // The client leaves the partner's active list and appears in its archive.
    const lists = dataOf(await app.gql('{ active: clients { edges { node { name } } } archive: clients(filter: {tab: ARCHIVE}) { edges { node { name } } } }', {}, 'u-kari'));
    expect(lists.active.edges.map((e: any) => e.node.name)).toEqual(['Tindefjell Bygg AS']);
    expect(lists.archive.edges.map((e: any) => e.node.name)).toEqual(['Fjord Bakeri AS']);
  });

  it('E4: without an ACTIVE relationship row (data from before relationships were recorded) the ending creates one', async () => {
    await app.sql("DELETE FROM customer_relationships WHERE client_id = 'c-fjord'");
    const res = dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari')).endCustomerRelationship;
    expect(res.userErrors).toEqual([]);
    expect(res.relationship).toMatchObject({ status: 'ENDED', partnerPeriodStart: '2021-03-01', partnerPeriodEnd: '2026-11-28' });
    expect(await app.sql("SELECT COUNT(*) AS n FROM scheduled_tasks")).toEqual([{ n: '2' }]);
  });

  it('E4: all of it or none — when the last write fails, nothing of the ending stays', async () => {
    const before = await snapshot(app);
    await app.sql('RENAME TABLE audit_events TO audit_events_away'); // the audit insert, written last, fails
    try {
      const res = await app.gql(END, { input: fjordEnding({ newSubscriptionAdminUserId: userId('u-eva'), removePartnerOwnedExtensions: true }) }, 'u-kari');
      expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await app.sql('RENAME TABLE audit_events_away TO audit_events');
    }
    expect(await snapshot(app)).toEqual(before);
  });

  it('E5: while the client is linked, a CLIENT_ADMIN of its partner hands the role over on its own', async () => {
    const res = dataOf(await app.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-ola') } }, 'u-ingrid')).transferSubscriptionAdmin;
    expect(res.userErrors).toEqual([]);
    expect(res.client.subscriptionAdmin).toEqual({ name: 'Ola Bakke' });
    expect(res.grantedAdministrator).toBe(false);
  });

  it('E2: a responsibility period outside the partner period is allowed, with a warning', async () => {
    const res = dataOf(await app.gql(END, { input: fjordEnding({ responsibilityFrom: '2020-01' }) }, 'u-kari')).endCustomerRelationship;
    expect(res.userErrors).toEqual([]);
    expect(res.warnings.map((w: any) => w.code)).toContain('RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD');
  });

  it('E5: the subscription-administrator role moves at once to a client user, who is made ADMINISTRATOR and notified', async () => {
    const res = dataOf(await app.gql(END, { input: fjordEnding({ newSubscriptionAdminUserId: userId('u-eva') }) }, 'u-kari')).endCustomerRelationship;
    expect(res.userErrors).toEqual([]);
    // Without the role, the ending partner sees the client only through its archive from now on (A6).
    expect(res.client.subscriptionAdmin).toBeNull();
    expect(await app.sql("SELECT subscription_admin_user_id FROM clients WHERE id = 'c-fjord'")).toEqual([{ subscription_admin_user_id: 'u-eva' }]);
    expect(await app.sql("SELECT roles FROM client_accesses WHERE client_id = 'c-fjord' AND user_id = 'u-eva'")).toEqual([{ roles: 'ADMINISTRATOR' }]);
    const notes = dataOf(await app.gql('{ viewer { notifications { kind message client { name } } } }', {}, 'u-eva')).viewer.notifications;
    // As the new subscription administrator, Eva also hears of the ending itself (S11).
    expect(notes.map((n: any) => n.kind).sort()).toEqual(['ADMINISTRATOR_GRANTED', 'RELATIONSHIP_ENDED', 'SUBSCRIPTION_ADMIN_RECEIVED']);
    expect(notes[0].client).toEqual({ name: 'Fjord Bakeri AS' });
  });

  it('E5: a user who already is ADMINISTRATOR gets only the subscription notice', async () => {
    dataOf(await app.gql(END, { input: fjordEnding({ newSubscriptionAdminUserId: userId('u-ola') }) }, 'u-kari'));
    expect(await app.sql("SELECT kind FROM notifications WHERE user_id = 'u-ola' ORDER BY id")).toEqual([{ kind: 'SUBSCRIPTION_ADMIN_RECEIVED' }, { kind: 'RELATIONSHIP_ENDED' }]);
  });

  it('E9: partner-owned extensions are removed when the input asks for it, and only then', async () => {
    const kept = dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari')).endCustomerRelationship;
    expect(kept.client.extensions.map((e: any) => e.key)).toEqual(['bank-feed', 'webshop']);

    const res = dataOf(await app.gql(END, { input: { ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01', removePartnerOwnedExtensions: true } }, 'u-kari')).endCustomerRelationship;
    expect(res.userErrors).toEqual([]);
    await app.sql("INSERT INTO client_extensions (client_id, `key`, name, owner_partner_id) VALUES ('c-hav', 'x', 'X', 'p-fjell')");
    const hav = dataOf(await app.gql(END, { input: { clientId: clientId('c-hav'), responsibilityFrom: '2022-05', responsibilityTo: '2026-10', generationDate: '2027-01-15', removePartnerOwnedExtensions: true } }, 'u-lars')).endCustomerRelationship;
    expect(hav.userErrors).toEqual([]);
    expect(hav.client.extensions).toEqual([]);
  });

  it('A3: an ended partner user keeps access until the generation date, then the date alone takes it away', async () => {
    dataOf(await app.gql(END, { input: fjordEnding({ newSubscriptionAdminUserId: userId('u-ola') }) }, 'u-kari'));
    const users = '{ node(id: "' + clientId('c-fjord') + '") { ... on Client { users { user { name } active } } } }';
    const before = dataOf(await app.gql(users, {}, 'u-ola')).node.users.find((u: any) => u.user.name === 'Per Hansen');
    expect(before.active).toBe(true);
    app.clock.set('2027-01-14T23:00:00Z'); // 00:00 in Oslo on the generation date; no job has run
    const after = dataOf(await app.gql(users, {}, 'u-ola')).node.users.find((u: any) => u.user.name === 'Per Hansen');
    expect(after.active).toBe(false);
  });
});
