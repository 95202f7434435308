import { smallWorld } from '../support/fixtures';
import { dataOf, errorCode, startTestApp, TestApp } from '../support/test-app';
import { clientId, END, fjordEnding, PREVIEW, snapshot, userId } from './relationship-helpers';

/** Every refusal of endCustomerRelationship: the contract's code, the field at fault, and nothing changed. */
describe('endCustomerRelationship refusals (DESIGN E1-E3, E5, E11; contract: userErrors)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() }); // today is 2026-11-28 in Oslo
    // c-solo has no partner; Sjur administers it.
    await app.sql("INSERT INTO client_accesses (client_id, user_id, roles, via_partner_id) VALUES ('c-solo', 'u-sjur', 'ADMINISTRATOR', NULL)");
  });
  afterAll(() => app.close());

  async function refused(input: Record<string, unknown>, as = 'u-kari') {
    const before = await snapshot(app);
    const res = await app.gql(END, { input }, as);
    const payload = dataOf(res).endCustomerRelationship;
    expect(payload.relationship).toBeNull();
    expect(payload.client).toBeNull();
    expect(payload.deactivations).toEqual([]);
    expect(await snapshot(app)).toEqual(before);
    return payload.userErrors.map((e: any) => ({ code: e.code, field: e.field }));
  }

  it('E2: INVALID_PERIOD when the period starts after it ends', async () => {
    expect(await refused(fjordEnding({ responsibilityFrom: '2026-10', responsibilityTo: '2026-09' }))).toEqual([
      { code: 'INVALID_PERIOD', field: ['input', 'responsibilityFrom'] },
    ]);
  });

  it("E2: INVALID_PERIOD when the period ends after the generation date's month", async () => {
    expect(await refused(fjordEnding({ responsibilityTo: '2027-02', generationDate: '2027-01-31' }))).toEqual([
      { code: 'INVALID_PERIOD', field: ['input', 'responsibilityTo'] },
    ]);
  });

  it('E3: GENERATION_DATE_NOT_IN_FUTURE for today and for a past date (Europe/Oslo)', async () => {
    for (const generationDate of ['2026-11-28', '2026-11-01']) {
      expect(await refused(fjordEnding({ responsibilityTo: '2026-10', generationDate }))).toEqual([
        { code: 'GENERATION_DATE_NOT_IN_FUTURE', field: ['input', 'generationDate'] },
      ]);
    }
  });

  it('E3: "today" is the Oslo date — at 23:30 UTC on the 28th, the 29th is already today', async () => {
    app.clock.set('2026-11-28T23:30:00Z');
    try {
      expect(await refused(fjordEnding({ generationDate: '2026-11-29' }))).toEqual([{ code: 'GENERATION_DATE_NOT_IN_FUTURE', field: ['input', 'generationDate'] }]);
    } finally {
      app.clock.set('2026-11-28T12:00:00Z');
    }
  });

  it('E3: GENERATION_DATE_TOO_FAR more than 366 days ahead', async () => {
    expect(await refused(fjordEnding({ generationDate: '2027-11-30' }))).toEqual([{ code: 'GENERATION_DATE_TOO_FAR', field: ['input', 'generationDate'] }]);
  });

  it('E2, E3: all field errors are reported together', async () => {
    const errors = await refused(fjordEnding({ responsibilityFrom: '2026-12', responsibilityTo: '2026-11', generationDate: '2026-11-01' }));
    expect(errors.map((e: any) => e.code).sort()).toEqual(['GENERATION_DATE_NOT_IN_FUTURE', 'INVALID_PERIOD']);
  });

  it('E5: INVALID_SUBSCRIPTION_ADMIN for a user losing access, a user without access, and the holder themself', async () => {
    for (const candidate of ['u-per', 'u-lars', 'u-kari']) {
      expect(await refused(fjordEnding({ newSubscriptionAdminUserId: userId(candidate) }))).toEqual([
        { code: 'INVALID_SUBSCRIPTION_ADMIN', field: ['input', 'newSubscriptionAdminUserId'] },
      ]);
    }
  });

  it("E5: INVALID_SUBSCRIPTION_ADMIN when the subscription administrator is not one of the partner's users", async () => {
    const input = { ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01', newSubscriptionAdminUserId: userId('u-sjur') };
    expect(await refused(input)).toEqual([{ code: 'INVALID_SUBSCRIPTION_ADMIN', field: ['input', 'newSubscriptionAdminUserId'] }]);
  });

  it('E5: INVALID_SUBSCRIPTION_ADMIN for a client user whose own deactivation is pending', async () => {
    await app.sql("UPDATE client_accesses SET deactivation_date = '2027-03-01' WHERE client_id = 'c-fjord' AND user_id = 'u-eva'");
    try {
      expect(await refused(fjordEnding({ newSubscriptionAdminUserId: userId('u-eva') }))).toEqual([
        { code: 'INVALID_SUBSCRIPTION_ADMIN', field: ['input', 'newSubscriptionAdminUserId'] },
      ]);
    } finally {
      await app.sql("UPDATE client_accesses SET deactivation_date = NULL WHERE client_id = 'c-fjord' AND user_id = 'u-eva'");
    }
  });

  it('E1: FORBIDDEN for a member of the linked partner without CLIENT_ADMIN', async () => {
    expect(await refused(fjordEnding(), 'u-per')).toEqual([{ code: 'FORBIDDEN', field: null }]);
  });

  it("E1: FORBIDDEN for the client's own administrator", async () => {
    expect(await refused(fjordEnding(), 'u-ola')).toEqual([{ code: 'FORBIDDEN', field: null }]);
  });

  it('A2: NOT_FOUND for a client the viewer may not see, an unknown client and an id that is not a client id', async () => {
    expect(await refused(fjordEnding(), 'u-lars')).toEqual([{ code: 'NOT_FOUND', field: ['input', 'clientId'] }]);
    expect(await refused(fjordEnding({ clientId: clientId('c-nobody') }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'clientId'] }]);
    expect(await refused(fjordEnding({ clientId: userId('u-kari') }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'clientId'] }]);
    expect(await refused(fjordEnding({ clientId: '!!' }))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'clientId'] }]);
  });

  it('NOT_LINKED_TO_PARTNER for a client without a partner', async () => {
    expect(await refused({ ...fjordEnding(), clientId: clientId('c-solo') }, 'u-sjur')).toEqual([{ code: 'NOT_LINKED_TO_PARTNER', field: null }]);
  });

  it('malformed scalars are BAD_USER_INPUT before anything runs', async () => {
    const before = await snapshot(app);
    for (const bad of [{ generationDate: '2026-02-30' }, { generationDate: '2027-1-15' }, { responsibilityFrom: '2026-13' }, { responsibilityTo: '2026-6' }]) {
      const res = await app.gql(END, { input: fjordEnding(bad) }, 'u-kari');
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.body.data).toBeUndefined();
    }
    const inline = await app.gql(
      `mutation { endCustomerRelationship(input: { clientId: "${clientId('c-fjord')}", responsibilityFrom: "2026-13", responsibilityTo: "2026-11", generationDate: "2027-01-15" }) { userErrors { code } } }`,
      {},
      'u-kari',
    );
    // A malformed literal in the document fails validation; it is reported as bad input all the same, and nothing runs.
    expect(errorCode(inline)).toBe('BAD_USER_INPUT');
    expect(inline.body.errors?.[0].message).toContain('2026-13');
    const longKey = await app.gql(END, { input: fjordEnding({ idempotencyKey: 'k'.repeat(129) }) }, 'u-kari');
    expect(errorCode(longKey)).toBe('BAD_USER_INPUT');
    expect(await snapshot(app)).toEqual(before);
  });

  it('E13: the preview refuses as top-level errors: NOT_FOUND, FORBIDDEN, and BAD_USER_INPUT for a client without partner', async () => {
    expect(errorCode(await app.gql(PREVIEW, { clientId: clientId('c-fjord') }, 'u-lars'))).toBe('NOT_FOUND');
    expect(errorCode(await app.gql(PREVIEW, { clientId: 'nonsense' }, 'u-kari'))).toBe('NOT_FOUND');
    expect(errorCode(await app.gql(PREVIEW, { clientId: clientId('c-fjord') }, 'u-per'))).toBe('FORBIDDEN');
    const solo = await app.gql(PREVIEW, { clientId: clientId('c-solo') }, 'u-sjur');
    expect(errorCode(solo)).toBe('BAD_USER_INPUT');
    expect(solo.body.errors![0].extensions!.reason).toBe('NOT_LINKED_TO_PARTNER');
  });

  // Last: it changes the state.
  it('E11: ALREADY_ENDED for a second ending, by the same user or another member of the partner', async () => {
    const first = dataOf(await app.gql(END, { input: fjordEnding({ generationDate: '2027-11-29' }) }, 'u-kari')).endCustomerRelationship; // the 366th day is allowed
    expect(first.userErrors).toEqual([]);
    expect(await refused(fjordEnding())).toEqual([{ code: 'ALREADY_ENDED', field: null }]);
    expect(await refused(fjordEnding(), 'u-ingrid')).toEqual([{ code: 'ALREADY_ENDED', field: null }]);
  });
});
