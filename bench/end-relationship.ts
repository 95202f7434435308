import 'reflect-metadata';
import { createHash } from 'node:crypto';
import os from 'node:os';
import mysql from 'mysql2/promise';
import { TokenService } from '../src/auth/jwt';
import { addDays, osloMidnight, osloToday, systemClock } from '../src/common/clock';
import { toGlobalId, useGlobalIdKey } from '../src/common/global-id';
import { InstallationKeyKind } from '../src/db/installation-key.entity';
import { startApiServer } from './lib/api-server';
import { createBenchDatabase, databaseUrl, dropOnInterrupt } from './lib/database';
import { LatencyFigures, runCallers, runLoad } from './lib/http-load';
import { ratio, report, secondsSince, Target } from './lib/report';
import { clientId, seedPartner } from './lib/seed';
import { CountedUser, StatementCounts } from './lib/sql-stats';

const LEVELS: Array<{ concurrency: number; amount: number }> = [
  { concurrency: 1, amount: Number(process.env.BENCH_AMOUNT_1 ?? 150) },
  { concurrency: 8, amount: Number(process.env.BENCH_AMOUNT_8 ?? 800) },
  { concurrency: 32, amount: Number(process.env.BENCH_AMOUNT_32 ?? 1600) },
];
const WARM_UP = 100;
const PER_SIDE = WARM_UP + LEVELS.reduce((n, l) => n + l.amount, 0);
/** The batch phase: rounds of 100 single calls from one caller against one endCustomerRelationships call of 100. */
const BATCH_SIZE = 100;
const BATCH_ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 3);
const BATCH_CLIENTS = 2 * BATCH_SIZE * BATCH_ROUNDS;
const PARTNER_USERS_PER_CLIENT = 16;
const OWN_USERS_PER_CLIENT = 4;
const EXTENSIONS_PER_CLIENT = 3;

const MUTATION = `mutation End($input: EndCustomerRelationshipInput!) {
  endCustomerRelationship(input: $input) {
    relationship { id status generationDate }
    client { id partnerCode }
    deactivations { user { id } deactivationDate }
    warnings { code }
    userErrors { code message field }
  }
}`;

const BATCH_MUTATION = `mutation EndMany($input: EndCustomerRelationshipsInput!) {
  endCustomerRelationships(input: $input) {
    results {
      relationship { id status generationDate }
      client { id partnerCode }
      deactivations { user { id } deactivationDate }
      warnings { code }
      userErrors { code message field }
    }
    userErrors { code message field }
  }
}`;

interface Ending {
  responsibilityFrom: string;
  responsibilityTo: string;
  generationDate: string;
}

/**
 * The SQL the ending service sends for one successful ending (src/relationships/ending.service.ts, with an
 * idempotency key and removePartnerOwnedExtensions), in one READ COMMITTED transaction, without the ORM, GraphQL,
 * authentication or the queue: lock the client, read its relationships and accesses, look the key up, end the
 * relationship, unlink the client, date the accesses, write and re-read the two tasks, remove the partner's
 * extensions, find users in other partners and accounts with a derived SAF-T grouping, write the audit event and the
 * idempotency record.
 */
