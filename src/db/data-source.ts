import { format } from 'mysql2';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DataSourceOptions {
  databaseUrl: string;
  /** Connections in the pool. */
  poolSize?: number;
  /** Receives every SQL statement (tests count them). */
  logger?: TypeOrmLogger;
}

/** The product's MySQL/MariaDB data source: UTC instants, dates as strings, schema by migrations only. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'mysql',
    url: options.databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    timezone: 'Z',
    charset: 'utf8mb4_danish_ci',
    dateStrings: ['DATE'],
    bigNumberStrings: true,
    supportBigNumbers: true,
    poolSize: options.poolSize ?? 20,
    logger: options.logger,
    logging: options.logger ? ['query'] : false,
    extra: {
      connectTimeout: 5000,
      queryFormat: formatQuery,
      // Several statements in one round trip (`runBatch`): every statement's values still go through placeholders.
      multipleStatements: true,
      // mysql2's promise API otherwise captures a stack trace per query for its errors (~3 % of an ending's CPU);
      // TypeORM wraps every error in a QueryFailedError with its own stack anyway.
      trace: false,
    },
  });
}

/**
 * mysql2's own formatting, except that a statement without parameters is sent as it is. mysql2 otherwise scans every
 * statement for `?` placeholders even when there are no values — for the ledger import's 1.3 MB multi-row INSERTs
 * (values escaped as the rows are read) about 5 % of the import's CPU.
 */
function formatQuery(this: { config: { stringifyObjects?: boolean } }, sql: string, values: unknown, timezone: string): string {
  if (values === undefined || values === null || (Array.isArray(values) && values.length === 0)) return sql;
  return format(sql, values as Parameters<typeof format>[1], this.config.stringifyObjects, timezone);
}

/** Splits a DATABASE_URL into the server URL and the database name. */
export function splitDatabaseUrl(databaseUrl: string): { serverUrl: string; database: string } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/';
  return { serverUrl: url.toString(), database };
}

/** Creates the database named in the URL when it does not exist yet (a laptop's first `npm start`). Danish/Norwegian collation sorts Æ, Ø, Å after Z. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const { serverUrl, database } = splitDatabaseUrl(databaseUrl);
  const server = new DataSource({ type: 'mysql', url: serverUrl });
  await server.initialize();
  try {
    await server.query(`CREATE DATABASE IF NOT EXISTS \`${database.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_danish_ci`);
  } finally {
    await server.destroy();
  }
}
