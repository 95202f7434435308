import 'reflect-metadata';
import { inspect } from 'node:util';
import { StartupError, openRuntime } from '../boot';
import { processClock } from '../common/clock';
import { createLogger } from '../common/logger';
import { redactCredentials } from '../common/redact';
import { ConfigError, loadConfig } from '../config/config';
import { ImportError } from '../import/import-file';
import { importFile } from '../import/importer';
import { loadImportFile } from '../import/load-import-file';
import { UnknownClientError } from '../ledger/ledger.service';
import { applyRetention } from '../archive/retention';
import { osloToday } from '../common/clock';
import { isValidDate } from '../common/calendar';
import { runInTransaction } from '../db/unit-of-work';
import { SaftFormatError } from '../saft';
import { openQueueTriggers } from '../jobs/triggers';
import { runTasksCommand } from '../tasks/task-commands';
import { runArchiveCommand } from './archive-commands';

const USAGE = `Usage: npm run cli -- <command>
  migrate                 apply database migrations
  import <file.json>      load partners, users, clients (and ledgers) from an import file
  token <userId>          print a bearer token for the user, valid for one hour (or AUTH_JWT_MAX_AGE if shorter)
  import-saft <clientId> <file.xml>
                          load a SAF-T Financial file (1.10, 1.20, 1.30) into the client's books
  apply-retention [date]  delete archive documents past their retention (S5) as on the date (default: today, Europe/Oslo)
  tasks [STATE]           list scheduled tasks (newest due first) with state, attempts and last error
  tasks retry <id>        re-run a FAILED task
  archive verify [--client <id>]
                          re-hash every archive document in both copies, repair one from the other, report damage (S10)
  archive migrate-storage --to s3|local
                          copy the archive from the local folder (ARCHIVE_DIR) into S3 (S3_*), or back; verifying,
                          resumable and idempotent; then set ARCHIVE_STORAGE to the new place`;

/** Operator commands (`npm run cli -- …`). */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  // The migration needs both places configured, whichever ARCHIVE_STORAGE names now.
  const migrating = command === 'archive' && args[0] === 'migrate-storage';
  const config = loadConfig(migrating ? { ...process.env, ARCHIVE_STORAGE: 's3', ARCHIVE_DIRECT_UPLOADS: 'false', ARCHIVE_DOWNLOADS: 'stream' } : process.env);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  // `tasks retry` queues the task at once; other commands leave queueing to the worker's sweeper.
  const clock = processClock(config);
  const triggers = command === 'tasks' ? openQueueTriggers(config, clock, logger) : undefined;
  const opened = await openRuntime(config, { clock, logger, migrate: command !== 'token', taskTrigger: triggers?.taskTrigger });
  try {
    switch (command) {
      case 'migrate':
        console.log('Database is up to date.');
        return 0;
      case 'import': {
        if (args.length !== 1) break;
        const { dataSource, services } = opened.runtime;
        const summary = await importFile({ dataSource, logger, audit: services.audit, ledger: services.ledger }, await loadImportFile(args[0]));
        console.log(`Imported ${summary.partners} partners, ${summary.users} users, ${summary.clients} clients, ${summary.accesses} accesses, ${summary.extensions} extensions, ${summary.ledgers} ledger files.`);
        return 0;
      }
      case 'import-saft': {
        if (args.length !== 2) break;
        const { runtime } = opened;
        try {
          const summary = await runInTransaction(runtime.dataSource, (uow) => runtime.services.ledger.importSaftFile(uow, args[0], args[1]), { logger: runtime.logger });
          console.log(`Imported SAF-T ${summary.version}: ${summary.accounts} accounts, ${summary.customers} customers, ${summary.suppliers} suppliers, ${summary.transactions} transactions, ${summary.lines} lines.`);
          if (summary.derivedGroupingAccountIds.length) console.log(`Grouping derived from the account number for ${summary.derivedGroupingAccountIds.length} accounts.`);
          return 0;
        } catch (error) {
          if (!(error instanceof SaftFormatError) && !(error instanceof UnknownClientError)) throw error;
          console.error(`${args[1]}: refused, nothing was written: ${(error as Error).message}`);
          return 1;
        }
      }
      case 'apply-retention': {
        if (args.length > 1 || (args[0] !== undefined && !isValidDate(args[0]))) break;
        const { dataSource, services, clock } = opened.runtime;
        const result = await applyRetention({ dataSource, storage: services.archiveStorage, backup: services.archiveBackupStorage, audit: services.audit, logger }, args[0] ?? osloToday(clock));
        console.log(`Deleted ${result.deleted} archive documents.`);
        return 0;
      }
      case 'token': {
        if (args.length !== 1) break;
        const user = await opened.runtime.dataSource.query('SELECT id FROM users WHERE id = ?', [args[0]]);
        if (user.length === 0) {
          console.error(`No user "${args[0]}".`);
          return 1;
        }
        console.log(await opened.runtime.tokens.issue(args[0]));
        return 0;
      }
      case 'archive': {
        const code = await runArchiveCommand(opened.runtime, args);
        if (code !== 2) return code;
        break;
      }
      case 'tasks': {
        const { dataSource, services, taskTrigger } = opened.runtime;
        const code = await runTasksCommand({ dataSource, audit: services.audit, taskTrigger, logger }, args);
        if (code !== 2) return code;
        break;
      }
    }
    console.error(USAGE);
    return 2;
  } finally {
    await triggers?.close();
    await opened.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    // Whatever failed, a URL with a password in the message is printed without the password.
    if (error instanceof ConfigError || error instanceof StartupError || error instanceof ImportError) console.error(redactCredentials(error.message));
    else console.error(redactCredentials(inspect(error)));
    process.exit(1);
  },
);
