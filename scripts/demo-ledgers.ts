/**
 * Writes the demo clients' small SAF-T files (demo/ledgers/*.xml), referenced by `ledger.saft` in demo/demo-data.json.
 * Deterministic: running it again gives the same bytes. Run after `npx tsc -p tsconfig.json --outDir <dir>`:
 *   node <dir>/scripts/demo-ledgers.js demo/ledgers
 */
import * as path from 'node:path';
import { writeSyntheticSaftFile, type SyntheticBooksOptions } from '../test/support/synthetic-books';


export const DEMO_BOOKS: Array<{ file: string; options: SyntheticBooksOptions }> = [
  {
    file: 'fjord-2025.xml',
    options: { seed: 2025, organizationNumber: '907536459', companyName: 'Fjord Bakeri AS', fiscalYearStartMonth: 1, fromDate: '2025-01-01', toDate: '2025-12-31', targetLines: 300 },
  },
  {
    file: 'lofoten-2025.xml',
    options: { seed: 7, organizationNumber: '980457176', companyName: 'Lofoten Sjømat AS', fiscalYearStartMonth: 7, fromDate: '2024-07-01', toDate: '2025-06-30', targetLines: 250 },
  },
  {
    file: 'tromso-2025.xml',
    options: { seed: 19, organizationNumber: '958500378', companyName: 'Tromsø Nordlysguiding AS', fiscalYearStartMonth: 1, fromDate: '2025-01-01', toDate: '2025-12-31', targetLines: 250 },
  },
];

async function main(outDir: string): Promise<void> {
  for (const { file, options } of DEMO_BOOKS) {
    const summary = await writeSyntheticSaftFile(path.join(outDir, file), options);
    console.log(`${file}: ${summary.transactions} transactions, ${summary.lines} lines, ${summary.bytes} bytes`);
  }
}

if (!process.argv[2]) {
  console.error('Usage: node scripts/demo-ledgers.js <output folder, e.g. demo/ledgers>');
  process.exit(2);
}
main(path.resolve(process.argv[2])).catch((error) => {
  console.error(error);
  process.exit(1);
});
