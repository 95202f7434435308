import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { openRuntime, Opened } from '../../src/boot';
import { ManualClock } from '../../src/common/clock';
import type { Logger } from '../../src/common/logger';
import { loadConfig } from '../../src/config/config';
import { splitDatabaseUrl } from '../../src/db/data-source';
import { createHttpApp, HttpApp } from '../../src/http/app';
import { ImportFile, parseImportFile } from '../../src/import/import-file';
import { importFile, ImportSummary } from '../../src/import/importer';
import type { RetryPolicy } from '../../src/jobs/queues';
import { openQueueTriggers, QueueTriggers } from '../../src/jobs/triggers';
import type { RuntimeParts } from '../../src/runtime';
import type { TaskTrigger } from '../../src/tasks/task-trigger';
import { archiveOnS3, startS3Server, type TestS3Server } from './s3-server';

/** Counts the SQL statements the process sends (the N+1 check). */
export class StatementCounter implements TypeOrmLogger {
  count = 0;
  statements: string[] = [];
  logQuery(query: string): void {
    this.count++;
    this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
  reset(): void {
    this.count = 0;
    this.statements = [];
  }
}

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface GraphQLResponse<T = any> {
  status: number;
  body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, any>; path?: string[] }>; extensions?: Record<string, any> };
}

export interface TestApp {
  opened: Opened;
  http: HttpApp;
  url: string;
  clock: ManualClock;
  statements: StatementCounter;
  queuePrefix: string;
  databaseName: string;
  /** The S3 server the archive is kept in, when it is (see `TestAppOptions.s3`). */
  s3: TestS3Server | null;
  /** The queues the runtime puts tasks and e-mails on after commit (with the `queues` option), closed with the app. */
  triggers: QueueTriggers | null;
  /** A bearer token for the user (valid one hour from the clock's now). */
  tokenFor(userId: string): Promise<string>;
  /** POST /graphql as the user (or with a raw Authorization header, or none). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, as?: string | { authorization?: string }): Promise<GraphQLResponse<T>>;
  /** Checks and loads an import file (JSON as in the contract). */
  load(file: unknown): Promise<void>;
  /** Loads a checked import file, ledgers too, as `npm run cli -- import` does. */
  importFile(file: ImportFile): Promise<ImportSummary>;
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** The clock's start; default 2026-11-28T12:00:00Z. */
  now?: string;
  data?: unknown;
  /** Put tasks and e-mails on the app's own queues after commit, retried by this policy; default: nothing is queued. */
  queues?: RetryPolicy;
  /** Where tasks go after commit instead (a recording stand-in); not with `queues`. */
  taskTrigger?: TaskTrigger;
  /** Makes the runtime's generator of mandatory accounting data; default the SAF-T generator. */
  createMandatoryDataGenerator?: RuntimeParts['createMandatoryDataGenerator'];
  /** The runtime's logger; default one at LOG_LEVEL (silent). */
  logger?: Logger;
  env?: Record<string, string>;
  /** Resolves webhook hosts instead of DNS (the SSRF checks), so tests need no network. */
  webhookResolver?: RuntimeParts['webhookResolver'];
  /** Keep the archive in an S3 server the app starts (default: when the jest project says so, TEST_ARCHIVE_STORAGE=s3). */
  s3?: boolean;
  /** A backup copy kept apart (ARCHIVE_BACKUP): another bucket of the app's S3 server, or a temporary folder. */
  backup?: 's3' | 'local';
}

/** A real API on a real MariaDB and Redis: its own database and queue prefix, dropped on close. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const base = process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/klientadmin';
  const url = new URL(base);
  url.pathname = `/ka_test_${suffix}`;
  const queuePrefix = `ka-test-${suffix}`;
  const s3 = (options.s3 ?? archiveOnS3()) ? await startS3Server() : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url.toString(),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: queuePrefix,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    ARCHIVE_DIR: path.join(tmpdir(), `klientadmin-test-archive-${suffix}`),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // The API's own upload route by default, so that the upload tests run alike on both drivers.
    ...(s3 ? { ...s3.env, ARCHIVE_DIRECT_UPLOADS: 'false' } : {}),
    ...(options.backup === 's3' ? s3!.backupEnv : {}),
    ...(options.backup === 'local' ? { ARCHIVE_BACKUP: 'local', ARCHIVE_BACKUP_DIR: path.join(tmpdir(), `klientadmin-test-backup-${suffix}`) } : {}),
    ...options.env,
  });
  const clock = new ManualClock(options.now ?? '2026-11-28T12:00:00Z');
  const statements = new StatementCounter();
  // The triggers exist before the runtime, which is built once with them.
  const triggers = options.queues ? openQueueTriggers(config, clock, undefined, options.queues) : null;
  const opened = await openRuntime(config, {
    clock,
    logger: options.logger,
    migrate: true,
    taskTrigger: triggers?.taskTrigger ?? options.taskTrigger,
    emailTrigger: triggers?.emailTrigger,
    exportTrigger: triggers?.exportTrigger,
    webhookTrigger: triggers?.webhookTrigger,
    webhookResolver: options.webhookResolver,
    backupTrigger: triggers?.backupTrigger,
    createMandatoryDataGenerator: options.createMandatoryDataGenerator,
    dataSource: { logger: statements, poolSize: 30 },
  });
  const http = await createHttpApp(opened.runtime, opened.redis);
  const server = await new Promise<Server>((resolve) => {
    const s = http.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  const { database } = splitDatabaseUrl(config.databaseUrl);

  const app: TestApp = {
    opened,
    http,
    url: baseUrl,
    clock,
    statements,
    queuePrefix,
    databaseName: database,
    s3,
    triggers,
    tokenFor: (userId) => opened.runtime.tokens.issue(userId),
    async gql(query, variables, as) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (typeof as === 'string') headers.authorization = `Bearer ${await app.tokenFor(as)}`;
      else if (as?.authorization) headers.authorization = as.authorization;
      const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return { status: res.status, body: (await res.json()) as GraphQLResponse['body'] };
    },
    async load(file) {
      await app.importFile(parseImportFile(file));
    },
    importFile(file) {
      const { dataSource, logger, services } = opened.runtime;
      return importFile({ dataSource, logger, audit: services.audit, ledger: services.ledger }, file);
    },
    sql: (query, params) => opened.runtime.dataSource.query(query, params),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await http.apollo.stop();
      await triggers?.close();
      const keys = await opened.redis.keys(`${queuePrefix}:*`);
      if (keys.length) await opened.redis.del(...keys);
      await opened.runtime.dataSource.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await opened.close();
      // The archive's files, under the OS temp folder: tests leave nothing there.
      await rm(path.resolve(config.archiveDir), { recursive: true, force: true });
      if (config.archiveBackup?.kind === 'local') await rm(path.resolve(config.archiveBackup.dir), { recursive: true, force: true });
      await s3?.close();
    },
  };
  if (options.data) await app.load(options.data);
  return app;
}

/** The data of a successful response; fails the test with the errors otherwise. */
export function dataOf<T = any>(response: GraphQLResponse<T>): T {
  if (response.body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.body.errors)}`);
  return response.body.data as T;
}

/** The code of the first top-level error. */
export function errorCode(response: GraphQLResponse): string | undefined {
  return response.body.errors?.[0]?.extensions?.code;
}
