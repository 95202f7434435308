import { SignJWT } from 'jose';
import { smallWorld } from '../support/fixtures';
import { GraphQLResponse, startTestApp, TEST_JWT_SECRET, TestApp } from '../support/test-app';
import { CANCEL, CLEAR, clientId, END, fjordEnding, latestRelationshipOf, LINK, PREVIEW, relationshipId, snapshot, TRANSFER, UPDATE, userId } from './relationship-helpers';

const AUDIT = `query Audit($id: ID!) { node(id: $id) { ... on Client { auditEvents { totalCount } } } }`;

type As = string | { authorization?: string };
type Operation = { name: string; call: (app: TestApp, as: As) => Promise<GraphQLResponse> };

/** What a response amounts to: a top-level code, the first userError's code, NULL for an invisible node, or OK. */
function outcome(res: GraphQLResponse, field: string): string {
  if (res.body.errors?.length) return String(res.body.errors[0].extensions?.code);
  const value = res.body.data?.[field];
  if (value === null) return 'NULL';
  if (value?.userErrors?.length) return value.userErrors[0].code;
  return 'OK';
}

async function sign(sub: string, exp: number, secret = TEST_JWT_SECRET): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime(exp).sign(new TextEncoder().encode(secret));
}

/**
 * Every operation of the relationship flow against every kind of caller (DESIGN A1-A3, A5, E1, E6-E8, E12): the answer,
 * and that a refused call changed nothing. State: c-fjord's relationship with Nordlys ended (generation 2027-01-15),
 * c-tinde still linked to Nordlys; Eva is an ADMINISTRATOR on both whose deactivation date has come; Ola is the
 * clients' own administrator.
 */
describe('authorization matrix of the relationship operations', () => {
  let app: TestApp;
  let rel: string;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
    const ended = await app.gql(END, { input: fjordEnding() }, 'u-kari');
    expect(ended.body.data.endCustomerRelationship.userErrors).toEqual([]);
    rel = relationshipId(await latestRelationshipOf(app, 'c-fjord'));
    await app.sql("UPDATE client_accesses SET roles = 'ADMINISTRATOR', deactivation_date = '2026-11-01' WHERE client_id = 'c-fjord' AND user_id = 'u-eva'");
    await app.sql("INSERT INTO client_accesses (client_id, user_id, roles, deactivation_date) VALUES ('c-tinde', 'u-eva', 'ADMINISTRATOR', '2026-11-01'), ('c-tinde', 'u-ola', 'ADMINISTRATOR', NULL)");
  });
  afterAll(() => app.close());

  const ops: Record<string, Operation> = {
    preview: { name: 'endCustomerRelationshipPreview', call: (a, as) => a.gql(PREVIEW, { clientId: clientId('c-tinde') }, as) },
    end: { name: 'endCustomerRelationship', call: (a, as) => a.gql(END, { input: { ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01' } }, as) },
    update: { name: 'updateEndedRelationship', call: (a, as) => a.gql(UPDATE, { input: { relationshipId: rel, generationDate: '2027-02-01' } }, as) },
    cancel: { name: 'cancelRelationshipEnd', call: (a, as) => a.gql(CANCEL, { input: { relationshipId: rel } }, as) },
    audit: { name: 'node', call: (a, as) => a.gql(AUDIT, { id: clientId('c-fjord') }, as) },
    clear: { name: 'clearUserDeactivation', call: (a, as) => a.gql(CLEAR, { input: { clientId: clientId('c-fjord'), userId: userId('u-per') } }, as) },
    transfer: { name: 'transferSubscriptionAdmin', call: (a, as) => a.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId('u-ola') } }, as) },
    link: { name: 'linkClientToPartner', call: (a, as) => a.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'FJELL' } }, as) },
  };
  const ORDER = ['preview', 'end', 'update', 'cancel', 'audit', 'clear', 'transfer', 'link'];

  const now = () => Math.floor(app.clock.now().getTime() / 1000);
  const callers: Array<[string, () => Promise<As>, Record<string, string>]> = [
    ['no token', async () => ({}), Object.fromEntries(ORDER.map((op) => [op, 'UNAUTHENTICATED']))],
    ['a forged token', async () => ({ authorization: `Bearer ${await sign('u-kari', now() + 600, 'another-secret-that-is-long-enough-for-hs256!')}` }), Object.fromEntries(ORDER.map((op) => [op, 'UNAUTHENTICATED']))],
    ['an expired token', async () => ({ authorization: `Bearer ${await sign('u-kari', now() - 1)}` }), Object.fromEntries(ORDER.map((op) => [op, 'UNAUTHENTICATED']))],
    ["another partner's user (Lars, Fjell)", async () => 'u-lars', { preview: 'NOT_FOUND', end: 'NOT_FOUND', update: 'NOT_FOUND', cancel: 'NOT_FOUND', audit: 'NULL', clear: 'NOT_FOUND', transfer: 'NOT_FOUND', link: 'NOT_FOUND' }],
    ['a member without rights (Per, Nordlys)', async () => 'u-per', { preview: 'FORBIDDEN', end: 'FORBIDDEN', update: 'NOT_FOUND', cancel: 'NOT_FOUND', audit: 'NULL', clear: 'NOT_FOUND', transfer: 'NOT_FOUND', link: 'NOT_FOUND' }],
    ['a CLIENT_ADMIN without ARCHIVE (Ingrid, Nordlys)', async () => 'u-ingrid', { update: 'NOT_FOUND', cancel: 'NOT_FOUND', audit: 'NULL', clear: 'NOT_FOUND', transfer: 'NOT_FOUND', link: 'NOT_FOUND' }],
    ['an administrator whose deactivation date has come (Eva)', async () => 'u-eva', { preview: 'NOT_FOUND', end: 'NOT_FOUND', update: 'NOT_FOUND', cancel: 'NOT_FOUND', audit: 'NULL', clear: 'NOT_FOUND', transfer: 'NOT_FOUND', link: 'NOT_FOUND' }],
    ["the ending partner's user, administrator of the client through it (Kari, Nordlys)", async () => 'u-kari', { clear: 'FORBIDDEN', link: 'FORBIDDEN' }],
    // Last: the allowed calls change the state, in this order.
    ["the client's own administrator (Ola)", async () => 'u-ola', { preview: 'FORBIDDEN', end: 'FORBIDDEN', update: 'FORBIDDEN', cancel: 'FORBIDDEN', audit: 'OK', clear: 'OK', transfer: 'OK', link: 'OK' }],
  ];

  for (const [who, as, expected] of callers) {
    for (const op of ORDER.filter((o) => o in expected)) {
      const answer = expected[op];
      it(`${op} by ${who}: ${answer}${answer === 'OK' ? '' : ', nothing changed'}`, async () => {
        const before = await snapshot(app);
        const res = await ops[op].call(app, await as());
        expect(outcome(res, ops[op].name)).toBe(answer);
        if (answer === 'UNAUTHENTICATED') expect(res.status).toBe(401);
        if (answer !== 'OK' || op === 'audit') expect(await snapshot(app)).toEqual(before);
        else expect(await snapshot(app)).not.toEqual(before);
      });
    }
  }
});
