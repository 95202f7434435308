/**
 * Throughput and peak memory of importing and generating a large SAF-T ledger.
 *
 *   npx tsc -p tsconfig.json --outDir /tmp/ka-bench && cp -r src/saft/codelists /tmp/ka-bench/src/saft/
 *   node /tmp/ka-bench/bench/saft-throughput.js write 1000000     # writes the synthetic file
 *   node /tmp/ka-bench/bench/saft-throughput.js import             # fresh database, imports it
 *   node /tmp/ka-bench/bench/saft-throughput.js generate           # generates the fiscal year's SAF-T file
 *
 * Each phase runs in its own process so that its peak RSS (getrusage maxrss) is its own. DATABASE_URL defaults to
 * the `ka_bench` database on the local server (dropped and recreated by `import`); files go to BENCH_DIR (/tmp).
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openRuntime } from '../src/boot';
import { systemClock } from '../src/common/clock';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/config/config';
import { runInTransaction } from '../src/db/unit-of-work';
import { parseImportFile } from '../src/import/import-file';
import { importFile } from '../src/import/importer';
import { writeSyntheticSaftFile } from '../test/support/synthetic-books';

const dir = process.env.BENCH_DIR ?? '/tmp';
const saftFile = path.join(dir, 'ka-bench-ledger.xml');
const archiveDir = path.join(dir, 'ka-bench-archive');
const databaseUrl = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/ka_bench';
const ORG = '987654321';

function report(phase: string, lines: number, started: bigint, extra: Record<string, unknown> = {}): void {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ phase, lines, seconds: Number(seconds.toFixed(1)), linesPerSecond: Math.round(lines / seconds), peakRssMb: Math.round(peakMb), ...extra }));
}

async function open() {
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, ARCHIVE_DIR: archiveDir, QUEUE_PREFIX: 'ka-bench', LOG_LEVEL: 'warn' });
  return openRuntime(config, { clock: systemClock, logger: createLogger('warn'), migrate: true });
}

async function main(phase: string, arg?: string): Promise<void> {
  if (phase === 'write') {
    const started = process.hrtime.bigint();
    const summary = await writeSyntheticSaftFile(saftFile, {
      seed: 1,
      organizationNumber: ORG,
      companyName: 'Benk AS',
      fiscalYearStartMonth: 1,
      fromDate: '2025-01-01',
      toDate: '2025-12-31',
      targetLines: Number(arg ?? 1_000_000),
    });
    report('write-synthetic-file', summary.lines, started, { transactions: summary.transactions, megabytes: Math.round(summary.bytes / 1e6) });
    return;
  }
  if (phase === 'import') {
    const url = new URL(databaseUrl);
    {
      const opened = await open();
      await opened.runtime.dataSource.query(`DROP DATABASE \`${url.pathname.slice(1)}\``);
      await opened.close();
    }
    const opened = await open();
    const { runtime } = opened;
    await importFile(
      { dataSource: runtime.dataSource, logger: runtime.logger, audit: runtime.services.audit, ledger: runtime.services.ledger },
      parseImportFile({
        partners: [{ id: 'p-bench', name: 'Benk Regnskap AS', partnerCode: 'BENCH', organizationNumber: '912345678' }],
        users: [{ id: 'u-bench', name: 'Kari Benk', email: 'kari@bench.example', memberships: [{ partner: 'p-bench', rights: ['CLIENT_ADMIN', 'ARCHIVE'] }] }],
        clients: [{ id: 'c-bench', name: 'Benk AS', organizationNumber: ORG, partner: 'p-bench', partnerSince: '2024-01-01', subscriptionAdmin: 'u-bench', access: [{ user: 'u-bench', roles: ['ADMINISTRATOR'], viaPartner: 'p-bench' }], extensions: [] }],
      }),
    );
    const started = process.hrtime.bigint();
    const summary = await runInTransaction(runtime.dataSource, (uow) => runtime.services.ledger.importSaftFile(uow, 'c-bench', saftFile));
    report('import', summary.lines, started, { transactions: summary.transactions });
    await runtime.dataSource.query(
      "UPDATE customer_relationships SET status = 'ENDED', responsibility_from = '2025-01', responsibility_to = '2025-12', generation_date = '2026-02-01' WHERE client_id = 'c-bench'",
    );
    await opened.close();
    return;
  }
  if (phase === 'generate') {
    const opened = await open();
    const { runtime } = opened;
    const [relationship] = await runtime.dataSource.query("SELECT id FROM customer_relationships WHERE client_id = 'c-bench'");
    await runtime.dataSource.query('DELETE FROM archive_documents WHERE relationship_id = ?', [relationship.id]);
    const [{ n }] = await runtime.dataSource.query('SELECT COUNT(*) AS n FROM ledger_lines');
    const started = process.hrtime.bigint();
    await runtime.mandatoryDataGenerator.generate(String(relationship.id));
    const [document] = await runtime.dataSource.query('SELECT byte_size FROM archive_documents WHERE relationship_id = ?', [relationship.id]);
    report('generate', Number(n), started, { megabytes: Math.round(Number(document.byte_size) / 1e6) });
    await opened.close();
    fs.rmSync(archiveDir, { recursive: true, force: true });
    return;
  }
  throw new Error('usage: saft-throughput.js write [lines] | import | generate');
}

main(process.argv[2] ?? '', process.argv[3]).catch((error) => {
  console.error(error);
  process.exit(1);
});
