import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serverAudits } from 'graphql-http';
import { LIMITS } from '../../src/graphql/limits';
import { apiSchema } from '../../src/graphql/schema';
import { MAX_PAGE_SIZE } from '../../src/graphql/connection';
import { smallWorld } from '../support/fixtures';
import { dataOf, errorCode, startTestApp, TestApp } from '../support/test-app';

const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');

describe('GraphQL over HTTP: the graphql-http audits, and limits a client can see', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  it('passes every MUST of the graphql-http server audits; each SHOULD it does not follow is explained in the README', async () => {
    const token = await app.tokenFor('u-kari');
    // The API needs a bearer token for everything; the audits send none of their own.
    const fetchFn = (input: string | URL | Request, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    };
    const results = [];
    for (const audit of serverAudits({ url: `${app.url}/graphql`, fetchFn })) results.push({ ...(await audit.fn()), name: audit.name });
    const musts = results.filter((r) => r.name.startsWith('MUST'));
    expect(musts.length).toBeGreaterThan(10);
    expect(musts.filter((r) => r.status !== 'ok').map((r) => `${r.name}: ${r.reason}`)).toEqual([]);
    const unfollowed = results.filter((r) => r.name.startsWith('SHOULD') && r.status !== 'ok').map((r) => r.name);
    expect(unfollowed.filter((name) => !readme.includes(name))).toEqual([]);
  });

  it('every response carries extensions.cost: requested (the estimate) and actual (what came back), with the limit', async () => {
    const ok = await app.gql('{ viewer { user { name } } clients(first: 5) { nodes { name users { roles } } } }', {}, 'u-kari');
    const cost = ok.body.extensions?.cost;
    expect(cost).toEqual({ requested: expect.any(Number), actual: expect.any(Number), limit: LIMITS.complexity });
    expect(cost.actual).toBeGreaterThan(0);
    expect(cost.actual).toBeLessThanOrEqual(cost.requested);
    // One field per value in the data: viewer, user, name, clients, nodes, and per client its name, users and roles.
    const clients = dataOf(ok).clients.nodes;
    const users = clients.reduce((n: number, c: any) => n + c.users.length, 0);
    expect(cost.actual).toBe(5 + clients.length * 2 + users);

    const invalid = await app.gql('{ viewer { nope } }', {}, 'u-kari');
    expect(invalid.status).toBe(400);
    expect(invalid.body.extensions?.cost).toEqual({ requested: 0, actual: 0, limit: LIMITS.complexity });
  });

  it('a query over the cost limit is refused with HTTP 400, QUERY_TOO_COMPLEX and extensions.cost { requested, limit }, never 500', async () => {
    const query = '{ a: clients(first: 100) { nodes { users { user { name email } viaPartner { name partnerCode } } extensions { key name ownerPartner { name } } relationships { documents { fileName sha256 } tasks { kind state } } } } }';
    const res = await app.gql(query, {}, 'u-kari');
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('QUERY_TOO_COMPLEX');
    const refusal = res.body.errors![0].extensions!.cost;
    expect(refusal).toEqual({ requested: expect.any(Number), limit: LIMITS.complexity });
    expect(refusal.requested).toBeGreaterThan(LIMITS.complexity);
    expect(res.body.extensions?.cost).toEqual({ requested: refusal.requested, actual: 0, limit: LIMITS.complexity });
  });

  it('GET /graphql?query=… serves queries to a JSON client with a token', async () => {
    const url = `${app.url}/graphql?query=${encodeURIComponent('{ viewer { user { name } } }')}`;
    const res = await fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${await app.tokenFor('u-kari')}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.viewer.user.name).toBe('Kari Nordmann');
  });

  it('the README states the page size, cost and depth limits, and every page-size argument says its range', () => {
    const limits = readme.slice(readme.indexOf('## Limits'));
    expect(limits).toContain(`${LIMITS.complexity.toLocaleString('en-US')}`);
    expect(limits).toMatch(new RegExp(`depth[^\\n]*\\b${LIMITS.depth}\\b`, 'i'));
    expect(limits).toMatch(new RegExp(`\\b1[-–.]+${MAX_PAGE_SIZE}\\b`));
    const undescribed: string[] = [];
    for (const type of Object.values(apiSchema().getTypeMap())) {
      if (!('getFields' in type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields()) as any[]) {
        for (const arg of field.args ?? []) {
          if (['first', 'last'].includes(arg.name) && !String(arg.description).includes(`1-${MAX_PAGE_SIZE}`)) undescribed.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    expect(undescribed).toEqual([]);
  });
});
