import { Writable } from 'node:stream';
import pino from 'pino';
import { urlProblem } from '../../src/integrations/webhook-url';
import { dataOf, errorCode, startTestApp, TestApp } from '../support/test-app';
import { END, fjordEnding, relationshipId, resetWorld } from '../relationships/relationship-helpers';
import { CREATE_ENDPOINT, CREATE_KEY, createKey, integrationsWorld, partnerId, REVOKE_KEY, withKey } from './integration-helpers';

/** Every line the product logs, at every level, to look for secrets in. */
const logLines: string[] = [];
const logger = pino(
  { level: 'trace' },
  new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  }),
);

/** Test DNS: no network; `internal.example` is on a private network, `hooks.example` on the internet. */
const HOSTS: Record<string, string[]> = { 'internal.example': ['10.0.0.7'], 'hooks.example': ['93.184.215.14'], 'mixed.example': ['93.184.215.14', '192.168.1.9'] };

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ logger, webhookResolver: async (host) => HOSTS[host] ?? [] });
});
beforeEach(() => resetWorld(app, integrationsWorld()));
afterAll(() => app.close());

const CLIENTS = '{ clients(first: 10) { nodes { name } } }';

describe('API keys (docs/integrations.md)', () => {
  it('a member with INTEGRATIONS creates a key: the secret is shown once, has the fixed prefix and 256 bits, and only a keyed hash is stored', async () => {
    const res = dataOf(await app.gql(CREATE_KEY, { input: { partnerId: partnerId('p-nordlys'), name: 'CRM sync', scopes: ['CLIENTS_READ', 'RELATIONSHIPS_WRITE'] } }, 'u-kari')).createApiKey;
    expect(res.userErrors).toEqual([]);
    expect(res.secret).toMatch(/^kak_[A-Za-z0-9_-]{43}$/);
    expect(res.apiKey).toMatchObject({ name: 'CRM sync', scopes: ['CLIENTS_READ', 'RELATIONSHIPS_WRITE'], prefix: res.secret.slice(0, 12), createdBy: { name: 'Kari Nordmann' }, revokedAt: null, partner: { partnerCode: 'NORDLYS' } });
    const rows = await app.sql('SELECT HEX(secret_hash) AS hash, prefix FROM api_keys');
    expect(rows).toHaveLength(1);
    expect(rows[0].hash).toHaveLength(64);
    expect(JSON.stringify(await app.sql('SELECT * FROM api_keys'))).not.toContain(res.secret.slice(12));

    const listed = dataOf(await app.gql(`{ node(id: "${partnerId('p-nordlys')}") { ... on Partner { apiKeys { name prefix scopes } } } }`, {}, 'u-kari'));
    expect(listed.node.apiKeys).toEqual([{ name: 'CRM sync', prefix: res.secret.slice(0, 12), scopes: ['CLIENTS_READ', 'RELATIONSHIPS_WRITE'] }]);
    expect(JSON.stringify(listed)).not.toContain(res.secret);
  });

  it('without INTEGRATIONS a member is refused (FORBIDDEN), and another partner is NOT_FOUND; Partner.apiKeys is FORBIDDEN too', async () => {
    const per = dataOf(await app.gql(CREATE_KEY, { input: { partnerId: partnerId('p-nordlys'), name: 'x', scopes: ['CLIENTS_READ'] } }, 'u-per')).createApiKey;
    expect(per.userErrors.map((e: { code: string }) => e.code)).toEqual(['FORBIDDEN']);
    const lars = dataOf(await app.gql(CREATE_KEY, { input: { partnerId: partnerId('p-nordlys'), name: 'x', scopes: ['CLIENTS_READ'] } }, 'u-lars')).createApiKey;
    expect(lars.userErrors.map((e: { code: string }) => e.code)).toEqual(['NOT_FOUND']);
    expect(await app.sql('SELECT id FROM api_keys')).toEqual([]);
    const list = await app.gql(`{ node(id: "${partnerId('p-nordlys')}") { ... on Partner { apiKeys { name } } } }`, {}, 'u-per');
    expect(errorCode(list)).toBe('FORBIDDEN');
  });

  it('a key acts for its partner with exactly its scopes: clients of its partner only; anything outside its scopes is FORBIDDEN', async () => {
    const { secret } = await createKey(app, 'u-kari', 'p-nordlys', ['CLIENTS_READ']);
    const clients = dataOf(await app.gql(CLIENTS, {}, withKey(secret))).clients.nodes.map((c: { name: string }) => c.name);
    expect(clients.sort()).toEqual(['Fjord Bakeri AS', 'Tindefjell Bygg AS']);

    const archive = await app.gql('{ archive(first: 5) { totalCount } }', {}, withKey(secret));
    expect([archive.status, errorCode(archive)]).toEqual([403, 'FORBIDDEN']);
    const end = await app.gql(END, { input: fjordEnding() }, withKey(secret));
    expect([end.status, errorCode(end)]).toEqual([403, 'FORBIDDEN']);
    const newKey = await app.gql(CREATE_KEY, { input: { partnerId: partnerId('p-nordlys'), name: 'x', scopes: ['CLIENTS_READ'] } }, withKey(secret));
    expect(errorCode(newKey)).toBe('FORBIDDEN');
    expect(await app.sql("SELECT partner_id FROM clients WHERE id = 'c-fjord'")).toEqual([{ partner_id: 'p-nordlys' }]);
  });

  it('viewer answers for a key: a stand-in user named like the key, one membership with the rights its scopes match, no notifications', async () => {
    const { secret } = await createKey(app, 'u-kari', 'p-nordlys', ['RELATIONSHIPS_WRITE', 'ARCHIVE_READ']);
    const viewer = dataOf(await app.gql('{ viewer { user { name email } memberships { partner { partnerCode } rights } notifications { id } administeredClients { name } } }', {}, withKey(secret))).viewer;
    expect(viewer).toEqual({ user: { name: 'API key "CRM sync"', email: '' }, memberships: [{ partner: { partnerCode: 'NORDLYS' }, rights: ['CLIENT_ADMIN', 'ARCHIVE'] }], notifications: [], administeredClients: [] });
  });

  it('an ending through a key follows the same rules and is audited with the key and who created it; a key of one partner finds no client of another', async () => {
    const { id, secret } = await createKey(app, 'u-kari', 'p-nordlys', ['RELATIONSHIPS_WRITE']);
    const ended = dataOf(await app.gql(END, { input: fjordEnding() }, withKey(secret))).endCustomerRelationship;
    expect(ended.userErrors).toEqual([]);
    expect(ended.relationship).toMatchObject({ status: 'ENDED', endedBy: { name: 'API key "CRM sync"' } });
    const keyId = (await app.sql('SELECT id FROM api_keys'))[0].id;
    const [audit] = await app.sql("SELECT actor_user_id AS actor, api_key_id AS keyId FROM audit_events WHERE action = 'RELATIONSHIP_ENDED'");
    expect(audit).toEqual({ actor: `apikey:${keyId}`, keyId: String(keyId) });
    const [created] = await app.sql("SELECT actor_user_id AS actor, JSON_VALUE(after, '$.apiKeyId') AS keyId FROM audit_events WHERE action = 'API_KEY_CREATED'");
    expect(created).toEqual({ actor: 'u-kari', keyId: String(keyId) });
    expect(id).toBeTruthy();

    const otherPartner = dataOf(await app.gql(END, { input: { ...fjordEnding(), clientId: fjordEnding().clientId.replace(/.*/, (await app.gql('{ clients(first: 10) { nodes { id name } } }', {}, 'u-lars')).body.data!.clients.nodes.find((c: { name: string }) => c.name === 'Havbris Sjømat AS').id) } }, withKey(secret))).endCustomerRelationship;
    expect(otherPartner.userErrors.map((e: { code: string }) => e.code)).toEqual(['NOT_FOUND']);
  });

  it('a revoked key is UNAUTHENTICATED at once; an expired one too; lastUsedAt is kept without a write per request', async () => {
    const { id, secret } = await createKey(app, 'u-kari', 'p-nordlys', ['CLIENTS_READ'], { expiresAt: '2026-11-28T14:00:00.000Z' });
    expect((await app.gql(CLIENTS, {}, withKey(secret))).status).toBe(200);
    app.statements.reset();
    for (let i = 0; i < 5; i++) expect((await app.gql(CLIENTS, {}, withKey(secret))).status).toBe(200);
    const writes = () => app.statements.statements.filter((s) => /UPDATE `api_keys`/.test(s)).length;
    expect(writes()).toBe(0);
    const [used] = await app.sql('SELECT last_used_at AS at FROM api_keys');
    expect(used.at).toEqual(new Date('2026-11-28T12:00:00.000Z'));

    app.clock.set('2026-11-28T14:00:00.000Z');
    const expired = await app.gql(CLIENTS, {}, withKey(secret));
    expect([expired.status, errorCode(expired)]).toEqual([401, 'UNAUTHENTICATED']);

    app.clock.set('2026-11-28T12:30:00.000Z');
    expect(dataOf(await app.gql(REVOKE_KEY, { input: { apiKeyId: id } }, 'u-kari')).revokeApiKey.userErrors).toEqual([]);
    const revoked = await app.gql(CLIENTS, {}, withKey(secret));
    expect([revoked.status, errorCode(revoked)]).toEqual([401, 'UNAUTHENTICATED']);
    const download = await fetch(`${app.url}/archive/packages/${relationshipId('1')}`, { headers: withKey(secret) });
    expect(download.status).toBe(401);
  });

  it('a key cannot be created already expired: BAD_USER_INPUT naming expiresAt, and no key is stored', async () => {
    for (const expiresAt of ['2026-11-28T12:00:00.000Z', '2026-11-27T09:00:00.000Z']) {
      const res = await app.gql(CREATE_KEY, { input: { partnerId: partnerId('p-nordlys'), name: 'Too late', scopes: ['CLIENTS_READ'], expiresAt } }, 'u-kari');
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(res.body.errors)).toContain('expiresAt');
    }
    expect(await app.sql('SELECT id FROM api_keys')).toEqual([]);
  });

  it('keys work for downloads: without ARCHIVE_READ a package is FORBIDDEN; with it, the same answer a user with ARCHIVE gets', async () => {
    const writer = await createKey(app, 'u-kari', 'p-nordlys', ['RELATIONSHIPS_WRITE']);
    const reader = await createKey(app, 'u-kari', 'p-nordlys', ['ARCHIVE_READ']);
    const ended = dataOf(await app.gql(END, { input: fjordEnding() }, withKey(writer.secret))).endCustomerRelationship;
    const path = `${app.url}/archive/packages/${ended.relationship.id}`;
    expect((await fetch(path, { headers: withKey(writer.secret) })).status).toBe(403);
    const asKey = await fetch(path, { headers: withKey(reader.secret) });
    const asKari = await fetch(path, { headers: { authorization: `Bearer ${await app.tokenFor('u-kari')}` } });
    expect(asKey.status).toBe(asKari.status);
    // The folder of a pending ending is not generated yet: for both, the same "no such package".
    expect([200, 404]).toContain(asKey.status);
    expect((await fetch(path, { headers: withKey('kak_' + 'x'.repeat(43)) })).status).toBe(401);
  });

  it('key secrets and signing secrets appear in no log line and in no later response', async () => {
    const { secret } = await createKey(app, 'u-kari', 'p-nordlys', ['CLIENTS_READ', 'RELATIONSHIPS_WRITE']);
    await app.gql(CLIENTS, {}, withKey(secret));
    await app.gql(END, { input: fjordEnding() }, withKey(secret));
    await app.gql('{ archive { totalCount } }', {}, withKey(secret));
    const endpoint = dataOf(await app.gql(CREATE_ENDPOINT, { input: { partnerId: partnerId('p-nordlys'), url: 'https://hooks.example/klientadmin', events: ['RELATIONSHIP_ENDED'] } }, 'u-kari')).createWebhookEndpoint;
    expect(endpoint.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const later = JSON.stringify(await app.gql(`{ node(id: "${partnerId('p-nordlys')}") { ... on Partner { apiKeys { id name prefix } webhookEndpoints { id url events deliveries { edges { node { id } } } } } } }`, {}, 'u-kari'));
    const audit = JSON.stringify(await app.sql('SELECT * FROM audit_events'));
    expect(logLines.length).toBeGreaterThan(3);
    for (const text of [logLines.join('\n'), later, audit]) {
      expect(text).not.toContain(secret.slice(4));
      expect(text).not.toContain(endpoint.signingSecret.slice(6));
    }
  });
});