async function endRaw(pool: mysql.Pool, client: string, partnerId: string, userId: string, ending: Ending, key: string): Promise<void> {
  const connection = await pool.getConnection();
  try {
    await connection.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await connection.query('START TRANSACTION');
    const [[row]] = await connection.query<any[]>('SELECT * FROM clients WHERE id = ? FOR UPDATE', [client]);
    const [relationships] = await connection.query<any[]>('SELECT * FROM customer_relationships WHERE client_id = ? ORDER BY id DESC', [client]);
    const [accesses] = await connection.query<any[]>('SELECT * FROM client_accesses WHERE client_id = ? ORDER BY id ASC', [client]);
    await connection.query('SELECT * FROM idempotency_records WHERE user_id = ? AND operation = ? AND idempotency_key = ? FOR UPDATE', [userId, 'endCustomerRelationship', key]);
    const now = new Date();
    const today = osloToday(systemClock);
    const relationship = relationships.find((r) => r.status === 'ACTIVE' && r.partner_id === partnerId);
    await connection.query(
      'UPDATE customer_relationships SET status = ?, partner_period_end = ?, responsibility_from = ?, responsibility_to = ?, generation_date = ?, ended_at = ?, ended_by_user_id = ? WHERE id = ?',
      ['ENDED', today, ending.responsibilityFrom, ending.responsibilityTo, ending.generationDate, now, userId, relationship.id],
    );
    await connection.query('UPDATE clients SET partner_id = NULL, partner_since = NULL WHERE id = ?', [client]);
    const deactivations = accesses.filter((a) => a.via_partner_id === partnerId && !a.deactivated_at);
    await connection.query('UPDATE client_accesses SET deactivation_date = ?, deactivation_relationship_id = ? WHERE id IN (?)', [
      ending.generationDate,
      relationship.id,
      deactivations.map((a) => a.id),
    ]);
    const dueAt = osloMidnight(ending.generationDate);
    await connection.query('INSERT INTO scheduled_tasks (relationship_id, kind, state, due_at, attempts) VALUES ?', [
      ['GENERATE_MANDATORY_DATA', 'APPLY_DEACTIVATIONS'].map((kind) => [relationship.id, kind, 'SCHEDULED', dueAt, 0]),
    ]);
    await connection.query('SELECT * FROM scheduled_tasks WHERE relationship_id = ? ORDER BY kind ASC', [relationship.id]);
    const [owned] = await connection.query<any[]>('SELECT id, `key` FROM client_extensions WHERE client_id = ? AND owner_partner_id = ?', [client, partnerId]);
    if (owned.length) await connection.query('DELETE FROM client_extensions WHERE id IN (?)', [owned.map((e) => e.id)]);
    const userIds = deactivations.map((a) => a.user_id);
    const [others] = await connection.query<any[]>('SELECT user_id FROM partner_memberships WHERE user_id IN (?) AND partner_id <> ?', [userIds, partnerId]);
    // The warning about accounts whose SAF-T grouping was derived (LedgerService.derivedGroupingAccounts).
    await connection.query('SELECT account_id, description, grouping_category, grouping_code FROM ledger_accounts WHERE client_id = ? AND grouping_derived = 1 ORDER BY account_id', [client]);
    const after = {
      partnerId: null,
      partnerSince: null,
      status: 'ENDED',
      ...ending,
      deactivatedUserIds: userIds,
      usersInOtherPartners: others.map((o) => o.user_id).sort(),
      removedExtensions: owned.map((e) => e.key).sort(),
      subscriptionAdminUserId: row.subscription_admin_user_id,
    };
    const before = { partnerId, partnerSince: row.partner_since, subscriptionAdminUserId: row.subscription_admin_user_id, status: 'ACTIVE' };
    await connection.query('INSERT INTO audit_events (action, client_id, relationship_id, `before`, `after`, actor_user_id, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      'RELATIONSHIP_ENDED',
      client,
      relationship.id,
      JSON.stringify(before),
      JSON.stringify(after),
      userId,
      'raw',
      now,
    ]);
    const input = { clientId: client, ...ending, removePartnerOwnedExtensions: true };
    await connection.query(
      'INSERT INTO idempotency_records (user_id, operation, idempotency_key, request_hash, result, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [
        userId,
        'endCustomerRelationship',
        key,
        createHash('sha256').update(JSON.stringify(input)).digest('hex'),
        JSON.stringify({ relationshipId: relationship.id, clientId: client, deactivationIds: deactivations.map((a) => a.id), warnings: [] }),
        now,
      ],
    );
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const loadAverageAtStart = os.loadavg().map((n) => Math.round(n * 100) / 100);
  const db = await createBenchDatabase('end-relationship');
  let counted: CountedUser | undefined;
  let server: Awaited<ReturnType<typeof startApiServer>> | undefined;
  let rawPool: mysql.Pool | undefined;
  dropOnInterrupt(db, async () => {
    await server?.stop();
    await rawPool?.end();
    await counted?.drop();
  });
  try {
    const seedStart = process.hrtime.bigint();
    const seed = await seedPartner(db.pool, {
      clients: 2 * PER_SIDE + BATCH_CLIENTS,
      partnerUsersPerClient: PARTNER_USERS_PER_CLIENT,
      ownUsersPerClient: OWN_USERS_PER_CLIENT,
      extensionsPerClient: EXTENSIONS_PER_CLIENT,
      partnerUserPool: 400,
      alsoInOtherPartnerEvery: 10,
    });
    const seedSeconds = secondsSince(seedStart);
    const today = osloToday(systemClock);
    const ending: Ending = { responsibilityFrom: '2023-01', responsibilityTo: today.slice(0, 7), generationDate: addDays(today, 30) };
    const token = await new TokenService(db.config, systemClock).issue(seed.adminUserId, 3 * 3600);

    counted = await CountedUser.create(db.pool, db.name);
    server = await startApiServer(databaseUrl(db.name, counted), db.queuePrefix);
    // The API (production mode) encrypts ids with the installation's own key: make them with the same one.
    const [[idKey]] = await db.pool.query<any[]>('SELECT secret FROM installation_keys WHERE id = ?', [InstallationKeyKind.GLOBAL_IDS]);
    useGlobalIdKey(idKey.secret, { acceptLegacy: false });

    // Product: each request ends a client no other request touches (clients 0 .. PER_SIDE-1).
    let next = 0;
    const failures: string[] = [];
    const productLevel = async (concurrency: number, amount: number) => {
      const cpuBefore = server!.cpuSeconds();
      let statements: StatementCounts | undefined;
      let figures: Awaited<ReturnType<typeof runLoad>> | undefined;
      statements = await counted!.during(async () => {
        figures = await runLoad({
          url: `${server!.url}/graphql`,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          connections: concurrency,
          amount,
          requests: [
            {
              setupRequest: (request) => {
                const n = next++;
                const input = { clientId: toGlobalId('Client', clientId(n)), ...ending, removePartnerOwnedExtensions: true, idempotencyKey: `bench-${n}` };
                return { ...request, body: JSON.stringify({ query: MUTATION, variables: { input } }) };
              },
              onResponse: (status, body) => {
                const payload = status === 200 ? JSON.parse(body) : null;
                const result = payload?.data?.endCustomerRelationship;
                if (!result || payload.errors || result.userErrors.length || result.relationship?.status !== 'ENDED') failures.push(body.slice(0, 300));
              },
            },
          ],
        });
      }, amount);
      return { ...figures!, serverCpuMsPerRequest: Math.round(((server!.cpuSeconds() - cpuBefore) * 1000 * 100) / amount) / 100, statementsPerEnding: statements };
    };
    await productLevel(8, WARM_UP);
    const product: Record<string, Awaited<ReturnType<typeof productLevel>>> = {};
    for (const level of LEVELS) product[`c${level.concurrency}`] = await productLevel(level.concurrency, level.amount);

    // Batch: one caller ends 100 clients with 100 single calls, then 100 others in one endCustomerRelationships call;
    // rounds alternate, over clients 2*PER_SIDE .. 2*PER_SIDE+BATCH_CLIENTS-1, which nothing else touches.
    let nextBatchClient = 2 * PER_SIDE;
    const inputOf = (n: number) => ({ clientId: toGlobalId('Client', clientId(n)), ...ending, removePartnerOwnedExtensions: true, idempotencyKey: `batch-bench-${n}` });
    const singles = { seconds: 0, cpuSeconds: 0, endings: 0 };
    const batches = { seconds: 0, cpuSeconds: 0, endings: 0, callMs: [] as number[] };
    for (let round = 0; round < BATCH_ROUNDS; round++) {
      let cpuBefore = server.cpuSeconds();
      let start = process.hrtime.bigint();
      for (let i = 0; i < BATCH_SIZE; i++) {
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: MUTATION, variables: { input: inputOf(nextBatchClient++) } }),
        });
        const body = (await res.json()) as any;
        const result = body?.data?.endCustomerRelationship;
        if (!result || body.errors || result.userErrors.length || result.relationship?.status !== 'ENDED') failures.push(JSON.stringify(body).slice(0, 300));
      }
      singles.seconds += secondsSince(start);
      singles.cpuSeconds += server.cpuSeconds() - cpuBefore;
      singles.endings += BATCH_SIZE;

      cpuBefore = server.cpuSeconds();
      start = process.hrtime.bigint();
      const items = Array.from({ length: BATCH_SIZE }, () => inputOf(nextBatchClient++));
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: BATCH_MUTATION, variables: { input: { items } } }),
      });
      const body = (await res.json()) as any;
      const seconds = secondsSince(start);
      batches.seconds += seconds;
      batches.callMs.push(Math.round(seconds * 1000));
      batches.cpuSeconds += server.cpuSeconds() - cpuBefore;
      batches.endings += BATCH_SIZE;
      const results = body?.data?.endCustomerRelationships?.results ?? [];
      if (body.errors || results.length !== BATCH_SIZE || results.some((r: any) => r.userErrors.length || r.relationship?.status !== 'ENDED')) {
        failures.push(JSON.stringify(body).slice(0, 300));
      }
    }
    const batch = {
      rounds: BATCH_ROUNDS,
      itemsPerCall: BATCH_SIZE,
      singleCallsPerSecond: Math.round((singles.endings / singles.seconds) * 10) / 10,
      batchEndingsPerSecond: Math.round((batches.endings / batches.seconds) * 10) / 10,
      batchCallMs: batches.callMs,
      singleCpuMsPerEnding: Math.round((singles.cpuSeconds * 1000 * 100) / singles.endings) / 100,
      batchCpuMsPerEnding: Math.round((batches.cpuSeconds * 1000 * 100) / batches.endings) / 100,
    };
    await server.stop();
    server = undefined;
    if (failures.length) throw new Error(`${failures.length} endings did not succeed, e.g. ${failures[0]}`);

    // Raw: the same transaction over mysql2, one pool connection per caller, clients PER_SIDE .. 2*PER_SIDE-1.
    rawPool = mysql.createPool({ uri: databaseUrl(db.name, counted), connectionLimit: 32, timezone: 'Z', dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
    let nextRaw = PER_SIDE;
    const rawLevel = async (concurrency: number, total: number) => {
      let figures: LatencyFigures | undefined;
      const statements = await counted!.during(async () => {
        figures = await runCallers({
          concurrency,
          total,
          work: () => {
            const n = nextRaw++;
            return endRaw(rawPool!, clientId(n), seed.partnerId, seed.adminUserId, ending, `raw-${n}`);
          },
        });
      }, total);
      return { ...figures!, statementsPerEnding: statements };
    };
    await rawLevel(8, WARM_UP);
    const raw: Record<string, Awaited<ReturnType<typeof rawLevel>>> = {};
    for (const level of LEVELS) raw[`c${level.concurrency}`] = await rawLevel(level.concurrency, level.amount);

    // Every ending happened exactly once, with its tasks, dates and audit event.
    const [[check]] = await db.pool.query<any[]>(
      `SELECT (SELECT COUNT(*) FROM customer_relationships WHERE status = 'ENDED') AS ended,
              (SELECT COUNT(*) FROM scheduled_tasks) AS tasks,
              (SELECT COUNT(*) FROM audit_events WHERE action = 'RELATIONSHIP_ENDED') AS audits,
              (SELECT COUNT(*) FROM client_accesses WHERE deactivation_date IS NOT NULL) AS dated,
              (SELECT COUNT(*) FROM clients WHERE partner_id IS NULL) AS unlinked`,
    );
    const endings = 2 * PER_SIDE + BATCH_CLIENTS;
    const consistent =
      Number(check.ended) === endings &&
      Number(check.tasks) === 2 * endings &&
      Number(check.audits) === endings &&
      Number(check.dated) === PARTNER_USERS_PER_CLIENT * endings &&
      Number(check.unlinked) === endings;
    if (!consistent) throw new Error(`database after the run does not add up: ${JSON.stringify(check)} for ${endings} endings`);

    const top = product.c32;
    const rawTop = raw.c32;
    // Issue #17's targets for the ending: API CPU per ending, and the rate and p99 at 32 callers against raw SQL's.
    const targets: Target[] = [
      { name: 'at 32 callers, API CPU per ending <= 2 ms', target: '<= 2 ms', value: top.serverCpuMsPerRequest, pass: top.serverCpuMsPerRequest <= 2 },
      { name: 'at 32 callers, rate >= 60 % of raw SQL', target: '>= 0.6', value: ratio(top.perSecond, rawTop.perSecond), pass: top.perSecond >= 0.6 * rawTop.perSecond },
      { name: 'at 32 callers, p99 <= 1.5x raw SQL p99', target: `<= ${Math.round(1.5 * rawTop.p99Ms)} ms`, value: top.p99Ms, pass: top.p99Ms <= 1.5 * rawTop.p99Ms },
      {
        name: 'one caller: 100 endings in one endCustomerRelationships call >= 2x the rate of 100 single calls',
        target: '>= 2',
        value: ratio(batch.batchEndingsPerSecond, batch.singleCallsPerSecond),
        pass: batch.batchEndingsPerSecond >= 2 * batch.singleCallsPerSecond,
      },
      {
        name: 'one caller: API CPU per ending in the batch below the single mutation\'s',
        target: `< ${batch.singleCpuMsPerEnding} ms`,
        value: batch.batchCpuMsPerEnding,
        pass: batch.batchCpuMsPerEnding < batch.singleCpuMsPerEnding,
      },
    ];
    const line =
      LEVELS.map(({ concurrency: c }) => `c${c} ${product[`c${c}`].perSecond}/s p50 ${product[`c${c}`].p50Ms} p99 ${product[`c${c}`].p99Ms} ms (raw ${raw[`c${c}`].perSecond}/s)`).join(', ') +
      `; batch of ${BATCH_SIZE}: ${batch.batchEndingsPerSecond}/s vs ${batch.singleCallsPerSecond}/s single calls, CPU ${batch.batchCpuMsPerEnding} vs ${batch.singleCpuMsPerEnding} ms per ending`;
    await report(
      db.pool,
      {
        benchmark: 'end-relationship',
        description:
          'endCustomerRelationship over distinct clients (20 users, 3 extensions each) at 1, 8 and 32 concurrent callers, against the same SQL transaction over mysql2; and one caller ending 100 clients in one endCustomerRelationships call against 100 single calls',
        parameters: {
          batch: { itemsPerCall: BATCH_SIZE, rounds: BATCH_ROUNDS, batchMutation: BATCH_MUTATION },
          levels: LEVELS,
          warmUp: WARM_UP,
          usersPerClient: { viaPartner: PARTNER_USERS_PER_CLIENT, own: OWN_USERS_PER_CLIENT },
          extensionsPerClient: EXTENSIONS_PER_CLIENT,
          input: { ...ending, removePartnerOwnedExtensions: true, idempotencyKey: 'one per request' },
          seedSeconds,
          loadAverageAtStart,
          mutation: MUTATION,
        },
        figures: { ...product, batch },
        baseline: { description: 'endRaw() in bench/end-relationship.ts: the service\'s statements in one READ COMMITTED transaction over mysql2, pool of 32', ...raw },
        ratio: Object.fromEntries(LEVELS.map(({ concurrency: c }) => [`c${c}RateVsRaw`, ratio(product[`c${c}`].perSecond, raw[`c${c}`].perSecond)])),
        targets,
        notes: [`checked after the run: ${JSON.stringify(check)}`, `total run time ${secondsSince(started)} s`],
      },
      line,
    );
  } finally {
    await server?.stop();
    await rawPool?.end().catch(() => undefined);
    await counted?.drop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
