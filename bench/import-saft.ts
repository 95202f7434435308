import 'reflect-metadata';
import os from 'node:os';
import { createBenchDatabase, dropOnInterrupt } from './lib/database';
import { round, runPhase, seedLedgerClient, syntheticFile } from './lib/ledger';
import { report, secondsSince, Target } from './lib/report';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const ORG = '987654321';

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const loadAverageAtStart = os.loadavg().map((n) => round(n, 2));
  const db = await createBenchDatabase('import-saft');
  dropOnInterrupt(db);
  try {
    const { file, written } = await syntheticFile(LINES, ORG);
    await seedLedgerClient(db.pool, 'c-bench', ORG);

    const imported = await runPhase('import', db.url, 'c-bench', file);
    const [[count]] = await db.pool.query<any[]>('SELECT COUNT(*) AS n FROM ledger_lines');
    const lines = Number(imported.lines);
    if (Number(count.n) !== lines) throw new Error(`the reader counted ${lines} lines, the database holds ${count.n}`);
    const linesPerSecond = Math.round(lines / imported.seconds);

    const targets: Target[] = [
      { name: 'import >= 120k lines/s (issue #17; was >= 50k)', target: '>= 120000 lines/s', value: linesPerSecond, pass: linesPerSecond >= 120_000 },
      { name: 'import peak RSS < 300 MB', target: '< 300 MiB', value: imported.maxRssMiB, pass: imported.maxRssMiB < 300 },
    ];
    await report(
      db.pool,
      {
        benchmark: 'import-saft',
        description: `import of a ${lines}-line synthetic SAF-T 1.30 file through the ledger service (streamed, one transaction), in its own process`,
        parameters: { targetLines: LINES, file: { lines, transactions: imported.transactions, writtenNow: written !== null, writeSeconds: written ? round(written.seconds) : null, bytes: written?.bytes ?? null }, loadAverageAtStart },
        figures: { lines, seconds: round(imported.seconds, 2), linesPerSecond, peakRssMiB: imported.maxRssMiB, cpuMicrosecondsPerLine: round((imported.cpuSeconds * 1e6) / lines, 2) },
        baseline: { description: 'none: the targets are absolute' },
        ratio: {},
        targets,
        notes: [`total run time ${secondsSince(started)} s`],
      },
      `${lines} lines in ${round(imported.seconds)} s = ${linesPerSecond} lines/s, ${round((imported.cpuSeconds * 1e6) / lines, 2)} µs CPU per line, peak RSS ${imported.maxRssMiB} MiB`,
    );
  } finally {
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
