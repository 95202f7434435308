/**
 * One phase of the ledger benchmarks, run as its own process so its peak RSS (getrusage maxRSS) is its own:
 *
 *   node ledger-phase.js write    <file> <lines> <organizationNumber>
 *   node ledger-phase.js import   <databaseUrl> <clientId> <file>
 *   node ledger-phase.js generate <databaseUrl> <relationshipId> <archiveDir> [<environment as JSON>]
 *   node ledger-phase.js generate-saft <databaseUrl> <relationshipId> <archiveDir>   (the SAF-T file alone)
 *   node ledger-phase.js stream   <databaseUrl> <clientId> <from> <to> [earlier]
 *
 * Prints one JSON line: what it did, seconds, maxRssMiB.
 */
import 'reflect-metadata';
import mysql from 'mysql2';
import { SaftMandatoryDataGenerator } from '../../src/archive/saft-generator';
import { openRuntime } from '../../src/boot';
import { systemClock } from '../../src/common/clock';
import { runInTransaction } from '../../src/db/unit-of-work';
import { VOUCHER_LINES_SQL } from '../../src/ledger/ledger-source';
import { writeSyntheticSaftFile } from '../../test/support/synthetic-books';
import { benchConfig } from './database';

export interface PhaseResult {
  phase: string;
  seconds: number;
  /** This process's user + system CPU time over the measured work. */
  cpuSeconds: number;
  maxRssMiB: number;
  [key: string]: unknown;
}

/** Synthetic books: calendar year 2025, seed 1, as many lines as asked. */
export const BOOKS = { seed: 1, fiscalYearStartMonth: 1, fromDate: '2025-01-01', toDate: '2025-12-31' } as const;

/** CPU time (user + system) of this process when the measured work started, see `done`. */
let cpuAtStart = process.cpuUsage();

function start(): bigint {
  cpuAtStart = process.cpuUsage();
  return process.hrtime.bigint();
}

function done(phase: string, started: bigint, extra: Record<string, unknown>): void {
  const cpu = process.cpuUsage(cpuAtStart);
  const result: PhaseResult = {
    phase,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    ...extra,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The generator's voucher-line statement before it let MariaDB stream the lines in index order. */
const EARLIER_VOUCHER_LINES_SQL = `SELECT t.id, t.transaction_id, t.period, t.period_year, t.transaction_date, t.source_id, t.voucher_type, t.voucher_description,
            t.description, t.system_entry_date, t.gl_posting_date,
            l.record_id, l.account_id, l.customer_id, l.supplier_id, l.description AS line_description, l.debit_amount, l.credit_amount,
            l.value_date, l.source_document_id, l.reference_number, l.tax_information, l.analysis
       FROM ledger_transactions t JOIN ledger_lines l ON l.transaction_ref = t.id
      WHERE t.journal_ref = ? AND t.transaction_date >= ? AND t.transaction_date <= ?
      ORDER BY t.transaction_date, t.id, l.line_no`;

async function main(phase: string, args: string[]): Promise<void> {
  if (phase === 'write') {
    const [file, lines, organizationNumber] = args;
    const started = start();
    const summary = await writeSyntheticSaftFile(file, { ...BOOKS, organizationNumber, companyName: `Benk ${organizationNumber} AS`, targetLines: Number(lines) });
    return done(phase, started, { lines: summary.lines, transactions: summary.transactions, bytes: summary.bytes });
  }
  if (phase === 'import') {
    // As `npm run cli -- import-saft` does it: one transaction, the ledger service's streamed import.
    const [url, clientId, file] = args;
    const opened = await openRuntime(benchConfig(url, `ka-bench-phase-${process.pid}`), { clock: systemClock, migrate: false });
    try {
      const started = start();
      const summary = await runInTransaction(opened.runtime.dataSource, (uow) => opened.runtime.services.ledger.importSaftFile(uow, clientId, file));
      return done(phase, started, { lines: summary.lines, transactions: summary.transactions });
    } finally {
      await opened.close();
    }
  }
  if (phase === 'generate' || phase === 'generate-saft') {
    // What the GENERATE_MANDATORY_DATA task runs: the runtime's generator, into the archive storage.
    // The environment may name another storage (ARCHIVE_STORAGE=s3 with S3_*): bench:archive-io compares the drivers.
    // `generate-saft`: the same generator writing the SAF-T file alone, to show what the specifications add.
    const [url, relationshipId, archiveDir, environment] = args;
    const env = { ARCHIVE_DIR: archiveDir, ...(environment ? (JSON.parse(environment) as Record<string, string>) : {}) };
    const saftOnly = phase === 'generate-saft';
    const opened = await openRuntime(benchConfig(url, `ka-bench-phase-${process.pid}`, env), {
      clock: systemClock,
      migrate: false,
      ...(saftOnly ? { createMandatoryDataGenerator: (deps) => new SaftMandatoryDataGenerator({ ...deps, specifications: false }) } : {}),
    });
    try {
      const started = start();
      await opened.runtime.mandatoryDataGenerator.generate(relationshipId);
      return done(phase, started, {});
    } finally {
      await opened.close();
    }
  }
  if (phase === 'stream') {
    // The baseline: the generator's voucher-line rows (its own statement, journal by journal) streamed to nowhere.
    // `earlier`: the statement the generator used before, which also ordered by l.line_no (a temporary table per journal).
    const [url, clientId, from, to, earlier] = args;
    const connection = mysql.createConnection({ uri: url, timezone: 'Z', dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
    const query = <T>(sql: string, params: unknown[]) =>
      new Promise<T[]>((resolve, reject) => connection.query(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
    const statement = earlier === 'earlier' ? EARLIER_VOUCHER_LINES_SQL : VOUCHER_LINES_SQL;
    const started = start();
    await query('START TRANSACTION WITH CONSISTENT SNAPSHOT', []);
    const journals = await query<{ id: string }>('SELECT id FROM ledger_journals WHERE client_id = ? ORDER BY journal_id', [clientId]);
    let rows = 0;
    for (const journal of journals) {
      const stream = connection.query(statement, [journal.id, from, to]).stream({ highWaterMark: 1000 });
      for await (const _row of stream) rows++;
    }
    await query('COMMIT', []);
    connection.end();
    return done(phase, started, { rows });
  }
  throw new Error(`unknown phase ${phase}`);
}

main(process.argv[2] ?? '', process.argv.slice(3)).catch((error) => {
  console.error(error);
  process.exit(1);
});
