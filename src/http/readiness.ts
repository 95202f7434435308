import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';

export interface ReadinessReport {
  mysql: boolean;
  redis: boolean;
}

/** Whether MySQL and Redis answer (`GET /readyz`). */
export async function checkReadiness(dataSource: DataSource, redis: Redis, timeoutMs = 2000): Promise<ReadinessReport> {
  const within = <T>(p: Promise<T>) =>
    Promise.race([p.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]).catch(
      () => false,
    );
  const [mysql, redisOk] = await Promise.all([within(dataSource.query('SELECT 1')), within(redis.ping())]);
  return { mysql, redis: redisOk };
}
