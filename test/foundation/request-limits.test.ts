import { randomBytes } from 'node:crypto';
import { LIMITS } from '../../src/graphql/limits';
import { smallWorld } from '../support/fixtures';
import { dataOf, errorCode, startTestApp, TestApp } from '../support/test-app';

/** `fragment F1 on User { ...F0 ...F0 }` … : each level doubles what a naive measure walks (2^levels). */
function doublingFragments(levels: number): string {
  const fragments = ['fragment F0 on User { id name email }'];
  for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on User { ...F${i - 1} ...F${i - 1} }`);
  return `{ viewer { user { ...F${levels} } } }\n${fragments.join('\n')}`;
}

/** POSTs a raw body to /graphql as u-kari. */
async function post(app: TestApp, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await app.tokenFor('u-kari')}`, ...headers },
    body,
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('request limits: no document can hold the API (issue: one request froze every API process)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  it('30 levels of doubling fragments are refused as QUERY_TOO_COMPLEX with HTTP 400, and the API keeps answering', async () => {
    const query = doublingFragments(30);
    expect(query.length).toBeLessThan(2_000);
    const res = await app.gql(query, {}, 'u-kari');
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.data).toBeUndefined();
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('fragments count once for depth: a deep fragment used many times is measured as deep as it is', async () => {
    const query = `{ viewer { user { ...U ...U } memberships { partner { ...P } } } } fragment U on User { id name } fragment P on Partner { id name }`;
    expect(dataOf(await app.gql(query, {}, 'u-kari')).viewer.user.name).toBe('Kari Nordmann');
  });

  it('a document of more tokens than the limit is refused while it is parsed', async () => {
    const query = `{ viewer { user { ${Array.from({ length: LIMITS.tokens }, () => 'id').join(' ')} } } }`;
    const res = await app.gql(query, {}, 'u-kari');
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].message).toMatch(/tokens/);
  });

  it('more aliases than the limit are refused', async () => {
    const query = `{ viewer { user { ${Array.from({ length: LIMITS.aliases + 1 }, (_, i) => `a${i}: id`).join(' ')} } } }`;
    const res = await app.gql(query, {}, 'u-kari');
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].message).toMatch(/aliases limit of 20 \(found 21\)/);
  });

  it('10,000 aliases are refused as QUERY_TOO_COMPLEX with HTTP 400, not HTTP 500', async () => {
    const query = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: viewer { user { id } }`).join(' ')} }`;
    const res = await app.gql(query, {}, 'u-kari');
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('QUERY_TOO_COMPLEX');
  });

  it('more root fields than the limit are refused', async () => {
    const query = `{ ${Array.from({ length: LIMITS.rootFields + 1 }, () => 'viewer { user { id } }').join(' ')} }`;
    const res = await app.gql(query, {}, 'u-kari');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].message).toMatch(/root fields limit/);
  });

  it('more fragment spreads than the limit are refused', async () => {
    const spreads = Array.from({ length: LIMITS.fragmentSpreads + 1 }, () => '...U').join(' ');
    const res = await app.gql(`{ viewer { user { ${spreads} } } } fragment U on User { id }`, {}, 'u-kari');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].message).toMatch(/fragment spreads limit/);
  });

  it('an operation too deep is refused with the limit and what was found', async () => {
    const deep = '{ clients { edges { node { relationships { client { relationships { client { relationships { client { relationships { client { relationships { client { name } } } } } } } } } } } } } }';
    const res = await app.gql(deep, {}, 'u-kari');
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].message).toMatch(/depth limit of 12 \(found \d+\)/);
  });
});

describe('malformed variables are bad input, never HTTP 500 (issue: the cost plugin coerced variables and threw)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  const internalErrors = async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    return Number(/graphql_errors_total\{code="INTERNAL_SERVER_ERROR"\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  const END = `mutation($input: EndCustomerRelationshipInput!) { endCustomerRelationship(input: $input) { userErrors { code } } }`;
  const endInput = { clientId: 'Q2xpZW50OmMtZmpvcmQ=', responsibilityFrom: '2024-01', responsibilityTo: '2024-12', generationDate: '2027-01-15' };

  it.each([
    ['a date that does not exist', END, { input: { ...endInput, generationDate: '2025-02-29' } }],
    ['a string for an Int', 'query($n: Int) { clients(first: $n) { totalCount } }', { n: '5' }],
    ['an unknown input field', END, { input: { ...endInput, colour: 'red' } }],
    ['a missing required variable', END, {}],
  ])('%s: BAD_USER_INPUT with HTTP 400, nothing logged as an error', async (_what, query, variables) => {
    const before = await internalErrors();
    const res = await app.gql(query, variables as Record<string, unknown>, 'u-kari');
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(await internalErrors()).toBe(before);
  });

  it('a refused value is not echoed back: a 200,000-character key gives a short answer', async () => {
    const key = 'k'.repeat(200_000);
    const viaVariable = await app.gql(END, { input: { ...endInput, idempotencyKey: key } }, 'u-kari');
    expect(errorCode(viaVariable)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(viaVariable.body).length).toBeLessThan(2_000);
    const asInt = await app.gql('query($n: Int) { clients(first: $n) { totalCount } }', { n: key }, 'u-kari');
    expect(errorCode(asInt)).toBe('BAD_USER_INPUT');
    expect(asInt.body.errors?.[0].message).toMatch(/^Variable "\$n" has an invalid value; /);
    expect(JSON.stringify(asInt.body).length).toBeLessThan(2_000);
  });
});

