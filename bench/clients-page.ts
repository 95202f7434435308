import 'reflect-metadata';
import type { Server } from 'node:http';
import mysql from 'mysql2/promise';
import os from 'node:os';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { TokenService } from '../src/auth/jwt';
import { openRuntime } from '../src/boot';
import { systemClock } from '../src/common/clock';
import { encodeCursor } from '../src/common/pages';
import { createHttpApp } from '../src/http/app';
import { ApiServer, startApiServer } from './lib/api-server';
import { BENCH_JWT_SECRET, benchConfig, createBenchDatabase, databaseUrl, dropOnInterrupt } from './lib/database';
import { startPeerServer } from './lib/peer-server';
import { InstallationKeyKind } from '../src/db/installation-key.entity';
import { LatencyFigures, runCallers, runLoad } from './lib/http-load';
import { ratio, report, secondsSince, Target } from './lib/report';
import { seedPartner } from './lib/seed';
import { CountedUser, StatementCounts } from './lib/sql-stats';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000);
const DEEP_POSITION = Math.round(CLIENTS * 0.9);
const CONCURRENCY = 8;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const COUNT_REQUESTS = 40;
/** "No slower": the deep page's p95 within this factor of the first page's (run-to-run noise on a shared 2-core box). */
const NO_SLOWER_TOLERANCE = 1.1;
/** Issue #17: API CPU per 50-client page, and against the peer (the same query and SQL on Fastify + Mercurius/graphql-jit). */
const CPU_PER_PAGE_TARGET_MS = 3;
const CPU_VS_PEER_TARGET = 1.5;

const QUERY = `query ClientsPage($first: Int, $after: String) {
  clients(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name organizationNumber partnerCode partnerSince
      partner { id name partnerCode }
      subscriptionAdmin { id name }
      users { user { id name email } roles isSubscriptionAdmin viaPartner { id partnerCode } deactivationDate active }
      extensions { key name ownerPartner { id name } }
    } }
  }
}`;

interface Captured {
  stage: number;
  query: string;
  parameters: unknown[];
}

