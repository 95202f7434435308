import { isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { legacyGlobalId, toGlobalId } from '../../src/common/global-id';
import { ConfigError, loadConfig } from '../../src/config/config';
import { apiSchema } from '../../src/graphql/schema';
import { manyClients, smallWorld } from '../support/fixtures';
import { dataOf, errorCode, startTestApp, TestApp } from '../support/test-app';
import { clientId, END } from '../relationships/relationship-helpers';

const CLIENT_PARTS = `query Parts($id: ID!) { node(id: $id) { ... on Client {
  users { id user { name } } extensions { id key }
  relationships { id tasks { id kind } }
  auditEvents { nodes { id action before after } }
} } }`;

const NODE = `query Node($id: ID!) { node(id: $id) { __typename id
  ... on ClientUser { user { name } } ... on ClientExtension { key } ... on ScheduledTask { kind } ... on AuditEvent { action before after } } }`;

const NODES = `query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;

const PAGE = `query Page($first: Int, $after: String, $last: Int, $before: String) {
  clients(first: $first, after: $after, last: $last, before: $before) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name } }
    nodes { id name }
  }
}`;

describe('a client-friendly schema: every object has a stable id, every connection pages both ways', () => {
  let app: TestApp;
  let parts: any;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
    // An ending gives c-tinde scheduled tasks and audit events.
    const input = { clientId: clientId('c-tinde'), responsibilityFrom: '2025-01', responsibilityTo: '2026-11', generationDate: '2027-01-15' };
    expect(dataOf(await app.gql(END, { input }, 'u-kari')).endCustomerRelationship.userErrors).toEqual([]);
    parts = dataOf(await app.gql(CLIENT_PARTS, { id: clientId('c-fjord') }, 'u-ola')).node;
  });
  afterAll(() => app.close());

  it('ClientUser, ClientExtension, ScheduledTask and AuditEvent have ids that stay the same from one request to the next', async () => {
    expect(parts.users.length).toBeGreaterThan(0);
    expect(parts.extensions.length).toBeGreaterThan(0);
    const again = dataOf(await app.gql(CLIENT_PARTS, { id: clientId('c-fjord') }, 'u-ola')).node;
    expect(again.users.map((u: any) => u.id)).toEqual(parts.users.map((u: any) => u.id));
    expect(again.extensions.map((e: any) => e.id)).toEqual(parts.extensions.map((e: any) => e.id));
    const ids = [...parts.users, ...parts.extensions].map((o: any) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('node(id:) returns them as Node to a viewer who may see them, and null to one who may not', async () => {
    const access = parts.users.find((u: any) => u.user.name === 'Eva Lie');
    expect(dataOf(await app.gql(NODE, { id: access.id }, 'u-ola')).node).toEqual({ __typename: 'ClientUser', id: access.id, user: { name: 'Eva Lie' } });
    const extension = parts.extensions.find((e: any) => e.key === 'webshop');
    expect(dataOf(await app.gql(NODE, { id: extension.id }, 'u-kari')).node).toEqual({ __typename: 'ClientExtension', id: extension.id, key: 'webshop' });
    // u-lars (Fjelltopp) has nothing to do with Fjord Bakeri.
    expect(dataOf(await app.gql(NODE, { id: access.id }, 'u-lars')).node).toBeNull();
    expect(dataOf(await app.gql(NODE, { id: extension.id }, 'u-lars')).node).toBeNull();

    const tinde = dataOf(await app.gql(CLIENT_PARTS, { id: clientId('c-tinde') }, 'u-kari')).node;
    const task = tinde.relationships[0].tasks[0];
    expect(dataOf(await app.gql(NODE, { id: task.id }, 'u-kari')).node).toEqual({ __typename: 'ScheduledTask', id: task.id, kind: task.kind });
    expect(dataOf(await app.gql(NODE, { id: task.id }, 'u-lars')).node).toBeNull();
  });

  it('AuditEvent is a Node whose before and after are JSON objects, not JSON text in strings', async () => {
    const tinde = dataOf(await app.gql(CLIENT_PARTS, { id: clientId('c-tinde') }, 'u-kari')).node;
    const ended = tinde.auditEvents.nodes.find((e: any) => e.action === 'RELATIONSHIP_ENDED');
    expect(ended.before).toMatchObject({ partnerId: 'p-nordlys', status: 'ACTIVE' });
    expect(ended.after).toMatchObject({ status: 'ENDED', generationDate: '2027-01-15' });
    const node = dataOf(await app.gql(NODE, { id: ended.id }, 'u-kari')).node;
    expect(node).toEqual({ __typename: 'AuditEvent', id: ended.id, action: 'RELATIONSHIP_ENDED', before: ended.before, after: ended.after });
    expect(dataOf(await app.gql(NODE, { id: ended.id }, 'u-lars')).node).toBeNull();
  });

  it('nodes(ids:) answers in the order asked, null for what the viewer may not see, and refuses more than 100 ids', async () => {
    const ids = [clientId('c-fjord'), clientId('c-hav'), 'not-an-id', parts.extensions[0].id];
    const found = dataOf(await app.gql(NODES, { ids }, 'u-kari')).nodes;
    expect(found).toEqual([{ __typename: 'Client', id: ids[0] }, null, null, { __typename: 'ClientExtension', id: ids[3] }]);
    const tooMany = await app.gql(NODES, { ids: Array.from({ length: 101 }, () => ids[0]) }, 'u-kari');
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
  });

  it('warnings carry warningCode, an enum, beside the string code', async () => {
    const input = { clientId: clientId('c-fjord'), responsibilityFrom: '2015-01', responsibilityTo: '2026-11', generationDate: '2027-01-15' };
    const ended = dataOf(await app.gql(`mutation($input: EndCustomerRelationshipInput!) { endCustomerRelationship(input: $input) { warnings { code warningCode } userErrors { code } } }`, { input }, 'u-kari'))
      .endCustomerRelationship;
    expect(ended.userErrors).toEqual([]);
    expect(ended.warnings).toContainEqual({ code: 'RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD', warningCode: 'RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD' });
    expect(ended.warnings.every((w: any) => w.code === w.warningCode)).toBe(true);
  });
});

describe('connections page backward with last/before, give nodes, and say where a page stands', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: manyClients(7, 1, 0) });
  });
  afterAll(() => app.close());

  const page = async (variables: Record<string, unknown>) => dataOf(await app.gql(PAGE, variables, 'u-staff-0')).clients;

  it('forward and backward pages hold the same clients in the same order; pageInfo says what lies on either side', async () => {
    const all = (await page({ first: 100 })).nodes.map((n: any) => n.name);
    expect(all).toHaveLength(7);
    const first = await page({ first: 3 });
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0].cursor, endCursor: first.edges[2].cursor });
    const middle = await page({ first: 3, after: first.pageInfo.endCursor });
    expect(middle.nodes.map((n: any) => n.name)).toEqual(all.slice(3, 6));
    expect(middle.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    const last = await page({ last: 3 });
    expect(last.nodes.map((n: any) => n.name)).toEqual(all.slice(4));
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await page({ last: 3, before: middle.pageInfo.startCursor });
    expect(before.nodes.map((n: any) => n.name)).toEqual(all.slice(0, 3));
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(before.edges.map((e: any) => e.node)).toEqual(before.nodes);
  });

  it('first with before, last over 100 or a cursor from elsewhere are bad input', async () => {
    expect(errorCode(await app.gql(PAGE, { first: 2, before: 'x' }, 'u-staff-0'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await app.gql(PAGE, { last: 101 }, 'u-staff-0'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await app.gql(PAGE, { last: 2, before: 'bm90LWEtY3Vyc29y' }, 'u-staff-0'))).toBe('BAD_USER_INPUT');
  });
});

describe('opaque global ids', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  it('reveal neither the type nor the key, nor the size of a key; a changed id names nothing', async () => {
    const data = dataOf(await app.gql('{ viewer { user { id } } clients { nodes { id users { id } } } }', {}, 'u-kari'));
    const ids: string[] = [data.viewer.user.id, ...data.clients.nodes.flatMap((c: any) => [c.id, ...c.users.map((u: any) => u.id)])];
    for (const id of ids) {
      const decoded = Buffer.from(id, 'base64url').toString('latin1');
      expect(decoded).not.toMatch(/Client|User|u-kari|c-fjord|c-tinde/);
      expect(id).toHaveLength(43);
    }
    const tampered = ids[1].slice(0, -2) + (ids[1].endsWith('AA') ? 'AB' : 'AA');
    expect(dataOf(await app.gql(NODE, { id: tampered }, 'u-kari')).node).toBeNull();
  });

  it(`the first releases' ids (base64 of "Type:key") are still accepted as input, by node and by mutations`, async () => {
    const old = legacyGlobalId('Client', 'c-fjord');
    expect(old).toBe('Q2xpZW50OmMtZmpvcmQ');
    expect(dataOf(await app.gql(NODE, { id: old }, 'u-kari')).node).toEqual({ __typename: 'Client', id: toGlobalId('Client', 'c-fjord') });
    const preview = await app.gql('query($id: ID!) { endCustomerRelationshipPreview(clientId: $id) { client { name } } }', { id: old }, 'u-kari');
    expect(dataOf(preview).endCustomerRelationshipPreview.client.name).toBe('Fjord Bakeri AS');
  });
});

