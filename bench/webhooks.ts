import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { TokenService } from '../src/auth/jwt';
import { addDays, osloToday, systemClock } from '../src/common/clock';
import { toGlobalId, useGlobalIdKey } from '../src/common/global-id';
import { startApiServer, startProductProcess } from './lib/api-server';
import { createBenchDatabase, dropOnInterrupt } from './lib/database';
import { runLoad } from './lib/http-load';
import { ratio, report, secondsSince, Target } from './lib/report';
import { clientId, seedPartner } from './lib/seed';

/** Endings per side (API key, JWT) after the warm-up, in alternating rounds so drift hits both alike. */
/** An even number: each side goes first in half the rounds. */
const ROUNDS = 4;
const PER_ROUND = Number(process.env.BENCH_WEBHOOK_ROUND ?? 125);
const WARM_UP = 20;
const CONCURRENCY = 8;
/** Deliveries the worker drains: one per measured ending, to one endpoint. */
const DELIVERIES = 2 * ROUNDS * PER_ROUND;

const MUTATION = `mutation End($input: EndCustomerRelationshipInput!) {
  endCustomerRelationship(input: $input) { relationship { id status } userErrors { code message } }
}`;

async function gql(url: string, authorization: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const loadAverageAtStart = os.loadavg().map((n) => Math.round(n * 100) / 100);
  const db = await createBenchDatabase('webhooks');
  let api: Awaited<ReturnType<typeof startApiServer>> | undefined;
  let worker: Awaited<ReturnType<typeof startApiServer>> | undefined;
  const receipts: number[] = [];
  const ids = new Set<string>();
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      receipts.push(Date.now());
      ids.add(String(req.headers['webhook-id']));
      res.writeHead(204).end();
    });
  });
  dropOnInterrupt(db, async () => {
    await api?.stop();
    await worker?.stop();
    receiver.close();
  });
  try {
    // Ids are made with the installation's own key, as the API process (production, no GLOBAL_ID_SECRET) reads them.
    const [[idKey]] = await db.pool.query<any[]>('SELECT secret FROM installation_keys WHERE id = 1');
    useGlobalIdKey(idKey.secret as Buffer, { acceptLegacy: false });
    const total = 2 * (WARM_UP + ROUNDS * PER_ROUND);
    const seed = await seedPartner(db.pool, { clients: total, partnerUsersPerClient: 8, ownUsersPerClient: 2, extensionsPerClient: 1, partnerUserPool: 200 });
    await db.pool.query("UPDATE partner_memberships SET rights = CONCAT(rights, ',INTEGRATIONS') WHERE user_id = ? AND partner_id = ?", [seed.adminUserId, seed.partnerId]);
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const env = { WEBHOOK_ALLOW_PRIVATE: 'true' };
    api = await startApiServer(db.url, db.queuePrefix, env);

    // Both credentials made the way a partner makes them: a person's token, and a key that person creates.
    const jwt = `Bearer ${await new TokenService(db.config, systemClock).issue(seed.adminUserId, 3 * 3600)}`;
    const partner = toGlobalId('Partner', seed.partnerId);
    const created = await gql(api.url, jwt, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { code } } }', {
      input: { partnerId: partner, name: 'bench', scopes: ['CLIENTS_READ', 'RELATIONSHIPS_WRITE'] },
    });
    const key = `Bearer ${created.createApiKey.secret}`;

    const today = osloToday(systemClock);
    const ending = { responsibilityFrom: '2023-01', responsibilityTo: today.slice(0, 7), generationDate: addDays(today, 30) };
    let next = 0;
    const failures: string[] = [];
    const run = async (authorization: string, amount: number) => {
      const cpuBefore = api!.cpuSeconds();
      const figures = await runLoad({
        url: `${api!.url}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        connections: CONCURRENCY,
        amount,
        requests: [
          {
            setupRequest: (request) => {
              const n = next++;
              return { ...request, body: JSON.stringify({ query: MUTATION, variables: { input: { clientId: toGlobalId('Client', clientId(n)), ...ending } } }) };
            },
            onResponse: (status, body) => {
              const result = status === 200 ? JSON.parse(body)?.data?.endCustomerRelationship : null;
              if (!result || result.userErrors.length || result.relationship?.status !== 'ENDED') failures.push(`${status} ${body.slice(0, 200)}`);
            },
          },
        ],
      });
      return { cpuSeconds: api!.cpuSeconds() - cpuBefore, figures };
    };
    await run(key, WARM_UP);
    await run(jwt, WARM_UP);
    // The endpoint after the warm-up: every measured ending is one delivery.
    const endpoint = await gql(api.url, jwt, 'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { signingSecret userErrors { code message } } }', {
      input: { partnerId: partner, url: receiverUrl, events: ['RELATIONSHIP_ENDED'] },
    });
    if (endpoint.createWebhookEndpoint.userErrors.length) throw new Error(JSON.stringify(endpoint.createWebhookEndpoint.userErrors));
    const sides = { apiKey: { cpuSeconds: 0, requests: 0, p50: [] as number[], p99: [] as number[] }, jwt: { cpuSeconds: 0, requests: 0, p50: [] as number[], p99: [] as number[] } };
    for (let round = 0; round < ROUNDS; round++) {
      const order: Array<['apiKey' | 'jwt', string]> = round % 2 === 0 ? [['apiKey', key], ['jwt', jwt]] : [['jwt', jwt], ['apiKey', key]];
      for (const [name, authorization] of order) {
        const { cpuSeconds, figures } = await run(authorization, PER_ROUND);
        sides[name].cpuSeconds += cpuSeconds;
        sides[name].requests += PER_ROUND;
        sides[name].p50.push(figures.p50Ms);
        sides[name].p99.push(figures.p99Ms);
      }
    }
    await api.stop();
    api = undefined;
    if (failures.length) throw new Error(`${failures.length} endings did not succeed, e.g. ${failures[0]}`);
    const cpuMs = (side: typeof sides.jwt) => Math.round((side.cpuSeconds * 1000 * 100) / side.requests) / 100;
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

    const [[pending]] = await db.pool.query<any[]>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'PENDING'");
    if (Number(pending.n) !== DELIVERIES) throw new Error(`expected ${DELIVERIES} pending deliveries, found ${pending.n}`);

    // One worker process drains them: its start-up sweep and the jobs the API queued after each commit.
    receipts.length = 0;
    const workerStart = Date.now();
    worker = await startProductProcess({ mode: 'worker', databaseUrl: db.url, queuePrefix: db.queuePrefix, env });
    const deadline = Date.now() + 120_000;
    while (receipts.length < DELIVERIES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const drainedAt = Date.now();
    for (;;) {
      const [[left]] = await db.pool.query<any[]>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state <> 'DELIVERED'");
      if (Number(left.n) === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const recordedAt = Date.now();
    const workerCpu = worker.cpuSeconds();
    await worker.stop();
    worker = undefined;
    const [[check]] = await db.pool.query<any[]>("SELECT SUM(state = 'DELIVERED') AS delivered, SUM(attempts) AS attempts, COUNT(*) AS deliveries FROM webhook_deliveries");
    const firstReceipt = receipts.length ? receipts[0] : drainedAt;
    const drainSeconds = Math.round((drainedAt - firstReceipt) / 10) / 100;
    const sinceWorkerStart = Math.round((recordedAt - workerStart) / 10) / 100;

    const keyCpu = cpuMs(sides.apiKey);
    const jwtCpu = cpuMs(sides.jwt);
    const targets: Target[] = [
      { name: 'ending through an API key: CPU per request <= 110 % of the same ending through a JWT (same run)', target: '<= 1.10', value: ratio(keyCpu, jwtCpu), pass: keyCpu <= 1.1 * jwtCpu },
      { name: `${DELIVERIES} webhook deliveries to a local receiver drain in < 10 s with one worker`, target: '< 10 s', value: drainSeconds, pass: receipts.length === DELIVERIES && drainSeconds < 10 },
      { name: 'every delivery received once, with its own webhook-id, and recorded DELIVERED after one try', target: `${DELIVERIES}`, value: ids.size, pass: ids.size === DELIVERIES && receipts.length === DELIVERIES && Number(check.delivered) === DELIVERIES && Number(check.attempts) === DELIVERIES },
    ];
    await report(
      db.pool,
      {
        benchmark: 'webhooks',
        description: `endCustomerRelationship through an API key vs a JWT (CPU per request of the API process, ${ROUNDS} alternating rounds of ${PER_ROUND} at ${CONCURRENCY} callers, same run); then ${DELIVERIES} RELATIONSHIP_ENDED deliveries drained by one worker process to a local receiver`,
        parameters: { rounds: ROUNDS, perRound: PER_ROUND, warmUpPerSide: WARM_UP, concurrency: CONCURRENCY, deliveries: DELIVERIES, loadAverageAtStart, mutation: MUTATION },
        figures: {
          apiKey: { cpuMsPerRequest: keyCpu, p50MsByRound: sides.apiKey.p50, p99MsByRound: sides.apiKey.p99, medianP50Ms: median(sides.apiKey.p50) },
          deliveries: { received: receipts.length, distinctWebhookIds: ids.size, drainSecondsFirstToLast: drainSeconds, secondsFromWorkerStartToAllRecorded: sinceWorkerStart, workerCpuSeconds: workerCpu, perSecond: Math.round(DELIVERIES / Math.max(0.01, drainSeconds)) },
        },
        baseline: { jwt: { cpuMsPerRequest: jwtCpu, p50MsByRound: sides.jwt.p50, p99MsByRound: sides.jwt.p99, medianP50Ms: median(sides.jwt.p50) } },
        ratio: { apiKeyCpuVsJwt: ratio(keyCpu, jwtCpu) },
        targets,
        notes: [`checked after the run: ${JSON.stringify(check)}`, `total run time ${secondsSince(started)} s`],
      },
      `key ${keyCpu} ms CPU/request vs JWT ${jwtCpu} (x${ratio(keyCpu, jwtCpu)}); ${receipts.length} deliveries in ${drainSeconds} s (${sinceWorkerStart} s from worker start)`,
    );
  } finally {
    await api?.stop();
    await worker?.stop();
    receiver.close();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