/** Records the statements a request sends, grouped into stages: statements issued in the same turn ran in parallel. */
class CapturingLogger implements TypeOrmLogger {
  captured: Captured[] = [];
  private stage = 0;
  private open = false;
  logQuery(query: string, parameters?: unknown[]): void {
    if (!this.open) {
      this.stage++;
      this.open = true;
      setImmediate(() => (this.open = false));
    }
    this.captured.push({ stage: this.stage, query, parameters: parameters ?? [] });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** The exact statements (with parameters) the product sends for each request, from an in-process copy of the API. */
async function captureStatements(url: string, queuePrefix: string, token: string, requests: Record<string, Record<string, unknown>>): Promise<Record<string, Captured[][]>> {
  const logger = new CapturingLogger();
  const opened = await openRuntime(benchConfig(url, queuePrefix), { clock: systemClock, migrate: false, dataSource: { logger } });
  const http = await createHttpApp(opened.runtime, opened.redis);
  const server = await new Promise<Server>((resolve) => {
    const s = http.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const out: Record<string, Captured[][]> = {};
  try {
    for (const [name, variables] of Object.entries(requests)) {
      await post(`http://127.0.0.1:${port}`, token, variables); // warm caches
      logger.captured = [];
      await post(`http://127.0.0.1:${port}`, token, variables);
      const stages = new Map<number, Captured[]>();
      for (const c of logger.captured) (stages.get(c.stage) ?? stages.set(c.stage, []).get(c.stage)!).push(c);
      out[name] = [...stages.values()];
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await http.apollo.stop();
    await opened.close();
  }
  return out;
}

async function post(base: string, token: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY, variables }),
  });
  const body: any = await res.json();
  if (!res.ok || body.errors) throw new Error(`clients page failed: ${res.status} ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const loadAverageAtStart = os.loadavg().map((n) => Math.round(n * 100) / 100);
  const db = await createBenchDatabase('clients-page');
  let counted: CountedUser | undefined;
  let server: ApiServer | undefined;
  let peer: ApiServer | undefined;
  dropOnInterrupt(db, async () => {
    await server?.stop();
    await peer?.stop();
    await counted?.drop();
  });
  try {
    const seedStart = process.hrtime.bigint();
    const seed = await seedPartner(db.pool, { clients: CLIENTS, partnerUsersPerClient: 3, ownUsersPerClient: 1, extensionsPerClient: 3, partnerUserPool: 500 });
    const seedSeconds = secondsSince(seedStart);

    const [[deep]] = await db.pool.query<any[]>('SELECT name, id FROM clients WHERE partner_id = ? ORDER BY name, id LIMIT 1 OFFSET ?', [seed.partnerId, DEEP_POSITION - 1]);
    const deepCursor = encodeCursor([deep.name, deep.id]);
    const token = await new TokenService(db.config, systemClock).issue(seed.adminUserId, 3 * 3600);
    const requests = {
      first: { first: 50 },
      deep: { first: 50, after: deepCursor },
      first10: { first: 10 },
      first100: { first: 100 },
    };

    const captured = await captureStatements(db.url, db.queuePrefix, token, { first: requests.first, deep: requests.deep });

    // How MariaDB runs each statement of a page (rows it expects to examine per table).
    const explain = async (stages: Captured[][]) => {
      const plans = [];
      // A batch (several statements sent in one round trip) is explained statement by statement.
      for (const sql of stages.flat().flatMap((statement) => mysql.format(statement.query, statement.parameters as any[]).split(';\n'))) {
        const [rows] = await db.pool.query<any[]>(`EXPLAIN ${sql}`);
        plans.push({ statement: sql.slice(0, 120), plan: rows.map((r) => ({ table: r.table, type: r.type, key: r.key, rows: Number(r.rows), extra: r.Extra })) });
      }
      return plans;
    };
    const plans = { first: await explain(captured.first), deep: await explain(captured.deep) };
    // Each statement alone, one caller, median of 20: which statement the time goes to.
    const statementTimes = async (stages: Captured[][]) => {
      const out = [];
      for (const statement of stages.flat()) {
        const timing = await runCallers({ concurrency: 1, total: 20, work: async () => void (await db.pool.query(statement.query, statement.parameters)) });
        out.push({ statement: statement.query.slice(0, 120), p50Ms: timing.p50Ms });
      }
      return out;
    };
    const singleStatementTimes = { first: await statementTimes(captured.first), deep: await statementTimes(captured.deep) };

    counted = await CountedUser.create(db.pool, db.name);
    server = await startApiServer(databaseUrl(db.name, counted), db.queuePrefix);

    // Sanity: full pages, the deep page really starts after the cursor.
    const firstData = await post(server.url, token, requests.first);
    const deepData = await post(server.url, token, requests.deep);
    if (firstData.clients.edges.length !== 50 || deepData.clients.edges.length !== 50) throw new Error('a page did not have 50 clients');
    if (firstData.clients.totalCount !== CLIENTS) throw new Error(`totalCount ${firstData.clients.totalCount}, expected ${CLIENTS}`);
    if (deepData.clients.edges[0].node.users.length !== 4 || deepData.clients.edges[0].node.extensions.length !== 3) throw new Error('unexpected users/extensions on a client');

    // Statements per request as MariaDB counts them for the server's account.
    const statements: Record<string, StatementCounts> = {};
    for (const [name, variables] of Object.entries(requests)) {
      await post(server.url, token, variables);
      statements[name] = await counted.during(async () => {
        for (let i = 0; i < COUNT_REQUESTS; i++) await post(server!.url, token, variables);
      }, COUNT_REQUESTS);
    }

    const body = (variables: Record<string, unknown>) => JSON.stringify({ query: QUERY, variables });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const load = async (target: ApiServer, variables: Record<string, unknown>) => {
      await runLoad({ url: `${target.url}/graphql`, method: 'POST', headers, body: body(variables), connections: CONCURRENCY, duration: 3 }); // warm-up
      const cpuBefore = target.cpuSeconds();
      const figures = await runLoad({ url: `${target.url}/graphql`, method: 'POST', headers, body: body(variables), connections: CONCURRENCY, duration: SECONDS });
      return { ...figures, serverCpuMsPerRequest: Math.round(((target.cpuSeconds() - cpuBefore) * 1000 * 100) / figures.requests) / 100 };
    };
    const product = { first: await load(server, requests.first), deep: await load(server, requests.deep) };
    await server.stop();
    server = undefined;

    // Peer baseline: the same query, the same SQL, on a minimal Fastify + Mercurius (graphql-jit) + mysql2 server; it
    // must answer exactly what the product answered.
    const [[idKey]] = await db.pool.query<any[]>('SELECT secret FROM installation_keys WHERE id = ?', [InstallationKeyKind.GLOBAL_IDS]);
    peer = await startPeerServer({ databaseUrl: databaseUrl(db.name), jwtSecret: BENCH_JWT_SECRET, idKey: idKey.secret });
    for (const [name, expected] of [['first', firstData], ['deep', deepData]] as const) {
      const answered = await post(peer.url, token, requests[name]);
      if (JSON.stringify(answered) !== JSON.stringify(expected)) throw new Error(`the peer's ${name} page differs from the product's: ${JSON.stringify(answered).slice(0, 400)}`);
    }
    const peerFigures = { first: await load(peer, requests.first), deep: await load(peer, requests.deep) };
    await peer.stop();
    peer = undefined;
    const cpuVsPeer = ratio(product.first.serverCpuMsPerRequest, peerFigures.first.serverCpuMsPerRequest);

    // Baseline: the same statements with the same parameters over mysql2, stage by stage as the server ran them.
    const replay = async (stages: Captured[][]) => {
      for (const stage of stages) await Promise.all(stage.map((s) => db.pool.query(s.query, s.parameters)));
    };
    const rawLoad = async (stages: Captured[][]): Promise<LatencyFigures> => {
      await runCallers({ concurrency: CONCURRENCY, seconds: 3, work: () => replay(stages) });
      return runCallers({ concurrency: CONCURRENCY, seconds: SECONDS, work: () => replay(stages) });
    };
    const baseline = { first: await rawLoad(captured.first), deep: await rawLoad(captured.deep) };

    const statementCounts = Object.values(statements).map((s) => s.total);
    const sameStatements = statementCounts.every((n) => n === statementCounts[0]);
    const targets: Target[] = [
      { name: 'first page p95 < 25 ms', target: '< 25 ms', value: product.first.p95Ms, pass: product.first.p95Ms < 25 },
      { name: 'deep page p95 < 25 ms', target: '< 25 ms', value: product.deep.p95Ms, pass: product.deep.p95Ms < 25 },
      {
        name: 'deep page no slower than the first (p95)',
        target: `deep p95 <= ${NO_SLOWER_TOLERANCE} x first p95`,
        value: ratio(product.deep.p95Ms, product.first.p95Ms),
        pass: product.deep.p95Ms <= product.first.p95Ms * NO_SLOWER_TOLERANCE,
      },
      {
        name: 'statements per request independent of page size and depth',
        target: 'equal for first 10 / 50 / 100 and the deep page',
        value: statementCounts.join(' / '),
        pass: sameStatements,
      },
      {
        name: `API CPU per 50-client page <= ${CPU_PER_PAGE_TARGET_MS} ms`,
        target: `<= ${CPU_PER_PAGE_TARGET_MS} ms`,
        value: `${product.first.serverCpuMsPerRequest} / ${product.deep.serverCpuMsPerRequest} (first / deep)`,
        pass: Math.max(product.first.serverCpuMsPerRequest, product.deep.serverCpuMsPerRequest) <= CPU_PER_PAGE_TARGET_MS,
      },
      {
        name: `API CPU per page <= ${CPU_VS_PEER_TARGET}x the peer's`,
        target: `<= ${CPU_VS_PEER_TARGET}x`,
        value: cpuVsPeer,
        pass: product.first.serverCpuMsPerRequest <= peerFigures.first.serverCpuMsPerRequest * CPU_VS_PEER_TARGET,
      },
    ];
    await report(
      db.pool,
      {
        benchmark: 'clients-page',
        description: `clients(first: 50) with users, partner and extensions for a partner with ${CLIENTS} clients, ${CONCURRENCY} callers; first page and a page after the ${DEEP_POSITION}th client.`,
        parameters: {
          clients: CLIENTS,
          accessesPerClient: 4,
          extensionsPerClient: 3,
          concurrency: CONCURRENCY,
          secondsPerRun: SECONDS,
          deepCursorPosition: DEEP_POSITION,
          statementCountRequests: COUNT_REQUESTS,
          seedSeconds,
          loadAverageAtStart,
          query: QUERY,
        },
        figures: { firstPage: product.first, deepPage: product.deep, statementsPerRequest: statements, explain: plans, singleStatementTimes },
        baseline: {
          description: 'the statements the API sent for the same request (captured with their parameters), replayed over mysql2 with the same parallelism, 8 callers',
          statements: { first: captured.first.map((stage) => stage.map((s) => s.query)), deep: captured.deep.map((stage) => stage.map((s) => s.query)) },
          firstPage: baseline.first,
          deepPage: baseline.deep,
          peer: {
            description: 'peer server: the same query answered from the same SQL by Fastify 5 + Mercurius 16 (graphql-jit) + mysql2 + DataLoader, same JWT check, same ids and response, as a child process with the same Node flags, 8 callers',
            firstPage: peerFigures.first,
            deepPage: peerFigures.deep,
          },
        },
        ratio: {
          firstPageP95VsRaw: ratio(product.first.p95Ms, baseline.first.p95Ms),
          deepPageP95VsRaw: ratio(product.deep.p95Ms, baseline.deep.p95Ms),
          firstPageRateVsRaw: ratio(product.first.perSecond, baseline.first.perSecond),
          deepPageRateVsRaw: ratio(product.deep.perSecond, baseline.deep.perSecond),
          firstPageCpuVsPeer: cpuVsPeer,
          deepPageCpuVsPeer: ratio(product.deep.serverCpuMsPerRequest, peerFigures.deep.serverCpuMsPerRequest),
        },
        targets,
        notes: [`total run time ${secondsSince(started)} s`],
      },
      `first page p50 ${product.first.p50Ms} / p95 ${product.first.p95Ms} ms (raw SQL p95 ${baseline.first.p95Ms}), deep p50 ${product.deep.p50Ms} / p95 ${product.deep.p95Ms} ms (raw ${baseline.deep.p95Ms}), ${product.first.serverCpuMsPerRequest} ms server CPU per request (peer ${peerFigures.first.serverCpuMsPerRequest} ms, ${cpuVsPeer}x; peer p95 ${peerFigures.first.p95Ms} ms), ${statementCounts.join('/')} statements per request`,
    );
  } finally {
    await server?.stop();
    await peer?.stop();
    await counted?.drop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
