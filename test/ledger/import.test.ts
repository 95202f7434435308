import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImportError } from '../../src/import/import-file';
import { loadImportFile } from '../../src/import/load-import-file';
import { SaftFormatError } from '../../src/saft';
import { writeSyntheticSaftFile } from '../support/synthetic-books';
import { startTestApp, TestApp } from '../support/test-app';
import { EXAMPLE_130, importSaft, ledgerRowCounts, ledgerWorld } from './ledger-helpers';

const EMPTY = Object.fromEntries(
  ['ledger_accounts', 'ledger_parties', 'ledger_opening_balances', 'ledger_tax_codes', 'ledger_analysis_types', 'ledger_journals', 'ledger_transactions', 'ledger_lines'].map((t) => [t, 0]),
);

async function refusal(promise: Promise<unknown>): Promise<SaftFormatError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SaftFormatError) return error;
    throw error;
  }
  throw new Error('the file was not refused');
}

describe('importing a SAF-T file into a client\'s books', () => {
  let app: TestApp;
  let tmp: string;
  const example = fs.readFileSync(EXAMPLE_130, 'utf8');
  const write = (name: string, text: string) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  };
  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-import-'));
  });
  afterAll(async () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    await app.close();
  });

  it('a malformed file is refused with its line and reason, and nothing is written', async () => {
    const cut = example.slice(0, example.indexOf('<Line>', example.indexOf('<Transaction>')) + 300);
    const error = await refusal(importSaft(app, 'c-example', write('cut.xml', cut)));
    expect(error.line).toBeGreaterThan(300);
    expect(error.reason).toMatch(/not well-formed|unclosed|end/i);
    expect(await ledgerRowCounts(app)).toEqual(EMPTY);
  });

  it('an unbalanced voucher is refused with its line, and nothing is written', async () => {
    const first = example.indexOf('<DebitAmount>');
    const amountAt = example.indexOf('<Amount>', first) + '<Amount>'.length;
    const unbalanced = example.slice(0, amountAt) + '1' + example.slice(amountAt);
    const error = await refusal(importSaft(app, 'c-example', write('unbalanced.xml', unbalanced)));
    expect(error.reason).toMatch(/does not balance/);
    expect(error.line).toBe(unbalanced.slice(0, unbalanced.lastIndexOf('<Transaction>', amountAt)).split('\n').length);
    expect(await ledgerRowCounts(app)).toEqual(EMPTY);
  });

  it('a bad voucher after several written batches is refused, and nothing is written', async () => {
    // Vouchers are written in batches while the next ones are read: a refusal must still leave nothing behind.
    const file = path.join(tmp, 'many.xml');
    await writeSyntheticSaftFile(file, { seed: 3, organizationNumber: '922333444', companyName: 'Havbris AS', fiscalYearStartMonth: 1, fromDate: '2024-01-01', toDate: '2024-12-31', targetLines: 14_000 });
    const text = fs.readFileSync(file, 'utf8');
    const last = text.lastIndexOf('<Transaction>');
    const bad = text.slice(0, last) + text.slice(last).replace('<Period>', '<Period>x');
    const error = await refusal(importSaft(app, 'c-havbris', write('many-bad.xml', bad)));
    expect(error.reason).toMatch(/Period is not a whole number/);
    expect(await ledgerRowCounts(app)).toEqual(EMPTY);
  });

  it("a file for another organisation number is refused", async () => {
    const error = await refusal(importSaft(app, 'c-havbris', EXAMPLE_130));
    expect(error.reason).toBe('the file is for organisation number 999999999, expected 922333444');
    expect(await ledgerRowCounts(app)).toEqual(EMPTY);
  });

  it('a good file is imported; importing it again changes nothing', async () => {
    const summary = await importSaft(app, 'c-example', EXAMPLE_130);
    expect(summary).toMatchObject({ version: '1.30', transactions: 3, lines: 8 });
    const counts = await ledgerRowCounts(app);
    expect(counts).toMatchObject({ ledger_accounts: 7, ledger_transactions: 3, ledger_lines: 8 });
    await importSaft(app, 'c-example', EXAMPLE_130);
    expect(await ledgerRowCounts(app)).toEqual(counts);
    const [sums] = await app.sql('SELECT SUM(debit_amount) AS debit, SUM(credit_amount) AS credit FROM ledger_lines');
    expect([Number(sums.debit), Number(sums.credit)]).toEqual([3750000, 3750000]);
  });

  it('the import file\'s ledger.saft loads the books, and a bad one refuses the whole file naming it and its line', async () => {
    fs.copyFileSync(EXAMPLE_130, path.join(tmp, 'example.xml'));
    const world: any = ledgerWorld();
    world.clients[0].ledger = { saft: ['example.xml'] };
    fs.writeFileSync(path.join(tmp, 'import.json'), JSON.stringify(world));
    const summary = await app.importFile(await loadImportFile(path.join(tmp, 'import.json')));
    expect(summary.ledgers).toBe(1);

    const bad: any = ledgerWorld();
    bad.clients[1].ledger = { saft: ['unbalanced.xml'] };
    bad.clients[1].name = 'Havbris Sjømat og Fisk AS';
    fs.writeFileSync(path.join(tmp, 'bad.json'), JSON.stringify(bad));
    const before = await ledgerRowCounts(app);
    let problems: unknown;
    try {
      await app.importFile(await loadImportFile(path.join(tmp, 'bad.json')));
    } catch (error) {
      problems = (error as ImportError).problems;
    }
    expect(problems).toEqual([{ path: '$.clients[1].ledger.saft[0]', message: expect.stringMatching(/^unbalanced\.xml: line \d+, column \d+: the file is for organisation number 999999999, expected 922333444$/) }]);
    expect(await ledgerRowCounts(app)).toEqual(before);
    expect((await app.sql("SELECT name FROM clients WHERE id = 'c-havbris'"))[0].name).toBe('Havbris Sjømat AS');
  });
});