describe('webhook endpoint URLs (SSRF)', () => {
  const create = (url: string) => app.gql(CREATE_ENDPOINT, { input: { partnerId: partnerId('p-nordlys'), url, events: ['RELATIONSHIP_ENDED'] } }, 'u-kari');

  it.each([
    ['http://127.0.0.1/hook'],
    ['http://169.254.169.254/latest/meta-data'],
    ['http://[::1]/hook'],
    ['https://internal.example/hook'],
    ['https://mixed.example/hook'],
    ['https://user:pass@hooks.example/hook'],
    ['https://nowhere.example/hook'],
    ['ftp://hooks.example/hook'],
  ])('refuses %s with INVALID_URL and keeps nothing', async (url) => {
    const res = dataOf(await create(url)).createWebhookEndpoint;
    expect(res.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_URL', field: ['input', 'url'] })]);
    expect(res.signingSecret).toBeNull();
    expect(await app.sql('SELECT id FROM webhook_endpoints')).toEqual([]);
  });

  it('takes a public https URL, shows its signing secret once, and lists it for INTEGRATIONS members', async () => {
    const res = dataOf(await create('https://hooks.example/klientadmin')).createWebhookEndpoint;
    expect(res.userErrors).toEqual([]);
    expect(res.endpoint).toMatchObject({ url: 'https://hooks.example/klientadmin', events: ['RELATIONSHIP_ENDED'], disabledAt: null });
    const listed = dataOf(await app.gql(`{ node(id: "${partnerId('p-nordlys')}") { ... on Partner { webhookEndpoints { url } } } }`, {}, 'u-kari')).node;
    expect(listed.webhookEndpoints).toEqual([{ url: 'https://hooks.example/klientadmin' }]);
  });

  it('A4: creating and deleting an endpoint and revoking a key are audited with who and what, never a secret', async () => {
    const created = dataOf(await create('https://hooks.example/audit')).createWebhookEndpoint;
    const deleted = dataOf(await app.gql('mutation D($input: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $input) { userErrors { code } } }', { input: { endpointId: created.endpoint.id } }, 'u-kari')).deleteWebhookEndpoint;
    expect(deleted.userErrors).toEqual([]);
    const { id, secret } = await createKey(app, 'u-kari', 'p-nordlys', ['CLIENTS_READ']);
    expect(dataOf(await app.gql(REVOKE_KEY, { input: { apiKeyId: id } }, 'u-kari')).revokeApiKey.userErrors).toEqual([]);
    const events = await app.sql("SELECT action, actor_user_id AS actor, request_id AS requestId, CAST(after AS CHAR) AS after FROM audit_events WHERE action IN ('WEBHOOK_ENDPOINT_CREATED', 'WEBHOOK_ENDPOINT_DELETED', 'API_KEY_REVOKED') ORDER BY id");
    expect(events.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['WEBHOOK_ENDPOINT_CREATED', 'u-kari'],
      ['WEBHOOK_ENDPOINT_DELETED', 'u-kari'],
      ['API_KEY_REVOKED', 'u-kari'],
    ]);
    for (const event of events) {
      expect(event.requestId).toBeTruthy();
      expect(event.after).not.toContain(secret);
      expect(event.after).not.toContain(created.signingSecret);
    }
  });

  it('https only in production (the rule itself; a production app is not started here)', async () => {
    const policy = { httpsOnly: true, allowPrivate: false, resolve: async () => ['93.184.215.14'] };
    expect(await urlProblem('http://hooks.example/x', policy)).toMatch(/https/);
    expect(await urlProblem('https://hooks.example/x', policy)).toBeNull();
    expect(await urlProblem('http://127.0.0.1/x', { ...policy, httpsOnly: false, allowPrivate: true })).toBeNull();
  });
});
