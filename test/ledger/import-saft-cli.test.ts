import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_ELEMENT_DEPTH, MAX_TEXT_CHARS } from '../../src/saft/reader-limits';
import { writeSyntheticSaftFile } from '../support/synthetic-books';
import { runCli, type CliRun } from '../support/cli-process';
import { startTestApp, TestApp } from '../support/test-app';
import { importSaft, ledgerRowCounts, ledgerWorld } from './ledger-helpers';


/** `npm run cli -- <args>` against the test app's database, run from the sources as the built CLI would run. */
function cli(app: TestApp, ...args: string[]): Promise<CliRun> {
  return runCli(app, args);
}

/** Line and column as the reader reports them: where the next character would be after `prefix`. */
function positionAfter(prefix: string): string {
  return `line ${prefix.split('\n').length}, column ${prefix.length - prefix.lastIndexOf('\n')}`;
}

describe('npm run cli -- import-saft: files past the reading limits', () => {
  let app: TestApp;
  let tmp: string;
  /** A valid file for c-havbris with more vouchers than one written batch, already imported. */
  let books = '';
  /** Where the last voucher starts: the refusals come after batches of vouchers were written. */
  let lastVoucher = 0;
  let before: Record<string, unknown>;
  const booksNow = async () => ({
    rows: await ledgerRowCounts(app),
    sums: await app.sql('SELECT SUM(debit_amount) AS debit, SUM(credit_amount) AS credit, MAX(LENGTH(description)) AS longest FROM ledger_lines'),
  });

  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'saft-limits-cli-'));
    const good = path.join(tmp, 'havbris.xml');
    await writeSyntheticSaftFile(good, { seed: 5, organizationNumber: '922333444', companyName: 'Havbris AS', fiscalYearStartMonth: 7, fromDate: '2024-07-01', toDate: '2025-06-30', targetLines: 12_000 });
    await importSaft(app, 'c-havbris', good);
    books = fs.readFileSync(good, 'utf8');
    lastVoucher = books.lastIndexOf('<Transaction>');
    before = await booksNow();
  }, 120_000);
  afterAll(async () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    await app.close();
  });

  it(`a file nested 40,000 elements deep is refused at the element past ${MAX_ELEMENT_DEPTH} levels: exit code 1, one line naming the limit and its line, the books unchanged`, async () => {
    const file = path.join(tmp, 'deep.xml');
    const levels = 40_000;
    fs.writeFileSync(file, books.slice(0, lastVoucher));
    fs.appendFileSync(file, '<Nest>\n'.repeat(levels));
    fs.appendFileSync(file, '</Nest>\n'.repeat(levels));
    fs.appendFileSync(file, books.slice(lastVoucher));

    const run = await cli(app, 'import-saft', 'c-havbris', file);
    // AuditFile, GeneralLedgerEntries and Journal are open where the nesting starts.
    const past = `${books.slice(0, lastVoucher)}${'<Nest>\n'.repeat(MAX_ELEMENT_DEPTH - 3)}<Nest>`;
    expect(run.stderr).toBe(`${file}: refused, nothing was written: ${positionAfter(past)}: Nest is nested ${MAX_ELEMENT_DEPTH + 1} elements deep, more than ${MAX_ELEMENT_DEPTH} (the limit)\n`);
    expect(run.code).toBe(1);
    expect(await booksNow()).toEqual(before);
  }, 120_000);

  it('a voucher whose description has 3 MiB of text is refused at the character past the 1 MiB limit: exit code 1, one line, the books unchanged', async () => {
    const file = path.join(tmp, 'long-description.xml');
    const start = books.indexOf('<Description>', lastVoucher) + '<Description>'.length;
    const block = `${'x'.repeat(63)}\n`.repeat(1024);
    // Written a 64 KiB block at a time: the test holds no more of the text than the reader may.
    fs.writeFileSync(file, books.slice(0, start));
    for (let i = 0; i < 48; i++) fs.appendFileSync(file, block);
    fs.appendFileSync(file, books.slice(books.indexOf('</Description>', start)));

    const run = await cli(app, 'import-saft', 'c-havbris', file);
    const past = `${books.slice(0, start)}${block.repeat(MAX_TEXT_CHARS / block.length)}x`;
    expect(run.stderr).toBe(
      `${file}: refused, nothing was written: ${positionAfter(past)}: a text, tag or attribute value in Description is longer than ${MAX_TEXT_CHARS} characters (the limit)\n`,
    );
    expect(run.code).toBe(1);
    expect(await booksNow()).toEqual(before);
  }, 120_000);
});
