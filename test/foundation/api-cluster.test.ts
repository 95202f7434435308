import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { loadConfig } from '../../src/config/config';
import { startProduct, until } from '../support/product-process';

/** One request on a connection of its own, so that the cluster can hand each to the next process. */
function get(port: number, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: pathname, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function healthzCount(metrics: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith('http_request_duration_seconds_count{') && l.includes('route="/healthz"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

const readyPids = (stdout: string) => [...stdout.matchAll(/"pid":(\d+),"msg":"API process ready"/g)].map((m) => Number(m[1]));

describe('API_WORKERS', () => {
  it('is a number of processes from 1 to 64, or auto for one per core', () => {
    expect(loadConfig({}).apiWorkers).toBe(1);
    expect(loadConfig({ API_WORKERS: '3' }).apiWorkers).toBe(3);
    expect(loadConfig({ API_WORKERS: 'auto' }).apiWorkers).toBeGreaterThanOrEqual(1);
    for (const bad of ['0', '65', '1.5', 'many']) {
      expect(() => loadConfig({ API_WORKERS: bad })).toThrow(`API_WORKERS must be a number of processes from 1 to 64, or auto (got "${bad}")`);
    }
  });

  it('runs several API processes behind one port: each serves, /metrics sums them all, one that dies is replaced, a signal stops them all', async () => {
    const base = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/klientadmin');
    const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
    const databaseUrl = new URL(base);
    databaseUrl.pathname = `/ka_test_${suffix}`;
    const queuePrefix = `ka-test-${suffix}`;
    const archiveDir = path.join(tmpdir(), `klientadmin-test-archive-${suffix}`);
    const product = startProduct('api', {
      API_WORKERS: '2',
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix,
      PORT: '0',
      ARCHIVE_DIR: archiveDir,
      LOG_LEVEL: 'info',
    });
    try {
      await until(product, 'API ready in every process', 110_000);
      const pids = readyPids(product.stdout);
      expect(new Set(pids).size).toBe(2);
      const port = Number(/"url":"http:\/\/localhost:(\d+)\/graphql"/.exec(product.stdout)![1]);

      const before = healthzCount((await get(port, '/metrics')).body);
      for (let i = 0; i < 12; i++) expect((await get(port, '/healthz')).status).toBe(200);
      const metrics = await get(port, '/metrics');
      expect(metrics.body.slice(0, 300)).toMatch(/^# HELP/);
      expect(metrics.status).toBe(200);
      // Connections alternate between the two processes; the count is the sum over both.
      expect(healthzCount(metrics.body) - before).toBe(12);

      process.kill(pids[0], 'SIGKILL');
      await until(product, 'an API process stopped; starting another', 20_000);
      await until(product, (text) => readyPids(text).length === 3, 60_000);
      const replacement = readyPids(product.stdout)[2];
      expect(pids).not.toContain(replacement);
      for (let i = 0; i < 4; i++) expect((await get(port, '/healthz')).status).toBe(200);

      expect(await product.stop()).toBe(0);
      for (const pid of [pids[1], replacement]) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      await product.stop();
      const server = await mysql.createConnection({ host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username || 'root'), password: decodeURIComponent(base.password) });
      await server.query(`DROP DATABASE IF EXISTS \`ka_test_${suffix}\``);
      await server.end();
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await rm(archiveDir, { recursive: true, force: true });
    }
  }, 180_000);
});
