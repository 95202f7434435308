import 'reflect-metadata';
import { StartupError, openRuntime } from '../boot';
import { systemClock } from '../common/clock';
import { createLogger } from '../common/logger';
import { ConfigError, loadConfig } from '../config/config';
import { ImportError } from '../import/import-file';
import { importFile } from '../import/importer';
import { loadImportFile } from '../import/load-import-file';

const USAGE = `Usage: npm run cli -- <command>
  migrate                 apply database migrations
  import <file.json>      load partners, users, clients (and ledgers) from an import file
  token <userId>          print a bearer token for the user, valid for one hour`;

/** Operator commands (`npm run cli -- …`). */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const opened = await openRuntime(config, { clock: systemClock, logger, migrate: command !== 'token' });
  try {
    switch (command) {
      case 'migrate':
        console.log('Database is up to date.');
        return 0;
      case 'import': {
        if (args.length !== 1) break;
        const summary = await importFile(opened.runtime, await loadImportFile(args[0]));
        console.log(`Imported ${summary.partners} partners, ${summary.users} users, ${summary.clients} clients, ${summary.accesses} accesses, ${summary.extensions} extensions, ${summary.ledgers} ledger files.`);
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
    }
    console.error(USAGE);
    return 2;
  } finally {
    await opened.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError || error instanceof StartupError || error instanceof ImportError) console.error(error.message);
    else console.error(error);
    process.exit(1);
  },
);
