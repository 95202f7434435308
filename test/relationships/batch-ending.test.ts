import { manyClients, smallWorld } from '../support/fixtures';
import { dataOf, errorCode, startTestApp, TestApp } from '../support/test-app';
import { clientId, fjordEnding, resetWorld, snapshot, USER_ERRORS, userId } from './relationship-helpers';

const END_MANY = `mutation EndMany($input: EndCustomerRelationshipsInput!) {
  endCustomerRelationships(input: $input) {
    results { relationship { id status generationDate } client { id partnerCode } warnings { code } ${USER_ERRORS} }
    ${USER_ERRORS}
  }
}`;

const PREVIEWS = `query Previews($clientIds: [ID!]!) {
  endCustomerRelationshipPreviews(clientIds: $clientIds) {
    clientId preview { client { name } partner { partnerCode } } ${USER_ERRORS}
  }
}`;

const PROPOSED = `query Proposed($clientId: ID!, $proposal: EndCustomerRelationshipProposal) {
  endCustomerRelationshipPreview(clientId: $clientId, proposal: $proposal) {
    subscriptionAdminIsPartnerUser
    proposal { ${USER_ERRORS} warnings { code message } fiscalYears { fiscalYear start end selectionStart selectionEnd } }
  }
}`;

const item = (client: string, extra: Record<string, unknown> = {}) => ({ ...fjordEnding(), clientId: clientId(client), responsibilityFrom: '2022-01', ...extra });

