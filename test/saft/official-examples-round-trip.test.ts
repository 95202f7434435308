import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineNet, SaftIntegrityError, writeSaft, type SaftAccount } from '../../src/saft';
import { readFileIntoMemory, sourceOf, type BooksInMemory } from './books-in-memory';
import { useTempDir } from './temp-dir';
import { expectValidSaft130, SAFT_REFERENCE } from './xsd';

const EXAMPLE_130 = path.join(SAFT_REFERENCE, 'examples/generated_auditfile_formatted_v_1.30.xml');
const EXAMPLE_110 = path.join(SAFT_REFERENCE, 'examples/ExampleFile SAF-T Financial_999999999_20161125213512.xml');

const tempDir = useTempDir();

async function writeBooks(books: BooksInMemory, name: string): Promise<string> {
  const file = path.join(tempDir(), name);
  await writeSaft(fs.createWriteStream(file), sourceOf(books));
  return file;
}

describe('the official 1.30 example', () => {
  it('is read with all its records and control totals', async () => {
    const { books, summary } = await readFileIntoMemory(EXAMPLE_130, { expectedOrganizationNumber: '999999999' });
    expect(summary).toEqual({
      version: '1.30',
      accounts: 7,
      customers: 1,
      suppliers: 1,
      transactions: 3,
      lines: 8,
      totalDebit: 3750000,
      totalCredit: 3750000,
      derivedGroupingAccountIds: [],
    });
    expect(books.header).toMatchObject({
      selectionStartDate: '2025-01-01',
      selectionEndDate: '2025-12-31',
      company: { registrationNumber: '999999999', contact: { firstName: 'Ola', lastName: 'Nordmann' } },
      auditFileSender: { registrationNumber: '999999991', name: 'Accounting INC' },
    });
    expect(books.customers[0].balanceAccounts).toEqual([{ accountId: '1500', openingBalance: 0, closingBalance: 1250000 }]);
    expect(books.taxCodes.map((t) => [t.code, t.standardTaxCode])).toEqual([['30', '3'], ['10', '1']]);
  });

  it('written back is valid 1.30 with the same transactions, lines, totals and balances', async () => {
    const { books: source, summary: sourceSummary } = await readFileIntoMemory(EXAMPLE_130);
    const file = await writeBooks(source, 'example-130.xml');
    await expectValidSaft130(file);

    const { books: copy, summary } = await readFileIntoMemory(file);
    expect(summary).toEqual(sourceSummary);
    expect(copy.transactions).toEqual(source.transactions);
    expect(copy.accounts).toEqual(source.accounts);
    expect(copy.customers).toEqual(source.customers);
    expect(copy.suppliers).toEqual(source.suppliers);
    expect(copy.header).toEqual(source.header);
  });
});

describe('the official 1.10 example', () => {
  it('imports, mapping StandardAccountID to derived groupings and TaxAmount to a sided tax amount', async () => {
    const { books, summary } = await readFileIntoMemory(EXAMPLE_110);
    expect(summary.version).toBe('1.10');
    expect(summary.transactions).toBe(2);
    expect(summary.derivedGroupingAccountIds).toEqual(['1925', '2400', '2740', '4000']);
    expect(books.accounts.map((a) => [a.accountId, a.groupingCategory, a.groupingCode, a.groupingDerived])).toEqual([
      ['1925', 'balanseverdiForOmloepsmiddel', '1920', true],
      ['2400', 'kortsiktigGjeld', '2400', true],
      ['2740', 'kortsiktigGjeld', '2740', true],
      ['4000', 'varekostnad', '4005', true],
    ]);
    const invoiceLine = books.transactions[0].transaction.lines[0];
    expect(invoiceLine.taxInformation).toEqual([
      { taxType: 'MVA', taxCode: '14', taxPercentage: 25, taxBase: 1000000, debitTaxAmount: 250000 },
    ]);
    expect(books.suppliers[0].balanceAccounts).toEqual([
      { accountId: '2400', openingBalance: -123456, closingBalance: -1234567 },
    ]);
  });

  it('is refused by the writer as it stands, because its balances are placeholders that do not add up', async () => {
    const { books } = await readFileIntoMemory(EXAMPLE_110);
    const failure = await writeBooks(books, 'example-110-as-is.xml').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SaftIntegrityError);
    expect((failure as SaftIntegrityError).problems).toContain(
      'account 1925: opening 1234.56 + movements -12500.00 ≠ closing 12345.67',
    );
  });

  it('written out with balances that agree with its lines is valid 1.30 with derived groupings', async () => {
    const { books } = await readFileIntoMemory(EXAMPLE_110);
    // The example's closing balances (12345.67 everywhere) do not follow from
    // its lines, and its payment line on 2400 has no SupplierID, so no party
    // balances can agree with the ledger: recompute the closings, drop those.
    const movements = new Map<string, number>();
    for (const { transaction } of books.transactions) {
      for (const line of transaction.lines) movements.set(line.accountId, (movements.get(line.accountId) ?? 0) + lineNet(line));
    }
    const consistent: BooksInMemory = {
      ...books,
      accounts: books.accounts.map((a): SaftAccount => ({ ...a, closingBalance: a.openingBalance + (movements.get(a.accountId) ?? 0) })),
      customers: books.customers.map((c) => ({ ...c, balanceAccounts: [] })),
      suppliers: books.suppliers.map((s) => ({ ...s, balanceAccounts: [] })),
    };
    const file = await writeBooks(consistent, 'example-110.xml');
    await expectValidSaft130(file);

    const { books: copy, summary } = await readFileIntoMemory(file);
    expect(summary.version).toBe('1.30');
    expect(summary.derivedGroupingAccountIds).toEqual([]);
    expect(copy.accounts.map((a) => a.groupingCode)).toEqual(['1920', '2400', '2740', '4005']);
    expect(copy.transactions).toEqual(books.transactions);
  });
});
