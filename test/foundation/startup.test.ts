import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { openDatabase, openRedis, StartupError } from '../../src/boot';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../../src/config/config';
import { startProduct, until } from '../support/product-process';

async function messageOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return (error as Error).message;
  }
  throw new Error('expected a StartupError');
}

describe('start-up says which service is missing, where it looked, and how to start it', () => {
  it('MySQL unreachable (and never its password)', async () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://root:Db-Pa55word@127.0.0.1:1/klientadmin' });
    const message = await messageOf(() => openDatabase(config, { migrate: false }));
    expect(message).toContain('Cannot reach MySQL at 127.0.0.1:1 (DATABASE_URL): ECONNREFUSED');
    expect(message).toContain('docker compose up -d');
    expect(message).not.toContain('Pa55word');
  });

  it('Redis unreachable (and never its password)', async () => {
    const config = loadConfig({ REDIS_URL: 'redis://:Redis-Pa55word@127.0.0.1:1' });
    const message = await messageOf(() => openRedis(config));
    expect(message).toContain('Cannot reach Redis at 127.0.0.1:1 (REDIS_URL): ECONNREFUSED');
    expect(message).toContain('docker compose up -d');
    expect(message).not.toContain('Pa55word');
  });
});

describe('starting the product in production', () => {
  it('refuses a published signing secret before connecting to anything, naming the variable, not the value; no URL password is printed', async () => {
    const product = startProduct('api', {
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET,
      DATABASE_URL: 'mysql://root:Db-Pa55word@127.0.0.1:1/klientadmin',
      REDIS_URL: 'redis://:Redis-Pa55word@127.0.0.1:1',
      SMTP_URL: 'http://mailer:Smtp-Pa55word@smtp.example:587',
    });
    expect(await product.exited).toBe(1);
    const output = product.stdout + product.stderr;
    expect(product.stderr).toContain("AUTH_JWT_SECRET is a value published in Klient Admin's source code or documentation");
    expect(product.stderr).toContain('SMTP_URL must start with smtp:// or smtps:// (got "http://mailer:***@smtp.example:587")');
    expect(output).not.toContain('Cannot reach');
    expect(output).not.toContain(DEVELOPMENT_JWT_SECRET);
    expect(output).not.toContain('Pa55word');
  }, 120_000);

  it('`npm start` prints no token, and loads the demo data only when LOAD_DEMO_DATA=true', async () => {
    const base = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/klientadmin');
    const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const serverUrl = new URL(base);
    serverUrl.pathname = '/';
    const server = await mysql.createConnection(serverUrl.toString());
    const redis = new Redis(redisUrl);
    const runs = [{ loadDemoData: undefined }, { loadDemoData: 'true' }].map(({ loadDemoData }) => {
      const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
      const databaseUrl = new URL(base);
      databaseUrl.pathname = `/ka_test_${suffix}`;
      const env: Record<string, string> = {
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: randomBytes(32).toString('base64'),
        DATABASE_URL: databaseUrl.toString(),
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: `ka-test-${suffix}`,
        PORT: '0',
        ARCHIVE_DIR: path.join(tmpdir(), `klientadmin-test-archive-${suffix}`),
        LOG_LEVEL: 'warn',
        ...(loadDemoData ? { LOAD_DEMO_DATA: loadDemoData } : {}),
      };
      return { database: `ka_test_${suffix}`, queuePrefix: env.QUEUE_PREFIX, archiveDir: env.ARCHIVE_DIR, product: startProduct('all', env) };
    });
    try {
      await Promise.all(runs.map((run) => until(run.product, 'Klient Admin is running', 110_000)));
      const partners = [];
      for (const run of runs) {
        const [rows] = await server.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${run.database}\`.partners`);
        partners.push(Number(rows[0].n));
        // A JWT is three base64url parts, the first an encoded JSON header ("eyJ…").
        expect(run.product.stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
        expect(run.product.stdout).not.toContain('A token for the demo user');
      }
      expect(partners[0]).toBe(0);
      expect(partners[1]).toBeGreaterThan(0);
    } finally {
      await Promise.all(runs.map((run) => run.product.stop()));
      for (const run of runs) {
        await server.query(`DROP DATABASE IF EXISTS \`${run.database}\``);
        const keys = await redis.keys(`${run.queuePrefix}:*`);
        if (keys.length) await redis.del(...keys);
        await rm(run.archiveDir, { recursive: true, force: true });
      }
      await server.end();
      redis.disconnect();
    }
  }, 180_000);
});