describe('many endings in one call, and the preview of a proposed ending (DESIGN E13, E15, E16)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  beforeEach(() => resetWorld(app, smallWorld()));
  afterAll(() => app.close());

  it('E15: each item is ended on its own — a refused item does not stop the others, and the results keep the items\' order', async () => {
    const res = dataOf(
      await app.gql(END_MANY, { input: { items: [item('c-fjord'), item('c-hav'), item('c-tinde'), item('c-fjord'), item('c-solo')] } }, 'u-kari'),
    ).endCustomerRelationships;
    expect(res.userErrors).toEqual([]);
    expect(res.results.map((r: any) => [r.client?.id ?? null, r.relationship?.status ?? null, r.userErrors.map((e: any) => [e.code, e.field])])).toEqual([
      [clientId('c-fjord'), 'ENDED', []],
      [null, null, [['NOT_FOUND', ['input', 'items', '1', 'clientId']]]],
      [clientId('c-tinde'), 'ENDED', []],
      [null, null, [['ALREADY_ENDED', ['input', 'items', '3']]]],
      [null, null, [['NOT_FOUND', ['input', 'items', '4', 'clientId']]]],
    ]);
    const rows = await app.sql("SELECT client_id, status FROM customer_relationships WHERE status = 'ENDED' ORDER BY client_id");
    expect(rows).toEqual([
      { client_id: 'c-fjord', status: 'ENDED' },
      { client_id: 'c-tinde', status: 'ENDED' },
    ]);
    const audit = await app.sql("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'RELATIONSHIP_ENDED'");
    expect(Number(audit[0].n)).toBe(2);
  });

  it('E15: 101 items are TOO_MANY_ITEMS and nothing is done; 100 are taken', async () => {
    await resetWorld(app, manyClients(101, 1, 0));
    const items = Array.from({ length: 101 }, (_, i) => item(`c-${String(i).padStart(5, '0')}`));
    const before = await snapshot(app);
    const refused = dataOf(await app.gql(END_MANY, { input: { items } }, 'u-staff-0')).endCustomerRelationships;
    expect(refused).toEqual({ results: [], userErrors: [{ code: 'TOO_MANY_ITEMS', field: ['input', 'items'], message: 'One call takes 1 to 100 items; this one has 101.' }] });
    expect(await snapshot(app)).toEqual(before);
    expect(errorCode(await app.gql(END_MANY, { input: { items: [] } }, 'u-staff-0'))).toBe('BAD_USER_INPUT');

    const taken = dataOf(await app.gql(END_MANY, { input: { items: items.slice(0, 100) } }, 'u-staff-0')).endCustomerRelationships;
    expect(taken.userErrors).toEqual([]);
    expect(taken.results.map((r: any) => r.client.id)).toEqual(items.slice(0, 100).map((i) => i.clientId));
    expect(taken.results.every((r: any) => r.userErrors.length === 0 && r.relationship.status === 'ENDED')).toBe(true);
    const [{ n }] = await app.sql("SELECT COUNT(*) AS n FROM customer_relationships WHERE status = 'ENDED'");
    expect(Number(n)).toBe(100);
  });

  it('E10, E15: per-item idempotency keys make a retried batch safe — the first results come back and nothing changes', async () => {
    const items = [item('c-fjord', { idempotencyKey: 'year-end-fjord' }), item('c-tinde', { idempotencyKey: 'year-end-tinde' })];
    const first = dataOf(await app.gql(END_MANY, { input: { items } }, 'u-kari')).endCustomerRelationships;
    expect(first.results.map((r: any) => r.userErrors)).toEqual([[], []]);
    const after = await snapshot(app);
    const retry = dataOf(await app.gql(END_MANY, { input: { items } }, 'u-kari')).endCustomerRelationships;
    expect(retry.results.map((r: any) => r.relationship.id)).toEqual(first.results.map((r: any) => r.relationship.id));
    expect(retry.results.map((r: any) => r.userErrors)).toEqual([[], []]);
    expect(await snapshot(app)).toEqual(after);
    // Without keys, the same batch again is refused item by item.
    const again = dataOf(await app.gql(END_MANY, { input: { items: items.map((i) => ({ ...i, idempotencyKey: undefined })) } }, 'u-kari')).endCustomerRelationships;
    expect(again.results.map((r: any) => r.userErrors[0].code)).toEqual(['ALREADY_ENDED', 'ALREADY_ENDED']);
  });

  it('E11, E15: two batches racing over the same clients end each client once', async () => {
    const items = [item('c-fjord'), item('c-tinde')];
    const [a, b] = await Promise.all([app.gql(END_MANY, { input: { items } }, 'u-kari'), app.gql(END_MANY, { input: { items } }, 'u-ingrid')]);
    const outcomes = [...dataOf(a).endCustomerRelationships.results, ...dataOf(b).endCustomerRelationships.results].map((r: any) => r.userErrors[0]?.code ?? 'OK');
    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'ALREADY_ENDED')).toHaveLength(2);
    const [{ n }] = await app.sql("SELECT COUNT(*) AS n FROM scheduled_tasks");
    expect(Number(n)).toBe(4);
  });

  it('E13, E15: the batch preview answers each client in order, with its own refusal, and changes nothing', async () => {
    const before = await snapshot(app);
    const previews = dataOf(await app.gql(PREVIEWS, { clientIds: [clientId('c-tinde'), clientId('c-hav'), 'not-an-id', clientId('c-fjord')] }, 'u-kari')).endCustomerRelationshipPreviews;
    expect(previews.map((p: any) => [p.preview?.client.name ?? null, p.userErrors.map((e: any) => [e.code, e.field])])).toEqual([
      ['Tindefjell Bygg AS', []],
      [null, [['NOT_FOUND', ['clientIds', '1']]]],
      [null, [['NOT_FOUND', ['clientIds', '2']]]],
      ['Fjord Bakeri AS', []],
    ]);
    expect((await app.gql(PREVIEWS, { clientIds: [clientId('c-fjord')] }, 'u-per')).body.data.endCustomerRelationshipPreviews[0].userErrors[0].code).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(PREVIEWS, { clientIds: Array.from({ length: 101 }, () => clientId('c-fjord')) }, 'u-kari'))).toBe('BAD_USER_INPUT');
    expect(await snapshot(app)).toEqual(before);
  });

  it('E13: the preview checks a proposed ending — its refusals, its warnings and the fiscal years it would generate — and changes nothing', async () => {
    const before = await snapshot(app);
    const proposed = async (proposal: Record<string, unknown>, client = 'c-fjord') =>
      dataOf(await app.gql(PROPOSED, { clientId: clientId(client), proposal }, 'u-kari')).endCustomerRelationshipPreview.proposal;

    const refused = await proposed({ responsibilityFrom: '2026-12', responsibilityTo: '2026-11', generationDate: '2026-11-28', newSubscriptionAdminUserId: userId('u-per') });
    expect(refused.userErrors.map((e: any) => [e.code, e.field])).toEqual([
      ['INVALID_PERIOD', ['proposal', 'responsibilityFrom']],
      ['GENERATION_DATE_NOT_IN_FUTURE', ['proposal', 'generationDate']],
      ['INVALID_SUBSCRIPTION_ADMIN', ['proposal', 'newSubscriptionAdminUserId']],
    ]);
    expect(refused.fiscalYears).toEqual([]);

    const accepted = await proposed({ responsibilityFrom: '2020-06', responsibilityTo: '2026-11', generationDate: '2027-01-15' });
    expect(accepted.userErrors).toEqual([]);
    expect(accepted.warnings.map((w: any) => w.code)).toEqual(['RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD', 'USERS_IN_OTHER_PARTNERS', 'SUBSCRIPTION_ADMIN_LEAVING']);
    // Fiscal years ending more than five years before the generation date are not generated (S3).
    expect(accepted.fiscalYears.map((y: any) => y.fiscalYear)).toEqual([2022, 2023, 2024, 2025, 2026]);
    expect(accepted.fiscalYears[4]).toEqual({ fiscalYear: 2026, start: '2026-01-01', end: '2026-12-31', selectionStart: '2026-01-01', selectionEnd: '2026-11-30' });

    // Handing over with the ending: no warning about the role.
    const handedOver = await proposed({ responsibilityFrom: '2021-03', responsibilityTo: '2026-11', generationDate: '2027-01-15', newSubscriptionAdminUserId: userId('u-ola') });
    expect(handedOver.warnings.map((w: any) => w.code)).toEqual(['USERS_IN_OTHER_PARTNERS']);
    // Without a proposal there is nothing to check.
    expect(dataOf(await app.gql(PROPOSED, { clientId: clientId('c-fjord') }, 'u-kari')).endCustomerRelationshipPreview.proposal).toBeNull();
    expect(await snapshot(app)).toEqual(before);
  });

  it('E16: ending without a handover while the subscription administrator is a departing partner user warns what happens to the role', async () => {
    const res = dataOf(await app.gql(END_MANY, { input: { items: [item('c-fjord'), item('c-tinde')] } }, 'u-kari')).endCustomerRelationships;
    const [fjord, tinde] = res.results.map((r: any) => r.warnings.map((w: any) => w.code));
    expect(fjord).toContain('SUBSCRIPTION_ADMIN_LEAVING');
    // Tindefjell's subscription administrator is its own staff: nothing to say.
    expect(tinde).not.toContain('SUBSCRIPTION_ADMIN_LEAVING');
  });
});