describe('opaque global ids in production and after the deprecation period', () => {
  it('production without GLOBAL_ID_SECRET uses the key its database was given; LEGACY_GLOBAL_IDS=false refuses old ids', async () => {
    const app = await startTestApp({
      data: smallWorld(),
      env: { NODE_ENV: 'production', AUTH_JWT_SECRET: 'pr0duct10n-Secret-that-is-long-and-random-7f3a9c2e1b', LEGACY_GLOBAL_IDS: 'false' },
    });
    let productionId: string;
    try {
      const id = (productionId = dataOf(await app.gql('{ viewer { user { id } } }', {}, 'u-kari')).viewer.user.id);
      const [key] = await app.sql<{ secret: Buffer }>('SELECT secret FROM installation_keys WHERE id = 1');
      expect(key.secret.length).toBe(32);
      expect(id).toBe(toGlobalId('User', 'u-kari'));
      expect(dataOf(await app.gql(NODE, { id: legacyGlobalId('User', 'u-kari') }, 'u-kari')).node).toBeNull();
      expect(dataOf(await app.gql(NODE, { id }, 'u-kari')).node).toEqual({ __typename: 'User', id });
    } finally {
      await app.close();
    }
    const development = await startTestApp({ data: smallWorld() });
    try {
      const id = dataOf(await development.gql('{ viewer { user { id } } }', {}, 'u-kari')).viewer.user.id;
      expect(id).toBe(toGlobalId('User', 'u-kari'));
      // The development key is published; production's was made at random for its database.
      expect(id).not.toBe(productionId);
      expect(dataOf(await development.gql(NODE, { id: legacyGlobalId('User', 'u-kari') }, 'u-kari')).node).toEqual({ __typename: 'User', id });
    } finally {
      await development.close();
    }
  });

  it('production refuses a weak GLOBAL_ID_SECRET, naming the variable', () => {
    let problems: string[] = [];
    try {
      loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'pr0duct10n-Secret-that-is-long-and-random-7f3a9c2e1b', GLOBAL_ID_SECRET: 'a'.repeat(40) });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^GLOBAL_ID_SECRET /)]);
  });
});

describe('schema descriptions', () => {
  it('describe every argument of every field, the paging ones included', () => {
    const missing: string[] = [];
    for (const type of Object.values(apiSchema().getTypeMap())) {
      if (type.name.startsWith('__') || isEnumType(type) || isInputObjectType(type)) continue;
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      for (const field of Object.values(type.getFields())) for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
    }
    expect(missing).toEqual([]);
  });

  it('every connection has nodes and pages with first/after and last/before', () => {
    const problems: string[] = [];
    const schema = apiSchema();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || !type.name.endsWith('Connection')) continue;
      if (!type.getFields().nodes) problems.push(`${type.name} has no nodes`);
    }
    for (const root of [schema.getQueryType()!, schema.getType('Client')]) {
      if (!isObjectType(root)) continue;
      for (const field of Object.values(root.getFields())) {
        if (!/Connection$/.test(String(field.type).replace('!', ''))) continue;
        const args = field.args.map((a) => a.name).sort();
        if (!['after', 'before', 'first', 'last'].every((a) => args.includes(a))) problems.push(`${root.name}.${field.name}(${args.join(', ')})`);
      }
    }
    expect(problems).toEqual([]);
  });
});