describe('HTTP errors are JSON with a code (issue: Express answered some errors with HTML)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  it.each([
    ['a body over 1 MB', () => JSON.stringify({ query: `{ viewer { user { id } } } #${'x'.repeat(1_100_000)}` }), {}, 413, 'PAYLOAD_TOO_LARGE'],
    ['malformed JSON', () => '{"query": ', {}, 400, 'BAD_REQUEST'],
    ['a gzip body that is not gzip', () => 'not gzip at all', { 'content-encoding': 'gzip' }, 400, 'BAD_REQUEST'],
    ['an unknown content encoding', () => '{}', { 'content-encoding': 'compress' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a charset other than UTF-8', () => '{}', { 'content-type': 'application/json; charset=latin1' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('%s: JSON error with its code', async (_what, body, headers, status, code) => {
    const res = await post(app, body(), headers as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(res.text).errors[0].extensions.code).toBe(code);
    expect(res.text).not.toMatch(/<html|<pre|at \w+ \(/i);
  });

  it('an unknown route is a JSON 404', async () => {
    const res = await fetch(`${app.url}/no/such/route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'NOT_FOUND', message: 'No such route.' });
  });
});

describe('production: no name suggestions, metrics not open on the API port', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld(), env: { NODE_ENV: 'production', AUTH_JWT_SECRET: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent' } });
  });
  afterAll(() => app.close());

  it('a misspelt field is refused without "Did you mean"', async () => {
    const res = await app.gql('{ viewer { usr { id } } }', {}, 'u-kari');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].message).toBe('Cannot query field "usr" on type "Viewer".');
  });

  it('GET /metrics on the API port is refused without METRICS_TOKEN', async () => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('FORBIDDEN');
  });
});

describe('metrics stay bounded and can be closed (issue: operation names grew memory without bound)', () => {
  let app: TestApp;
  const token = randomBytes(24).toString('hex');
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld(), env: { METRICS_TOKEN: token, METRICS_OPERATION_NAMES: 'ViewerName' } });
  });
  afterAll(() => app.close());

  const metrics = async () => (await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();

  it('operation names the operator did not list are recorded as "other": 200 distinct names add no series', async () => {
    await app.gql('query Warmup { viewer { user { id } } }', {}, 'u-kari');
    const before = await metrics();
    for (let i = 0; i < 200; i++) await app.gql(`query Name${i}_${'x'.repeat(200)} { viewer { user { id } } }`, {}, 'u-kari');
    const after = await metrics();
    expect(after).not.toMatch(/Name\d+_/);
    expect(after).toMatch(/graphql_operation_duration_seconds_count\{operation="other",root_field="viewer",type="query",outcome="ok"\} 201/);
    // The same series as after the first request: only their counts moved (GC and pool metrics may add their own).
    const operationSeries = (text: string) => text.split('\n').filter((line) => line.startsWith('graphql_operation_duration_seconds_count'));
    expect(operationSeries(after).map((line) => line.split(' ')[0])).toEqual(operationSeries(before).map((line) => line.split(' ')[0]));
  });

  it('a listed operation name is recorded as it is', async () => {
    await app.gql('query ViewerName { viewer { user { name } } }', {}, 'u-kari');
    expect(await metrics()).toMatch(/graphql_operation_duration_seconds_count\{operation="ViewerName",root_field="viewer",type="query",outcome="ok"\} 1/);
  });

  it('GET /metrics needs the token when METRICS_TOKEN is set', async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
    expect(await metrics()).toContain('process_resident_memory_bytes');
  });
});

describe('rate limits per user and per IP address, in Redis', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld(), env: { RATE_LIMIT_PER_USER: '3', RATE_LIMIT_PER_IP: '8', RATE_LIMIT_WINDOW: '60' } });
  });
  afterAll(() => app.close());

  const ask = async (userId: string | null) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (userId) headers.authorization = `Bearer ${await app.tokenFor(userId)}`;
    return fetch(`${app.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: '{ viewer { user { id } } }' }) });
  };

  it('a user over their budget gets 429 RATE_LIMITED with Retry-After; another user is still served', async () => {
    const first = await ask('u-kari');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    await ask('u-kari');
    await ask('u-kari');
    const refused = await ask('u-kari');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await ask('u-ola')).status).toBe(200);
  });

  it('requests from one address over its budget are refused, signed in or not', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 8; i++) last = await ask(null);
    expect(last!.status).toBe(429);
    const body = (await last!.json()) as any;
    expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
  });
});
