import type { Server } from 'node:http';
import { toGlobalId } from '../../src/common/global-id';
import { createHttpApp, HttpApp } from '../../src/http/app';
import { END, fjordEnding, snapshot } from '../relationships/relationship-helpers';
import { smallWorld } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Compiled execution (graphql-jit, the default) against graphql-js on the same runtime and data: every document here is
 * sent to both, and the responses — status, data, errors with their codes, messages, paths and locations, and
 * `extensions.cost` — must be the same. The whole suite runs compiled; this is where the interpreted path is the
 * reference.
 */
const DOCUMENTS: Array<{ name: string; query: string; variables?: Record<string, unknown>; as?: string }> = [
  {
    name: 'the clients page of the benchmark',
    query: `query ClientsPage($first: Int, $after: String) {
      clients(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node {
          id name organizationNumber partnerCode partnerSince
          partner { id name partnerCode }
          subscriptionAdmin { id name }
          users { user { id name email } roles isSubscriptionAdmin viaPartner { id partnerCode } deactivationDate active }
          extensions { key name ownerPartner { id name } }
        } }
      }
    }`,
    variables: { first: 2 },
  },
  {
    name: 'a client through node(id), with inline fragments, aliases, __typename and directives',
    query: `query($id: ID!, $withUsers: Boolean!, $skipExtensions: Boolean = false) {
      viewer { __typename }
      one: node(id: $id) { __typename id ... on Client {
        partner { partnerCode } partnerSince fiscalYearStartMonth subscriptionAdmin { name }
        users @include(if: $withUsers) { user { name } roles isSubscriptionAdmin viaPartner { partnerCode } deactivationDate active }
        extensions @skip(if: $skipExtensions) { key name ownerPartner { partnerCode } }
        relationships { status partner { partnerCode } partnerPeriodStart partnerPeriodEnd tasks { kind } documents { id } }
      } }
      nobody: node(id: "not-a-global-id") { id }
    }`,
    variables: { id: toGlobalId('Client', 'c-fjord'), withUsers: true },
  },
  {
    name: 'named fragments over every kind of node the world holds',
    query: `fragment Named on Node { id __typename ... on Partner { name partnerCode } ... on User { name } ... on Client { name } }
      query Nodes($a: ID!, $b: ID!, $c: ID!) { a: node(id: $a) { ...Named } b: node(id: $b) { ...Named } c: node(id: $c) { ...Named } }`,
    variables: { a: toGlobalId('Partner', 'p-nordlys'), b: toGlobalId('User', 'u-kari'), c: toGlobalId('Client', 'c-tinde') },
  },
  { name: 'a domain error in a field (FORBIDDEN)', query: '{ archive { totalCount } }', as: 'u-per' },
  { name: 'a bad cursor (BAD_USER_INPUT)', query: 'query($after: String) { clients(after: $after) { totalCount } }', variables: { after: 'bogus' } },
  { name: 'a page size out of range (BAD_USER_INPUT)', query: '{ clients(first: 0) { totalCount } }' },
  { name: 'a variable of the wrong type (HTTP 400)', query: 'query($first: Int) { clients(first: $first) { totalCount } }', variables: { first: 'ten' } },
  { name: 'a missing required variable (HTTP 400)', query: 'query($id: ID!) { node(id: $id) { id } }', variables: {} },
  {
    name: 'a mutation refused by validation (userErrors, nothing changes)',
    query: END,
    variables: { input: fjordEnding({ responsibilityFrom: '2030-01', responsibilityTo: '2020-01' }) },
  },
  {
    name: 'a mutation refused by input coercion',
    query: END,
    variables: { input: { clientId: toGlobalId('Client', 'c-fjord') } },
  },
];

describe('compiled execution answers exactly as graphql-js does', () => {
  let app: TestApp;
  let interpreted: HttpApp;
  let server: Server;
  let interpretedUrl: string;

  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
    const { runtime, redis } = app.opened;
    expect(runtime.config.graphqlExecution).toBe('compiled');
    interpreted = await createHttpApp({ ...runtime, config: { ...runtime.config, graphqlExecution: 'interpreted' } }, redis);
    server = await new Promise<Server>((resolve) => {
      const s = interpreted.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    interpretedUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await interpreted.apollo.stop();
    await app.close();
  });

  async function post(url: string, query: string, variables: Record<string, unknown> | undefined, as: string) {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await app.tokenFor(as)}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  it.each(DOCUMENTS)('$name', async ({ query, variables, as = 'u-kari' }) => {
    const before = await snapshot(app);
    const reference = await post(interpretedUrl, query, variables, as);
    // Twice compiled: the first compiles the document, the second runs the cached plan.
    const first = await post(app.url, query, variables, as);
    const second = await post(app.url, query, variables, as);
    expect(first).toEqual(reference);
    expect(second).toEqual(reference);
    expect(await snapshot(app)).toEqual(before);
  });

  it('the cases above are what they say: data, field errors, HTTP 400s and userErrors all occur', async () => {
    const responses = await Promise.all(DOCUMENTS.map(({ query, variables, as = 'u-kari' }) => post(app.url, query, variables, as)));
    const codes = responses.flatMap((r) => (r.body.errors ?? []).map((e: { extensions: { code: string } }) => `${r.status}:${e.extensions.code}`));
    expect(new Set(codes)).toEqual(new Set(['200:FORBIDDEN', '200:BAD_USER_INPUT', '400:BAD_USER_INPUT']));
    expect(responses[0].body.data.clients.edges).toHaveLength(2);
    expect(responses[1].body.data.one.users.length).toBeGreaterThan(1);
    expect(responses[1].body.data.nobody).toBeNull();
    expect(responses[8].body.data.endCustomerRelationship.userErrors.length).toBeGreaterThan(0);
  });
});
