import { createHash } from 'node:crypto';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { clientId, userId } from './relationship-helpers';

/**
 * Every row one ending writes, column by column, against values worked out here from the fixture and the rules (E4,
 * E5, E8, E9, E10, S1, S11) rather than read back from the code that wrote them.
 */
const MUTATION = `mutation End($input: EndCustomerRelationshipInput!) {
  endCustomerRelationship(input: $input) {
    relationship { id status generationDate }
    client { id partnerCode }
    deactivations { id user { id } deactivationDate }
    warnings { code }
    userErrors { code message field }
  }
}`;

const NOW = new Date('2026-11-28T12:00:00.000Z');
const own = Array.from({ length: 3 }, (_, j) => ({ id: `u-own-${j}`, name: `Eier ${j}`, email: `own${j}@klient.example` }));
const staff = Array.from({ length: 5 }, (_, j) => ({
  id: `u-staff-${j}`,
  name: `Ansatt ${j}`,
  email: `staff${j}@nordlys.example`,
  memberships: [{ partner: 'p-nordlys', rights: ['CLIENT_ADMIN', 'ARCHIVE'] }, ...(j % 2 === 0 ? [{ partner: 'p-other', rights: ['CLIENT_ADMIN'] }] : [])],
}));

/** Two clients of Nordlys: c-a administered by its own u-own-0, c-b by the partner's u-staff-3. */
function world() {
  const client = (id: string, name: string, organizationNumber: string, subscriptionAdmin: string) => ({
    id,
    name,
    organizationNumber,
    partner: 'p-nordlys',
    partnerSince: '2021-03-01',
    subscriptionAdmin,
    access: [
      ...own.map((u, j) => ({ user: u.id, roles: j < 2 ? ['ADMINISTRATOR'] : [] })),
      ...staff.map((u, j) => ({ user: u.id, roles: j === 3 ? ['ADMINISTRATOR'] : [], viaPartner: 'p-nordlys' })),
    ],
    extensions: [
      { key: 'ext-b', name: 'B', ownerPartner: 'p-nordlys' },
      { key: 'ext-a', name: 'A', ownerPartner: 'p-nordlys' },
      { key: 'ext-own', name: 'Own' },
    ],
  });
  return {
    partners: [
      { id: 'p-nordlys', name: 'Nordlys Regnskap AS', partnerCode: 'NORDLYS' },
      { id: 'p-other', name: 'Annen Regnskap AS', partnerCode: 'ANNEN' },
    ],
    users: [...own, ...staff],
    clients: [client('c-a', 'Alfa Bakeri AS', '911000001', 'u-own-0'), client('c-b', 'Beta Bygg AS', '911000002', 'u-staff-3')],
  };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('the rows an ending writes (E4, S1, S11, E10)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: world() });
  });
  afterAll(async () => {
    await app.close();
  });

  async function accessIds(client: string): Promise<Map<string, string>> {
    const rows = await app.sql('SELECT id, user_id FROM client_accesses WHERE client_id = ? ORDER BY id', [client]);
    return new Map(rows.map((r: any) => [r.user_id, String(r.id)]));
  }

  it('E4, E9, E10, S1, S11: one ending with a key and removePartnerOwnedExtensions writes exactly these rows', async () => {
    const ids = await accessIds('c-a');
    const [{ id: relId }] = await app.sql("SELECT id FROM customer_relationships WHERE client_id = 'c-a'");
    const rel = String(relId);
    const startedAt = new Date(Date.now() - 1000);
    const input = { clientId: clientId('c-a'), responsibilityFrom: '2021-03', responsibilityTo: '2026-11', generationDate: '2027-01-15', removePartnerOwnedExtensions: true, idempotencyKey: 'rows-1' };
    const res = await app.gql(MUTATION, { input }, 'u-staff-1');
    const result = dataOf(res).endCustomerRelationship;
    const staffIds = staff.map((u) => ids.get(u.id)!);

    expect(result.userErrors).toEqual([]);
    expect(result.relationship).toEqual({ id: expect.any(String), status: 'ENDED', generationDate: '2027-01-15' });
    expect(result.client).toEqual({ id: clientId('c-a'), partnerCode: null });
    expect(result.deactivations.map((d: any) => [d.user.id, d.deactivationDate])).toEqual(staff.map((u) => [userId(u.id), '2027-01-15']));
    expect(result.warnings.map((w: any) => w.code)).toEqual(['USERS_IN_OTHER_PARTNERS']);

    const [relationship] = await app.sql('SELECT * FROM customer_relationships WHERE client_id = ?', ['c-a']);
    expect({ ...relationship, created_at: undefined, updated_at: undefined }).toEqual({
      id: relId,
      client_id: 'c-a',
      partner_id: 'p-nordlys',
      status: 'ENDED',
      partner_period_start: '2021-03-01',
      partner_period_end: '2026-11-28',
      responsibility_from: '2021-03',
      responsibility_to: '2026-11',
      generation_date: '2027-01-15',
      ended_at: NOW,
      ended_by_user_id: 'u-staff-1',
      cancelled_at: null,
      client_name: 'Alfa Bakeri AS',
      client_organization_number: '911000001',
      created_at: undefined,
      updated_at: undefined,
    });
    expect(relationship.updated_at.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);

    const [client] = await app.sql('SELECT id, name, organization_number, partner_id, partner_since, subscription_admin_user_id, updated_at FROM clients WHERE id = ?', ['c-a']);
    expect({ ...client, updated_at: undefined }).toEqual({
      id: 'c-a',
      name: 'Alfa Bakeri AS',
      organization_number: '911000001',
      partner_id: null,
      partner_since: null,
      subscription_admin_user_id: 'u-own-0',
      updated_at: undefined,
    });
    expect(client.updated_at.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);

    expect(await app.sql('SELECT user_id, roles, via_partner_id, deactivation_date, deactivation_relationship_id, deactivated_at FROM client_accesses WHERE client_id = ? ORDER BY id', ['c-a'])).toEqual([
      ...own.map((u, j) => ({ user_id: u.id, roles: j < 2 ? 'ADMINISTRATOR' : '', via_partner_id: null, deactivation_date: null, deactivation_relationship_id: null, deactivated_at: null })),
      ...staff.map((u, j) => ({ user_id: u.id, roles: j === 3 ? 'ADMINISTRATOR' : '', via_partner_id: 'p-nordlys', deactivation_date: '2027-01-15', deactivation_relationship_id: rel, deactivated_at: null })),
    ]);
    // The other client is untouched.
    expect(await app.sql("SELECT COUNT(*) AS n FROM client_accesses WHERE client_id = 'c-b' AND deactivation_date IS NOT NULL")).toEqual([{ n: '0' }]);

    const tasks = await app.sql('SELECT * FROM scheduled_tasks ORDER BY id');
    expect(tasks.map((t: any) => ({ ...t, id: undefined, created_at: undefined, updated_at: undefined }))).toEqual(
      ['GENERATE_MANDATORY_DATA', 'APPLY_DEACTIVATIONS'].map((kind) => ({
        id: undefined,
        relationship_id: rel,
        kind,
        state: 'SCHEDULED',
        due_at: new Date('2027-01-14T23:00:00.000Z'),
        attempts: 0,
        last_error: null,
        started_at: null,
        finished_at: null,
        created_at: undefined,
        updated_at: undefined,
      })),
    );
    expect(Number(tasks[1].id)).toBe(Number(tasks[0].id) + 1);

    expect(await app.sql("SELECT `key`, owner_partner_id FROM client_extensions WHERE client_id = 'c-a' ORDER BY `key`")).toEqual([{ key: 'ext-own', owner_partner_id: null }]);
    expect(await app.sql("SELECT COUNT(*) AS n FROM client_extensions WHERE client_id = 'c-b'")).toEqual([{ n: '3' }]);

    const audit = await app.sql("SELECT * FROM audit_events WHERE action <> 'IMPORT'");
    expect(audit).toHaveLength(1);
    expect({ ...audit[0], id: undefined, request_id: undefined }).toEqual({
      id: undefined,
      client_id: 'c-a',
      relationship_id: rel,
      actor_user_id: 'u-staff-1',
      api_key_id: null,
      action: 'RELATIONSHIP_ENDED',
      before: { partnerId: 'p-nordlys', partnerSince: '2021-03-01', subscriptionAdminUserId: 'u-own-0', status: 'ACTIVE' },
      after: {
        partnerId: null,
        partnerSince: null,
        status: 'ENDED',
        responsibilityFrom: '2021-03',
        responsibilityTo: '2026-11',
        generationDate: '2027-01-15',
        deactivatedUserIds: staff.map((u) => u.id),
        usersInOtherPartners: ['u-staff-0', 'u-staff-2', 'u-staff-4'],
        removedExtensions: ['ext-a', 'ext-b'],
        subscriptionAdminUserId: 'u-own-0',
      },
      request_id: undefined,
      created_at: NOW,
    });
    expect(audit[0].request_id).toMatch(/^[0-9a-f-]{36}$/);

    const message =
      'Nordlys Regnskap AS has ended its customer relationship with Alfa Bakeri AS (911000001); ended by Ansatt 1 on 2026-11-28. ' +
      'Responsibility period: 2021-03–2026-11. ' +
      "On 2027-01-15 the mandatory accounting data for that period is generated into the archive, where the client's administrators can read and download it, " +
      "and the partner's users lose access to the client: Ansatt 0, Ansatt 1, Ansatt 2, Ansatt 3, Ansatt 4.";
    const notices = await app.sql('SELECT * FROM notifications ORDER BY id');
    expect(notices.map((n: any) => ({ ...n, id: undefined }))).toEqual(
      ['u-own-0', 'u-own-1'].map((user) => ({
        id: undefined,
        user_id: user,
        kind: 'RELATIONSHIP_ENDED',
        message,
        client_id: 'c-a',
        created_at: NOW,
        read_at: null,
        email_sent_at: null,
        dedupe_key: `relationship-ended:${rel}`,
      })),
    );

    const records = await app.sql('SELECT * FROM idempotency_records');
    const { idempotencyKey, ...request } = input;
    const canonical = `{${Object.entries(request)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
      .join(',')}}`;
    expect(records.map((r: any) => ({ ...r, id: undefined }))).toEqual([
      {
        id: undefined,
        user_id: 'u-staff-1',
        operation: 'endCustomerRelationship',
        idempotency_key: idempotencyKey,
        request_hash: sha256(canonical),
        result: { relationshipId: rel, clientId: 'c-a', deactivationIds: staffIds, warnings: [{ code: 'USERS_IN_OTHER_PARTNERS', message: '3 of the users losing access are members of another partner; their access ends on this client only.' }] },
        created_at: NOW,
      },
    ]);

    // E10: the retry returns the same result and writes nothing.
    const counts = async () => app.sql('SELECT (SELECT COUNT(*) FROM scheduled_tasks) AS t, (SELECT COUNT(*) FROM audit_events) AS a, (SELECT COUNT(*) FROM notifications) AS n, (SELECT COUNT(*) FROM idempotency_records) AS i');
    const before = await counts();
    const again = dataOf(await app.gql(MUTATION, { input }, 'u-staff-1')).endCustomerRelationship;
    expect(again).toEqual(result);
    expect(await counts()).toEqual(before);
  });

  it('E5, E16, S11: an ending that hands the role over writes the transfer, the new administrator and the notices', async () => {
    await app.sql('DELETE FROM notifications');
    const ids = await accessIds('c-b');
    const input = { clientId: clientId('c-b'), responsibilityFrom: '2022-01', responsibilityTo: '2026-10', generationDate: '2027-02-01', newSubscriptionAdminUserId: userId('u-own-2') };
    const result = dataOf(await app.gql(MUTATION, { input }, 'u-staff-1')).endCustomerRelationship;
    expect(result.userErrors).toEqual([]);
    expect(result.warnings.map((w: any) => w.code)).toEqual(['USERS_IN_OTHER_PARTNERS']);
    expect(result.deactivations.map((d: any) => d.user.id)).toEqual(staff.map((u) => userId(u.id)));
    const [relationship] = await app.sql("SELECT id FROM customer_relationships WHERE client_id = 'c-b'");
    const rel = String(relationship.id);

    expect(await app.sql("SELECT subscription_admin_user_id, partner_id FROM clients WHERE id = 'c-b'")).toEqual([{ subscription_admin_user_id: 'u-own-2', partner_id: null }]);
    expect(await app.sql("SELECT id, user_id, roles, deactivation_date, deactivation_relationship_id FROM client_accesses WHERE client_id = 'c-b' ORDER BY id")).toEqual([
      ...own.map((u) => ({ id: ids.get(u.id), user_id: u.id, roles: 'ADMINISTRATOR', deactivation_date: null, deactivation_relationship_id: null })),
      ...staff.map((u, j) => ({ id: ids.get(u.id), user_id: u.id, roles: j === 3 ? 'ADMINISTRATOR' : '', deactivation_date: '2027-02-01', deactivation_relationship_id: rel })),
    ]);
    const audit = await app.sql("SELECT action, relationship_id, actor_user_id, `before`, `after` FROM audit_events WHERE client_id = 'c-b' ORDER BY id");
    expect(audit.map((a: any) => a.action)).toEqual(['SUBSCRIPTION_ADMIN_TRANSFERRED', 'RELATIONSHIP_ENDED']);
    expect(audit[1]).toEqual({
      action: 'RELATIONSHIP_ENDED',
      relationship_id: rel,
      actor_user_id: 'u-staff-1',
      before: { partnerId: 'p-nordlys', partnerSince: '2021-03-01', subscriptionAdminUserId: 'u-staff-3', status: 'ACTIVE' },
      after: {
        partnerId: null,
        partnerSince: null,
        status: 'ENDED',
        responsibilityFrom: '2022-01',
        responsibilityTo: '2026-10',
        generationDate: '2027-02-01',
        deactivatedUserIds: staff.map((u) => u.id),
        usersInOtherPartners: ['u-staff-0', 'u-staff-2', 'u-staff-4'],
        removedExtensions: [],
        subscriptionAdminUserId: 'u-own-2',
      },
    });
    expect(await app.sql("SELECT COUNT(*) AS n FROM client_extensions WHERE client_id = 'c-b'")).toEqual([{ n: '3' }]);
    const notices = await app.sql("SELECT user_id, kind, dedupe_key FROM notifications WHERE client_id = 'c-b' ORDER BY kind, user_id");
    expect(notices).toEqual([
      { user_id: 'u-own-2', kind: 'ADMINISTRATOR_GRANTED', dedupe_key: null },
      ...['u-own-0', 'u-own-1', 'u-own-2'].map((user) => ({ user_id: user, kind: 'RELATIONSHIP_ENDED', dedupe_key: `relationship-ended:${rel}` })),
      { user_id: 'u-own-2', kind: 'SUBSCRIPTION_ADMIN_RECEIVED', dedupe_key: null },
    ]);
    expect(await app.sql("SELECT COUNT(*) AS n FROM idempotency_records WHERE idempotency_key <> 'rows-1'")).toEqual([{ n: '0' }]);
  });
});
