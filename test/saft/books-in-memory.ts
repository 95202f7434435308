import * as fs from 'node:fs';
import {
  readSaft,
  type SaftAccount,
  type SaftAnalysisTypeEntry,
  type SaftCustomer,
  type SaftHeader,
  type SaftJournal,
  type SaftReadOptions,
  type SaftReadSummary,
  type SaftSink,
  type SaftSource,
  type SaftSupplier,
  type SaftTaxCode,
  type SaftTransaction,
  type SaftVersion,
} from '../../src/saft';

/** A whole file held in memory: fine for the small files tests use. */
export interface BooksInMemory {
  header?: SaftHeader;
  version?: SaftVersion;
  accounts: SaftAccount[];
  customers: SaftCustomer[];
  suppliers: SaftSupplier[];
  taxCodes: SaftTaxCode[];
  analysisTypes: SaftAnalysisTypeEntry[];
  journals: SaftJournal[];
  transactions: Array<{ journalId: string; transaction: SaftTransaction }>;
}

export function collectingSink(): SaftSink & { books: BooksInMemory } {
  const books: BooksInMemory = {
    accounts: [],
    customers: [],
    suppliers: [],
    taxCodes: [],
    analysisTypes: [],
    journals: [],
    transactions: [],
  };
  return {
    books,
    async header(header, version) {
      books.header = header;
      books.version = version;
    },
    async account(account) {
      books.accounts.push(account);
    },
    async customer(customer) {
      books.customers.push(customer);
    },
    async supplier(supplier) {
      books.suppliers.push(supplier);
    },
    async taxCode(taxCode) {
      books.taxCodes.push(taxCode);
    },
    async analysisType(entry) {
      books.analysisTypes.push(entry);
    },
    async journal(journal) {
      books.journals.push(journal);
    },
    async transaction(transaction, journalId) {
      books.transactions.push({ journalId, transaction });
    },
  };
}

export async function readFileIntoMemory(
  file: string,
  options: SaftReadOptions = {},
): Promise<{ books: BooksInMemory; summary: SaftReadSummary }> {
  const sink = collectingSink();
  const summary = await readSaft(fs.createReadStream(file), sink, options);
  return { books: sink.books, summary };
}

/** The books as a writer source, with the control totals computed from the transactions. */
export function sourceOf(books: BooksInMemory): SaftSource {
  let totalDebit = 0;
  let totalCredit = 0;
  for (const { transaction } of books.transactions) {
    for (const line of transaction.lines) {
      totalDebit += line.debitAmount ?? 0;
      totalCredit += line.creditAmount ?? 0;
    }
  }
  return {
    header: books.header!,
    accounts: books.accounts,
    customers: books.customers,
    suppliers: books.suppliers,
    taxCodes: books.taxCodes,
    analysisTypes: books.analysisTypes,
    journals: books.journals,
    entryTotals: { numberOfEntries: books.transactions.length, totalDebit, totalCredit },
    transactions: (journalId) =>
      books.transactions.filter((t) => t.journalId === journalId).map((t) => t.transaction),
  };
}
