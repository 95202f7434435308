import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { openDatabase } from '../../src/boot';
import { Config, loadConfig } from '../../src/config/config';

/** The MariaDB/MySQL server and Redis the benchmarks run against (override with BENCH_DATABASE_URL / BENCH_REDIS_URL). */
export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Drawn per run: the benchmarks run the product with NODE_ENV=production, which refuses a secret written in the source. */
export const BENCH_JWT_SECRET = randomBytes(32).toString('base64');
/** Upload URLs of a run are signed with a key of its own, drawn per run for the same reason. */
export const BENCH_UPLOAD_SECRET = randomBytes(32).toString('base64');

export interface BenchDatabase {
  /** Database name, e.g. ka_bench_clients_page_1234. */
  name: string;
  /** DATABASE_URL of the benchmark's own database (as root). */
  url: string;
  /** BullMQ key prefix of the benchmark's own queues. */
  queuePrefix: string;
  /** The product configuration pointing at this database and queue prefix. */
  config: Config;
  /** A mysql2 pool on the benchmark's database: seeding and the raw baselines. */
  pool: mysql.Pool;
  /** Drops the database and the queue keys; closes the pool. */
  drop(): Promise<void>;
}

/** The URL of `database` on the benchmark server, optionally as another user. */
export function databaseUrl(database: string, credentials?: { user: string; password: string }): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  if (credentials) {
    url.username = encodeURIComponent(credentials.user);
    url.password = encodeURIComponent(credentials.password);
  }
  return url.toString();
}

export function benchConfig(url: string, queuePrefix: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    AUTH_JWT_SECRET: BENCH_JWT_SECRET,
    ARCHIVE_UPLOAD_SECRET: BENCH_UPLOAD_SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_USER: '0',
    RATE_LIMIT_PER_IP: '0',
    ...env,
  });
}

/**
 * A fresh database migrated by the product's own migrations, and a queue prefix, both named after the benchmark and
 * this process so concurrent runs and test suites never meet.
 */
export async function createBenchDatabase(benchmark: string, poolSize = 20): Promise<BenchDatabase> {
  const name = `ka_bench_${benchmark.replace(/[^a-z0-9]/gi, '_')}_${process.pid}`;
  const queuePrefix = `ka-bench-${benchmark}-${process.pid}`;
  const url = databaseUrl(name);
  const config = benchConfig(url, queuePrefix);
  const dataSource = await openDatabase(config, { migrate: true });
  await dataSource.destroy();
  // Several statements per query, as the product's pool allows: a replayed batch goes in one round trip as it did.
  const pool = mysql.createPool({ uri: url, connectionLimit: poolSize, timezone: 'Z', dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, charset: 'utf8mb4_danish_ci', multipleStatements: true });
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await pool.query(`DROP DATABASE IF EXISTS \`${name}\``).catch((error) => console.error(`could not drop ${name}: ${error.message}`));
    await pool.end().catch(() => undefined);
    await deleteQueueKeys(queuePrefix);
  };
  return { name, url, queuePrefix, config, pool, drop };
}

/** Deletes every Redis key under the prefix (SCAN, never KEYS on a shared server). */
export async function deleteQueueKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * Multi-row INSERTs of `rows` into `table`, `batch` rows per statement, on one connection with the foreign key and
 * unique checks off (the seed is consistent by construction).
 */
export async function insertRows(pool: mysql.Pool, table: string, columns: string[], rows: unknown[][], batch = 2000): Promise<void> {
  if (rows.length === 0) return;
  const connection = await pool.getConnection();
  try {
    await connection.query('SET foreign_key_checks = 0, unique_checks = 0');
    const head = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES `;
    for (let i = 0; i < rows.length; i += batch) {
      const chunk = rows.slice(i, i + batch);
      await connection.query(head + chunk.map((row) => `(${row.map((v) => connection.escape(v)).join(',')})`).join(','));
    }
  } finally {
    await connection.query('SET foreign_key_checks = 1, unique_checks = 1').catch(() => undefined);
    connection.release();
  }
}

/** Drops the database when the process is interrupted, so a cancelled run leaves nothing behind. */
export function dropOnInterrupt(db: BenchDatabase, also?: () => Promise<void>): void {
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up ${db.name}`);
    void Promise.resolve(also?.())
      .catch(() => undefined)
      .then(() => db.drop())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
