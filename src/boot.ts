import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Clock } from './common/clock';
import { useGlobalIdKey } from './common/global-id';
import { installationKey, InstallationKeyKind } from './db/installation-key.entity';
import { redactCredentials } from './common/redact';
import { createLogger, Logger } from './common/logger';
import type { Config } from './config/config';
import { createDataSource, ensureDatabase, DataSourceOptions } from './db/data-source';
import { createRuntime, Runtime, RuntimeParts } from './runtime';

/** A start-up failure with a message for the person starting the process (no stack trace needed). */
export class StartupError extends Error {
  override name = 'StartupError';
  constructor(message: string) {
    // The message may quote a driver's error, which may quote a URL: never with its password.
    super(redactCredentials(message));
  }
}

function where(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 3306)}`;
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e.code ? `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message})` : ''}` : String(e.message ?? error);
}

const HOW_TO_START =
  'Start MySQL and Redis with `docker compose up -d` (see docker-compose.yml), or point DATABASE_URL / REDIS_URL at running servers.';

/** Connects to MySQL (creating the database if missing) and migrates when asked; a clear message when it cannot. */
export async function openDatabase(config: Config, options: Partial<DataSourceOptions> & { migrate: boolean }): Promise<DataSource> {
  try {
    await ensureDatabase(config.databaseUrl);
  } catch (error) {
    throw new StartupError(`Cannot reach MySQL at ${where(config.databaseUrl)} (DATABASE_URL): ${describe(error)}.\n${HOW_TO_START}`);
  }
  const dataSource = createDataSource({ ...options, databaseUrl: config.databaseUrl });
  await dataSource.initialize();
  if (options.migrate) await migrate(dataSource);
  return dataSource;
}

/**
 * Named locks are server-wide: the name carries the database's (hashed to fit MySQL's 64 characters), so processes
 * migrating other databases on the same server never wait for each other.
 */
const MIGRATIONS_LOCK = "CONCAT('klientadmin.migrations.', LEFT(SHA1(DATABASE()), 32))";

/** Applies pending migrations; several processes starting at once take turns through a MySQL named lock. */
export async function migrate(dataSource: DataSource): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    const [row] = await lock.query(`SELECT GET_LOCK(${MIGRATIONS_LOCK}, 120) AS locked`);
    if (Number(row.locked) !== 1) throw new StartupError('Timed out waiting for another process to finish migrating the database.');
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query(`SELECT RELEASE_LOCK(${MIGRATIONS_LOCK})`).catch(() => undefined);
    await lock.release();
  }
}

/** An ioredis connection; a clear message when Redis does not answer. */
export async function openRedis(config: Config): Promise<Redis> {
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: () => null });
  let lastError: unknown;
  const remember = (error: unknown) => (lastError = error);
  redis.on('error', remember);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    // Already ended when the connection was refused; disconnecting then would only hold the process for ioredis's
    // 2 s disconnect timer.
    if (redis.status !== 'end') redis.disconnect();
    throw new StartupError(`Cannot reach Redis at ${where(config.redisUrl)} (REDIS_URL): ${describe(lastError ?? error)}.\n${HOW_TO_START}`);
  }
  redis.off('error', remember);
  // After start-up, keep reconnecting for as long as it takes.
  redis.options.retryStrategy = (n) => Math.min(n * 200, 5000);
  redis.options.maxRetriesPerRequest = 3;
  return redis;
}

export interface Opened {
  runtime: Runtime;
  redis: Redis;
  close(): Promise<void>;
}

/** Everything a process runs on, opened in order and closed in reverse. */
export async function openRuntime(
  config: Config,
  options: {
    clock: Clock;
    logger?: Logger;
    migrate: boolean;
    taskTrigger?: RuntimeParts['taskTrigger'];
    emailTrigger?: RuntimeParts['emailTrigger'];
    exportTrigger?: RuntimeParts['exportTrigger'];
    webhookTrigger?: RuntimeParts['webhookTrigger'];
    webhookResolver?: RuntimeParts['webhookResolver'];
    backupTrigger?: RuntimeParts['backupTrigger'];
    createMandatoryDataGenerator?: RuntimeParts['createMandatoryDataGenerator'];
    dataSource?: Partial<DataSourceOptions>;
  },
): Promise<Opened> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const redis = await openRedis(config);
  redis.on('error', (error) => logger.warn({ err: error }, 'Redis connection error; reconnecting'));
  let dataSource: DataSource;
  try {
    dataSource = await openDatabase(config, { ...options.dataSource, migrate: options.migrate });
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  // Ids are read and made with the installation's key from here on (GLOBAL_ID_SECRET, or the database's own).
  try {
    const idKey = config.globalIdSecret ?? (await installationKey(dataSource.manager, InstallationKeyKind.GLOBAL_IDS));
    useGlobalIdKey(idKey, { acceptLegacy: config.legacyGlobalIds });
  } catch (error) {
    // Only a command that does not migrate (printing a token) may run on a database that was never migrated.
    if (options.migrate) {
      await dataSource.destroy();
      redis.disconnect();
      throw error;
    }
  }
  const runtime = createRuntime({
    config,
    dataSource,
    clock: options.clock,
    logger,
    taskTrigger: options.taskTrigger,
    emailTrigger: options.emailTrigger,
    exportTrigger: options.exportTrigger,
    webhookTrigger: options.webhookTrigger,
    webhookResolver: options.webhookResolver,
    backupTrigger: options.backupTrigger,
    createMandatoryDataGenerator: options.createMandatoryDataGenerator,
  });
  const stores = [
    ['ARCHIVE_STORAGE', runtime.services.archiveStorage],
    ['ARCHIVE_BACKUP', runtime.services.archiveBackupStorage],
  ] as const;
  const closeStores = () => stores.forEach(([, store]) => store?.close?.());
  if (options.migrate) {
    for (const [name, store] of stores) {
      try {
        await store?.check?.();
      } catch (error) {
        closeStores();
        await dataSource.destroy();
        redis.disconnect();
        throw new StartupError(`Cannot use the archive storage ${store!.description} (${name}): ${describe(error)}. Check the bucket and the S3_* settings.`);
      }
    }
  }
  return {
    runtime,
    redis,
    async close() {
      closeStores();
      await dataSource.destroy();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
