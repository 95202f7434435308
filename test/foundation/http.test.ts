import type { Server } from 'node:http';
import { createOperationsApp } from '../../src/http/app';
import { smallWorld } from '../support/fixtures';
import { dataOf, errorCode, startTestApp, TestApp } from '../support/test-app';

describe('HTTP surface (contract: HTTP)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  it('GET /healthz answers 200 while the process runs', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when MySQL and Redis answer', async () => {
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ mysql: true, redis: true });
  });

  it('GET /metrics has request and operation latency histograms by operation and root field, DB pool and process metrics', async () => {
    await app.gql('query ViewerName { viewer { user { name } } }', {}, 'u-kari');
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/graphql_operation_duration_seconds_count\{operation="other",root_field="viewer",type="query",outcome="ok"\} 1/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\}/);
    expect(text).toMatch(/db_pool_connections\{state="total"\}/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('takes the request id from X-Request-Id and echoes it; makes one otherwise', async () => {
    const given = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'req-123' } });
    expect(given.headers.get('x-request-id')).toBe('req-123');
    const made = await fetch(`${app.url}/healthz`);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an unexpected error reaches the client as INTERNAL_SERVER_ERROR without its details', async () => {
    const clients = app.opened.runtime.services.clients;
    const original = clients.list;
    clients.list = async () => {
      throw new Error('secret detail: password=hunter2');
    };
    try {
      const res = await app.gql('{ clients { totalCount } }', {}, 'u-kari');
      expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(res.body)).not.toContain('secret');
      expect(JSON.stringify(res.body)).not.toContain('stacktrace');
    } finally {
      clients.list = original;
    }
  });

  it('refuses operations nested too deep', async () => {
    const deep = '{ viewer { memberships { partner { id } } } clients { edges { node { relationships { client { relationships { client { relationships { client { relationships { client { relationships { client { name } } } } } } } } } } } } } }';
    const res = await app.gql(deep, {}, 'u-kari');
    expect(errorCode(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].message).toMatch(/depth limit of 12/);
    expect(res.body.data).toBeUndefined();
  });

  it('refuses operations that would cost too much, before running them', async () => {
    const field = 'clients(first: 100) { edges { node { users { user { name email } roles } extensions { key name } } } }';
    const query = `{ ${Array.from({ length: 9 }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
    app.statements.reset();
    const res = await app.gql(query, {}, 'u-kari');
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.body.errors?.[0].extensions?.cost).toEqual({ requested: expect.any(Number), limit: 20000 });
    expect(res.body.errors?.[0].message).toMatch(/would cost \d+; at most 20000/);
    expect(app.statements.statements.some((s) => s.includes('FROM `clients`'))).toBe(false);
  });

  it('an ordinary page of clients with its users and extensions is within the limits', async () => {
    const res = await app.gql('{ clients(first: 100) { edges { node { users { user { name email } roles } extensions { key name } } } } }', {}, 'u-kari');
    expect(dataOf(res).clients.edges).toHaveLength(2);
  });

  it('a worker-only process serves /healthz, /readyz and /metrics, and no API', async () => {
    const { app: operations, metrics } = createOperationsApp(app.opened.runtime, app.opened.redis);
    const server = await new Promise<Server>((resolve) => {
      const s = operations.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ mysql: true, redis: true });
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('process_resident_memory_bytes');
      expect((await fetch(`${base}/graphql`, { method: 'POST' })).status).toBe(404);
      expect(metrics.registry).toBeDefined();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
