import * as fs from 'node:fs';
import * as path from 'node:path';
import { isKnownGrouping, isKnownStandardTaxCode, readSaft, transactionTotals, type SaftSink } from '../../src/saft';
import { syntheticBooks, writeSyntheticSaftFile, type SyntheticBooksOptions } from '../support/synthetic-books';
import { readFileIntoMemory } from './books-in-memory';
import { useTempDir } from './temp-dir';
import { expectValidSaft130 } from './xsd';

const tempDir = useTempDir();

const OPTIONS: SyntheticBooksOptions = {
  seed: 42,
  organizationNumber: '912345674',
  companyName: 'Fjordtest Regnskap AS',
  fiscalYearStartMonth: 1,
  fromDate: '2025-01-01',
  toDate: '2025-12-31',
  targetLines: 5000,
};

describe('synthetic books', () => {
  it('use groupings and standard tax codes from the official code lists', () => {
    const books = syntheticBooks(OPTIONS);
    for (const account of books.accounts) {
      expect([account.accountId, isKnownGrouping(account.groupingCategory, account.groupingCode)]).toEqual([account.accountId, true]);
    }
    for (const taxCode of books.taxCodes) expect(isKnownStandardTaxCode(taxCode.standardTaxCode)).toBe(true);
  });

  it('are the same for the same seed and balanced, with parties on every receivable/payable line', async () => {
    const first: string[] = [];
    for await (const entry of syntheticBooks(OPTIONS).entries()) first.push(JSON.stringify(entry));
    const second: string[] = [];
    for await (const entry of syntheticBooks(OPTIONS).entries()) second.push(JSON.stringify(entry));
    expect(second).toEqual(first);

    let lines = 0;
    for await (const { transaction } of syntheticBooks(OPTIONS).entries()) {
      const { debit, credit } = transactionTotals(transaction);
      expect(debit).toBe(credit);
      for (const line of transaction.lines) {
        lines++;
        if (line.accountId === '1500') expect(line.customerId).toBeDefined();
        if (line.accountId === '2400') expect(line.supplierId).toBeDefined();
      }
    }
    expect(lines).toBeGreaterThan(4500);
    expect(lines).toBeLessThan(5500);
  });

  it('with ~5,000 lines write a valid 1.30 file that reads back with the same totals', async () => {
    const file = path.join(tempDir(), 'synthetic.xml');
    const started = process.hrtime.bigint();
    const written = await writeSyntheticSaftFile(file, OPTIONS);
    const writeSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await expectValidSaft130(file);

    const readStarted = process.hrtime.bigint();
    const { summary } = await readFileIntoMemory(file, { expectedOrganizationNumber: OPTIONS.organizationNumber });
    const readSeconds = Number(process.hrtime.bigint() - readStarted) / 1e9;
    expect(summary).toMatchObject({
      version: '1.30',
      transactions: written.transactions,
      lines: written.lines,
      totalDebit: written.totalDebit,
      totalCredit: written.totalCredit,
    });
    expect(written.totalDebit).toBe(written.totalCredit);
    // A sanity print only: timings depend on the machine, so nothing is asserted.
    console.log(
      `synthetic books: ${written.lines} lines, ${written.bytes} bytes; ` +
        `write ${Math.round(written.lines / writeSeconds)} lines/s (incl. balance pass), ` +
        `read ${Math.round(summary.lines / readSeconds)} lines/s`,
    );
  });

  it('follow a fiscal year that starts in July in their periods', async () => {
    const periods = new Set<string>();
    const options = { ...OPTIONS, fiscalYearStartMonth: 7, fromDate: '2024-07-01', toDate: '2025-06-30', targetLines: 600 };
    for await (const { transaction } of syntheticBooks(options).entries()) {
      periods.add(`${transaction.transactionDate.slice(0, 7)}:${transaction.periodYear}/${transaction.period}`);
    }
    expect(periods).toContain('2024-07:2024/1');
    expect(periods).toContain('2025-06:2024/12');
  });

  it('are read with backpressure: no sink call starts before the previous one ends', async () => {
    const file = path.join(tempDir(), 'synthetic-small.xml');
    await writeSyntheticSaftFile(file, { ...OPTIONS, targetLines: 800 });
    let pending = 0;
    let overlaps = 0;
    const slow = async () => {
      if (pending++ > 0) overlaps++;
      await new Promise((resolve) => setImmediate(resolve));
      pending--;
    };
    const sink: SaftSink = {
      header: slow,
      account: slow,
      customer: slow,
      supplier: slow,
      taxCode: slow,
      analysisType: slow,
      journal: slow,
      transaction: slow,
    };
    const summary = await readSaft(fs.createReadStream(file, { highWaterMark: 1024 }), sink);
    expect(overlaps).toBe(0);
    expect(summary.lines).toBeGreaterThan(700);
  });
});
