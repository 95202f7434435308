import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { clientId, END, fjordEnding, snapshot, resetWorld, RecordingTrigger } from './relationship-helpers';

describe('concurrent endings and idempotency keys (DESIGN E10, E11, S2)', () => {
  let app: TestApp;
  const trigger = new RecordingTrigger();
  beforeAll(async () => {
    app = await startTestApp({ taskTrigger: trigger });
  });
  beforeEach(async () => {
    await resetWorld(app, smallWorld());
    trigger.synced = [];
  });
  afterAll(() => app.close());

  async function assertEndedOnce() {
    expect(await app.sql("SELECT status FROM customer_relationships WHERE client_id = 'c-fjord'")).toEqual([{ status: 'ENDED' }]);
    expect(await app.sql('SELECT kind, state FROM scheduled_tasks ORDER BY kind')).toEqual([
      { kind: 'APPLY_DEACTIVATIONS', state: 'SCHEDULED' },
      { kind: 'GENERATE_MANDATORY_DATA', state: 'SCHEDULED' },
    ]);
    expect(await app.sql("SELECT user_id, deactivation_date FROM client_accesses WHERE client_id = 'c-fjord' AND deactivation_date IS NOT NULL ORDER BY user_id")).toEqual([
      { user_id: 'u-ingrid', deactivation_date: '2027-01-15' },
      { user_id: 'u-kari', deactivation_date: '2027-01-15' },
      { user_id: 'u-per', deactivation_date: '2027-01-15' },
    ]);
    expect(await app.sql("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'RELATIONSHIP_ENDED'")).toEqual([{ n: '1' }]);
    expect(await app.sql("SELECT partner_id FROM clients WHERE id = 'c-fjord'")).toEqual([{ partner_id: null }]);
  }

  it('E11: twenty concurrent endings of one client — exactly one wins, the others get ALREADY_ENDED, state is consistent', async () => {
    const callers = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'u-kari' : 'u-ingrid'));
    const results = await Promise.all(callers.map((as) => app.gql(END, { input: fjordEnding() }, as)));
    const payloads = results.map((r) => dataOf(r).endCustomerRelationship);
    const winners = payloads.filter((p) => p.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    const losers = payloads.filter((p) => p.userErrors.length > 0).map((p) => p.userErrors[0].code);
    expect(losers).toHaveLength(19);
    for (const code of losers) expect(['ALREADY_ENDED', 'NOT_LINKED_TO_PARTNER']).toContain(code);
    await assertEndedOnce();
    // S2: the tasks are handed to the queue once, after the winner's commit.
    expect(trigger.synced).toHaveLength(1);
    expect(trigger.synced[0].map((t) => t.kind).sort()).toEqual(['APPLY_DEACTIVATIONS', 'GENERATE_MANDATORY_DATA']);
  });

  it('E10: a retry with the same key returns the first result and changes nothing', async () => {
    const input = fjordEnding({ idempotencyKey: 'end-fjord-1' });
    const first = dataOf(await app.gql(END, { input }, 'u-kari')).endCustomerRelationship;
    expect(first.userErrors).toEqual([]);
    const after = await snapshot(app);
    const retry = dataOf(await app.gql(END, { input }, 'u-kari')).endCustomerRelationship;
    expect(retry).toEqual(first);
    expect(await snapshot(app)).toEqual(after);
    expect(trigger.synced).toHaveLength(1);
  });

  it('E10: a retry still gets its result after the viewer can no longer see the client (CLIENT_ADMIN without ARCHIVE)', async () => {
    const input = fjordEnding({ idempotencyKey: 'ingrid-1' });
    const first = dataOf(await app.gql(END, { input }, 'u-ingrid')).endCustomerRelationship;
    expect(first.userErrors).toEqual([]);
    const retry = dataOf(await app.gql(END, { input }, 'u-ingrid')).endCustomerRelationship;
    expect(retry.relationship.id).toBe(first.relationship.id);
    expect(retry.userErrors).toEqual([]);
  });

  it('E10: the same key with a different input is IDEMPOTENCY_KEY_MISMATCH and changes nothing', async () => {
    dataOf(await app.gql(END, { input: fjordEnding({ idempotencyKey: 'k-1' }) }, 'u-kari'));
    const before = await snapshot(app);
    const res = dataOf(await app.gql(END, { input: fjordEnding({ idempotencyKey: 'k-1', generationDate: '2027-02-01' }) }, 'u-kari')).endCustomerRelationship;
    expect(res.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_MISMATCH', field: ['input', 'idempotencyKey'] })]);
    expect(await snapshot(app)).toEqual(before);
  });

  it('E10: keys are scoped to the user — another user with the same key is a new call', async () => {
    dataOf(await app.gql(END, { input: fjordEnding({ idempotencyKey: 'shared' }) }, 'u-kari'));
    const other = dataOf(await app.gql(END, { input: fjordEnding({ idempotencyKey: 'shared' }) }, 'u-ingrid')).endCustomerRelationship;
    expect(other.userErrors.map((e: any) => e.code)).toEqual(['ALREADY_ENDED']);
  });

  it('E10: a refused call stores no key — the corrected retry with the same key goes through', async () => {
    const bad = dataOf(await app.gql(END, { input: fjordEnding({ idempotencyKey: 'fix-me', generationDate: '2026-11-01', responsibilityTo: '2026-10' }) }, 'u-kari')).endCustomerRelationship;
    expect(bad.userErrors.map((e: any) => e.code)).toEqual(['GENERATION_DATE_NOT_IN_FUTURE']);
    expect(await app.sql('SELECT COUNT(*) AS n FROM idempotency_records')).toEqual([{ n: '0' }]);
    const fixed = dataOf(await app.gql(END, { input: fjordEnding({ idempotencyKey: 'fix-me' }) }, 'u-kari')).endCustomerRelationship;
    expect(fixed.userErrors).toEqual([]);
  });

  it('E10: the same key sent at once for two different clients — one ending, the other IDEMPOTENCY_KEY_MISMATCH (unique key)', async () => {
    const tinde = { ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01', idempotencyKey: 'twice' };
    const results = await Promise.all([app.gql(END, { input: fjordEnding({ idempotencyKey: 'twice' }) }, 'u-kari'), app.gql(END, { input: tinde }, 'u-kari')]);
    const codes = results.map((r) => dataOf(r).endCustomerRelationship.userErrors.map((e: any) => e.code).join()).sort();
    expect(codes).toEqual(['', 'IDEMPOTENCY_KEY_MISMATCH']);
    expect(await app.sql("SELECT COUNT(*) AS n FROM customer_relationships WHERE status = 'ENDED'")).toEqual([{ n: '1' }]);
  });

  it('E10, E11: ten concurrent retries with the same key — one ending, every caller gets the same result', async () => {
    const input = fjordEnding({ idempotencyKey: 'burst' });
    const results = await Promise.all(Array.from({ length: 10 }, () => app.gql(END, { input }, 'u-kari')));
    const payloads = results.map((r) => dataOf(r).endCustomerRelationship);
    for (const p of payloads) expect(p.userErrors).toEqual([]);
    expect(new Set(payloads.map((p) => p.relationship.id)).size).toBe(1);
    await assertEndedOnce();
    expect(await app.sql('SELECT COUNT(*) AS n FROM idempotency_records')).toEqual([{ n: '1' }]);
  });

  it('E11: endings of different clients do not wait for each other', async () => {
    const [fjord, tinde] = await Promise.all([
      app.gql(END, { input: fjordEnding() }, 'u-kari'),
      app.gql(END, { input: { ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01' } }, 'u-kari'),
    ]);
    expect(dataOf(fjord).endCustomerRelationship.userErrors).toEqual([]);
    expect(dataOf(tinde).endCustomerRelationship.userErrors).toEqual([]);
  });
});
