import * as fs from 'node:fs';
import * as path from 'node:path';
import { SaftIntegrityError, writeSaft, type SaftSource, type SaftTransaction } from '../../src/saft';
import { syntheticSaftSource } from '../support/synthetic-books';
import { readFileIntoMemory, sourceOf, type BooksInMemory } from './books-in-memory';
import { useTempDir } from './temp-dir';
import { expectValidSaft130, SAFT_REFERENCE } from './xsd';

const EXAMPLE = path.join(SAFT_REFERENCE, 'examples/generated_auditfile_formatted_v_1.30.xml');
const tempDir = useTempDir();

async function exampleBooks(): Promise<BooksInMemory> {
  return (await readFileIntoMemory(EXAMPLE)).books;
}

async function problemsWriting(source: SaftSource): Promise<string[]> {
  const error = await writeSaft(fs.createWriteStream(path.join(tempDir(), 'rejected.xml')), source).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SaftIntegrityError);
  return (error as SaftIntegrityError).problems;
}

function withTransaction(books: BooksInMemory, index: number, change: (t: SaftTransaction) => SaftTransaction): BooksInMemory {
  return {
    ...books,
    transactions: books.transactions.map((entry, i) => (i === index ? { ...entry, transaction: change(entry.transaction) } : entry)),
  };
}

describe('the writer', () => {
  it('gives byte-identical output for the same source', async () => {
    const options = {
      seed: 7,
      organizationNumber: '912345674',
      companyName: 'Likhet & Co AS',
      fiscalYearStartMonth: 1,
      fromDate: '2025-01-01',
      toDate: '2025-03-31',
      targetLines: 400,
    };
    const first = path.join(tempDir(), 'first.xml');
    const second = path.join(tempDir(), 'second.xml');
    await writeSaft(fs.createWriteStream(first), await syntheticSaftSource(options));
    await writeSaft(fs.createWriteStream(second), await syntheticSaftSource(options));
    expect(fs.readFileSync(second).equals(fs.readFileSync(first))).toBe(true);
  });

  it('rejects a source with an unbalanced transaction', async () => {
    const books = withTransaction(await exampleBooks(), 0, (t) => ({
      ...t,
      lines: t.lines.map((line, i) => (i === 0 ? { ...line, debitAmount: 1000001 } : line)),
    }));
    const source = sourceOf(books);
    expect(await problemsWriting(source)).toContain('transaction A1001 does not balance: debit 12500.01, credit 12500.00');
  });

  it('rejects control totals that differ from the transactions written', async () => {
    const source = sourceOf(await exampleBooks());
    const problems = await problemsWriting({ ...source, entryTotals: { numberOfEntries: 2, totalDebit: 1, totalCredit: 3750000 } });
    expect(problems).toEqual([
      'NumberOfEntries 2 but 3 transactions were written',
      'TotalDebit 0.01 but the lines sum to 37500.00',
    ]);
  });

  it('rejects references that do not resolve and balances that do not add up', async () => {
    const books = await exampleBooks();
    const broken = withTransaction(books, 1, (t) => ({
      ...t,
      lines: t.lines.map((line) => ({ ...line, analysis: [{ type: 'P', id: '9999' }] })),
    }));
    broken.customers = books.customers.map((c) => ({ ...c, balanceAccounts: [{ accountId: '1500', openingBalance: 0, closingBalance: 1 }] }));
    broken.accounts = books.accounts.map((a) => (a.accountId === '1920' ? { ...a, closingBalance: 0 } : a));
    const problems = await problemsWriting(sourceOf(broken));
    expect(problems).toContain('transaction A1002 line 1: analysis P/9999 is not in AnalysisTypeTable');
    expect(problems).toContain('account 1920: opening 0.00 + movements -12500.00 ≠ closing 0.00');
    expect(problems).toContain(
      'control account 1500: parties sum to opening 0.00 / closing 0.01, the account has 0.00 / 12500.00',
    );
  });

  it('writes an empty year (no transactions) as a valid file', async () => {
    const books = await exampleBooks();
    const empty: BooksInMemory = {
      ...books,
      accounts: books.accounts.map((a) => ({ ...a, openingBalance: 0, closingBalance: 0 })),
      customers: books.customers.map((c) => ({ ...c, balanceAccounts: [{ accountId: '1500', openingBalance: 0, closingBalance: 0 }] })),
      transactions: [],
    };
    const file = path.join(tempDir(), 'empty-year.xml');
    const summary = await writeSaft(fs.createWriteStream(file), sourceOf(empty));
    expect(summary.transactions).toBe(0);
    await expectValidSaft130(file);
    expect(fs.readFileSync(file, 'utf8')).toContain('<OpeningDebitBalance>0.00</OpeningDebitBalance>');
  });

  it('escapes markup and cuts free text to the XSD length of each field', async () => {
    const books = await exampleBooks();
    const long = 'Ærlig & <rask> levering, '.repeat(20);
    books.header = { ...books.header!, company: { ...books.header!.company, contact: { firstName: long, lastName: long } } };
    const edited = withTransaction(books, 0, (t) => ({ ...t, voucherDescription: long, description: long }));
    const file = path.join(tempDir(), 'long-text.xml');
    await writeSaft(fs.createWriteStream(file), sourceOf(edited));
    await expectValidSaft130(file);
    const { books: copy } = await readFileIntoMemory(file);
    expect(copy.header!.company.contact.firstName).toBe(long.slice(0, 35));
    expect(copy.transactions[0].transaction.voucherDescription).toBe(long.slice(0, 70));
    expect(copy.transactions[0].transaction.description).toBe(long.slice(0, 256).trim());
  });
});
