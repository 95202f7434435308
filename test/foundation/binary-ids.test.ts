import { SignJWT } from 'jose';
import { toGlobalId } from '../../src/common/global-id';
import { ImportError, parseImportFile } from '../../src/import/import-file';
import { smallWorld } from '../support/fixtures';
import { dataOf, errorCode, startTestApp, TEST_JWT_SECRET, TestApp } from '../support/test-app';
import { clientId, END, fjordEnding, LINK, snapshot } from '../relationships/relationship-helpers';

const VIEWER = '{ viewer { user { name } } }';

const CLIENTS = `query Clients($filter: ClientFilter) {
  clients(filter: $filter) { edges { node { name } } }
}`;

/**
 * Ids, keys and codes are compared exactly, byte for byte (issue: case- and accent-insensitive ids); names keep the
 * Danish collation.
 */
describe('ids, keys and codes compare exactly; names the Danish way', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
    // A client with its own administrator and no partner, to be linked; a partner whose clients' names test the
    // Danish order.
    await app.load({
      partners: [{ id: 'p-orden', name: 'Orden Regnskap AS', partnerCode: 'ORDEN' }],
      users: [{ id: 'u-orden', name: 'Oda Orden', email: 'oda@orden.example', memberships: [{ partner: 'p-orden', rights: ['CLIENT_ADMIN'] }] }],
      clients: [
        { id: 'c-ny', name: 'Nystart AS', organizationNumber: '944555666', subscriptionAdmin: 'u-ola', access: [{ user: 'u-ola', roles: ['ADMINISTRATOR'] }] },
        ...['Åsen Gård AS', 'Ørsta Fisk AS', 'Ærlig Mat AS', 'Zeta Bygg AS', 'aker Drift AS', 'Berg Bil AS'].map((name, i) => ({
          id: `c-order-${i}`, name, organizationNumber: String(955000000 + i), partner: 'p-orden', partnerSince: '2024-01-01', access: [],
        })),
      ],
    });
  });
  afterAll(() => app.close());

  async function sign(sub: string): Promise<string> {
    const exp = Math.floor(app.clock.now().getTime() / 1000) + 600;
    return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime(exp).sign(new TextEncoder().encode(TEST_JWT_SECRET));
  }

  it('a token names its user exactly: a sub in another case, with a control character or a trailing space is UNAUTHENTICATED', async () => {
    const ok = await app.gql(VIEWER, {}, { authorization: `Bearer ${await sign('u-kari')}` });
    expect(dataOf(ok).viewer.user.name).toBe('Kari Nordmann');
    for (const sub of ['U-KARI', 'u-kari\u0000', 'u-kari ', 'u-kári', ' u-kari']) {
      const res = await app.gql(VIEWER, {}, { authorization: `Bearer ${await sign(sub)}` });
      expect({ sub, status: res.status, code: errorCode(res) }).toEqual({ sub, status: 401, code: 'UNAUTHENTICATED' });
      expect(res.body.data).toBeUndefined();
    }
  });

  it('idempotency keys that differ only in case are two keys: the second ends another client instead of IDEMPOTENCY_KEY_MISMATCH', async () => {
    const first = dataOf(await app.gql(END, { input: fjordEnding({ idempotencyKey: 'Key-A' }) }, 'u-kari')).endCustomerRelationship;
    expect(first.userErrors).toEqual([]);
    const second = dataOf(await app.gql(END, { input: fjordEnding({ clientId: clientId('c-tinde'), idempotencyKey: 'key-a' }) }, 'u-kari')).endCustomerRelationship;
    expect(second.userErrors).toEqual([]);
    expect(second.relationship.id).not.toBe(first.relationship.id);
    expect(await app.sql("SELECT client_id, status FROM customer_relationships WHERE client_id IN ('c-fjord', 'c-tinde') ORDER BY client_id")).toEqual([
      { client_id: 'c-fjord', status: 'ENDED' },
      { client_id: 'c-tinde', status: 'ENDED' },
    ]);
    expect(await app.sql("SELECT idempotency_key FROM idempotency_records WHERE user_id = 'u-kari' ORDER BY idempotency_key")).toEqual([
      { idempotency_key: 'Key-A' },
      { idempotency_key: 'key-a' },
    ]);
  });

  it('a retry with the key in another case is a new call (ALREADY_ENDED), not a replay; the exact key still replays', async () => {
    const input = fjordEnding({ clientId: clientId('c-hav'), responsibilityFrom: '2022-05', idempotencyKey: 'Hav-1' });
    const first = dataOf(await app.gql(END, { input }, 'u-lars')).endCustomerRelationship;
    expect(first.userErrors).toEqual([]);
    const otherCase = dataOf(await app.gql(END, { input: { ...input, idempotencyKey: 'HAV-1' } }, 'u-lars')).endCustomerRelationship;
    expect(otherCase.userErrors.map((e: any) => e.code)).toEqual(['ALREADY_ENDED']);
    const replay = dataOf(await app.gql(END, { input }, 'u-lars')).endCustomerRelationship;
    expect(replay).toEqual(first);
  });

  it('an idempotency key with a control character or surrounding spaces is BAD_USER_INPUT and changes nothing', async () => {
    const before = await snapshot(app);
    for (const idempotencyKey of ['Hav-1\u0000', 'Hav-1 ', 'Hav\u00001', '\tHav-1']) {
      const res = await app.gql(END, { input: fjordEnding({ clientId: clientId('c-hav'), responsibilityFrom: '2022-05', idempotencyKey }) }, 'u-lars');
      expect({ idempotencyKey, code: errorCode(res) }).toEqual({ idempotencyKey, code: 'BAD_USER_INPUT' });
    }
    expect(await snapshot(app)).toEqual(before);
  });

  it('a partner code with a control character, or a letter that only upper-cases to the code, links to no partner (NOT_FOUND)', async () => {
    const before = await snapshot(app);
    for (const partnerCode of ['NORD\u0000LYS', 'NORDLYS\u0000', 'NORDLY\u017F', 'NÖRDLYS']) {
      const res = dataOf(await app.gql(LINK, { input: { clientId: clientId('c-ny'), partnerCode } }, 'u-ola')).linkClientToPartner;
      expect({ partnerCode, userErrors: res.userErrors }).toEqual({ partnerCode, userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'partnerCode'] })] });
    }
    expect(await snapshot(app)).toEqual(before);
    expect(await app.sql("SELECT partner_id FROM clients WHERE id = 'c-ny'")).toEqual([{ partner_id: null }]);
  });

  it('a global id whose local id differs in case or carries a control character or a trailing space names nothing (NOT_FOUND)', async () => {
    for (const id of ['c-ny\u0000', 'C-NY', 'c-ny ']) {
      const res = dataOf(await app.gql(LINK, { input: { clientId: toGlobalId('Client', id), partnerCode: 'NORDLYS' } }, 'u-ola')).linkClientToPartner;
      expect({ id, userErrors: res.userErrors }).toEqual({ id, userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'clientId'] })] });
    }
    expect(await app.sql("SELECT partner_id FROM clients WHERE id = 'c-ny'")).toEqual([{ partner_id: null }]);
  });

  it('the partner code is still typed in any case and with spaces around it: " nordlys " links to NORDLYS', async () => {
    const res = dataOf(await app.gql(LINK, { input: { clientId: clientId('c-ny'), partnerCode: ' nordlys ' } }, 'u-ola')).linkClientToPartner;
    expect(res.userErrors).toEqual([]);
    expect(res.client.partnerCode).toBe('NORDLYS');
  });

  it('an import file whose extension key or reference carries a control character or a stray space is refused whole, naming the path', async () => {
    const before = await snapshot(app);
    const file = {
      clients: [{
        id: 'c-fjord', name: 'Fjord Bakeri AS', organizationNumber: '987654321',
        access: [{ user: 'u-ola\u0000', roles: ['ADMINISTRATOR'] }],
        extensions: [{ key: 'bank-feed\u0000', name: 'Renamed' }, { key: 'webshop ', name: 'Renamed' }, { key: 'payroll', name: 'Payroll', ownerPartner: 'p-nordlys ' }],
      }],
    };
    const refusal = await Promise.resolve()
      .then(() => app.importFile(parseImportFile(file)))
      .then(() => null, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(ImportError);
    expect((refusal as ImportError).problems.map((p) => p.path)).toEqual([
      '$.clients[0].access[0].user',
      '$.clients[0].extensions[0].key',
      '$.clients[0].extensions[1].key',
      '$.clients[0].extensions[2].ownerPartner',
    ]);
    expect(await snapshot(app)).toEqual(before);
    expect(await app.sql("SELECT `key`, name FROM client_extensions WHERE client_id = 'c-fjord' ORDER BY `key`")).toEqual([
      { key: 'bank-feed', name: 'Bank feed' },
      { key: 'webshop', name: 'Webshop' },
    ]);
  });

  it('a partner code imported in lower case is kept upper case, and links whatever case it is typed in', async () => {
    await app.load({
      partners: [{ id: 'p-lavt', name: 'Lavt Regnskap AS', partnerCode: 'lavt' }],
      clients: [{ id: 'c-ny2', name: 'Nystart To AS', organizationNumber: '944555667', subscriptionAdmin: 'u-eva', access: [{ user: 'u-eva', roles: ['ADMINISTRATOR'] }] }],
    });
    expect(await app.sql("SELECT partner_code FROM partners WHERE id = 'p-lavt'")).toEqual([{ partner_code: 'LAVT' }]);
    const res = dataOf(await app.gql(LINK, { input: { clientId: clientId('c-ny2'), partnerCode: 'Lavt' } }, 'u-eva')).linkClientToPartner;
    expect(res.userErrors).toEqual([]);
    expect(res.client.partnerCode).toBe('LAVT');
  });

  it('client names still sort the Danish way (Æ, Ø, Å after Z) and search ignores case', async () => {
    const names = (data: any) => data.clients.edges.map((e: any) => e.node.name);
    expect(names(dataOf(await app.gql(CLIENTS, {}, 'u-orden')))).toEqual(['aker Drift AS', 'Berg Bil AS', 'Zeta Bygg AS', 'Ærlig Mat AS', 'Ørsta Fisk AS', 'Åsen Gård AS']);
    expect(names(dataOf(await app.gql(CLIENTS, { filter: { search: 'ØRSTA' } }, 'u-orden')))).toEqual(['Ørsta Fisk AS']);
    expect(names(dataOf(await app.gql(CLIENTS, { filter: { search: 'åsen gård' } }, 'u-orden')))).toEqual(['Åsen Gård AS']);
    expect(names(dataOf(await app.gql(CLIENTS, { filter: { search: 'BIL' } }, 'u-orden')))).toEqual(['Berg Bil AS']);
  });
});
