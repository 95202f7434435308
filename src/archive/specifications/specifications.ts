import type { QueryRunner } from 'typeorm';
import type { Ore, SaftLineTax } from '../../saft';
import { batchesOf, streamQuery } from '../../db/stream-rows';
import type { BooksSelection } from '../../ledger/ledger-source';
import { byKey, closingOf, jsonList, ore, type OpeningBooks, type SpecificationBooks, type SpecifiedItem, type TaxCodeInfo } from './books';
import { amount, type Cell, type CsvWriter } from './csv-writer';

/**
 * The specifications the bookkeeping regulations require next to the SAF-T file (bokføringsforskriften § 3-1:
 * bilagsjournal, hovedbok, kunde- og leverandørspesifikasjon, saldobalanse, mva-spesifikasjon), one CSV each, for one
 * selection. Lines come from DB cursors; amounts are written as øre → `1234.50`.
 */

/** A line as the passes read it; each pass selects only the columns it writes (`JOURNAL_COLUMNS`, …). */
interface LineRow {
  key: string | null;
  transaction_date: string;
  period: number;
  period_year: number;
  transaction_id: string;
  journal_ref: string;
  voucher_type: string | null;
  voucher_description: string;
  record_id: string;
  description: string;
  account_id: string;
  customer_id: string | null;
  supplier_id: string | null;
  debit_amount: string | null;
  credit_amount: string | null;
  tax_information: unknown;
}

const JOURNAL_COLUMNS = `t.transaction_date, t.period, t.period_year, t.transaction_id, t.journal_ref, t.voucher_type,
  t.description AS voucher_description, l.record_id, l.description, l.account_id, l.customer_id, l.supplier_id,
  l.debit_amount, l.credit_amount, l.tax_information`;
const GENERAL_LEDGER_COLUMNS = `t.transaction_date, t.transaction_id, t.journal_ref, l.record_id, l.description, l.customer_id, l.supplier_id,
  l.debit_amount, l.credit_amount`;
const PARTY_COLUMNS = `t.transaction_date, t.transaction_id, t.journal_ref, l.record_id, l.description, l.account_id,
  l.debit_amount, l.credit_amount`;

/**
 * The selection's lines, in batches, with `key` (an expression) for grouping, `extraWhere` narrowing them, in `orderBy`
 * order. The journal's id comes from `books.journals` rather than a join per line.
 */
async function* lines(
  runner: QueryRunner,
  selection: BooksSelection,
  columns: string,
  key: string,
  extraWhere: string,
  orderBy: string,
): AsyncIterable<LineRow[]> {
  const { clientId, start, end } = selection;
  const stream = await streamQuery(
    runner,
    `SELECT ${key} AS \`key\`, ${columns}
       FROM ledger_transactions t
       JOIN ledger_lines l ON l.transaction_ref = t.id
      WHERE t.client_id = ? AND t.transaction_date >= ? AND t.transaction_date <= ?${extraWhere}
      ORDER BY ${orderBy}`,
    [clientId, start, end],
  );
  yield* batchesOf<LineRow>(stream);
}

const VOUCHER_ORDER = 't.transaction_date, t.id, l.line_no';

function taxCodesOf(taxes: SaftLineTax[]): string {
  if (taxes.length === 0) return '';
  if (taxes.length === 1) return taxes[0].taxCode;
  return [...new Set(taxes.map((t) => t.taxCode))].join(' ');
}

const JOURNAL_HEADER = ['Dato', 'Periode', 'Journal', 'Bilagsnr', 'Bilagstype', 'Bilagstekst', 'Linje-ID', 'Beskrivelse', 'Konto', 'Kunde', 'Leverandør', 'Debet', 'Kredit', 'MVA-kode'];

/**
 * The first pass over the selection's lines, in voucher order: adds every line's movement to `books` (the ledgers and
 * the trial balance need them), and writes Bilagsjournal (every line with the totals) and Mva-spesifikasjon when they
 * are due (`undefined` when not).
 */
export async function writeJournalAndVat(journal: CsvWriter | undefined, vat: CsvWriter | undefined, runner: QueryRunner, books: OpeningBooks): Promise<void> {
  const vatSums = vat ? new VatSums(books.taxCodes) : undefined;
  let debit = 0;
  let credit = 0;
  if (journal) await journal.row(JOURNAL_HEADER);
  for await (const batch of lines(runner, books.selection, JOURNAL_COLUMNS, 'NULL', '', VOUCHER_ORDER)) {
    for (const row of batch) {
      books.addLine(row);
      if (!journal && !vatSums) continue;
      const taxes = jsonList<SaftLineTax>(row.tax_information);
      vatSums?.add(row, taxes);
      if (!journal) continue;
      const lineDebit = ore(row.debit_amount);
      const lineCredit = ore(row.credit_amount);
      debit += lineDebit;
      credit += lineCredit;
      journal.add([
        row.transaction_date,
        `${row.period_year}-${row.period < 10 ? '0' : ''}${row.period}`,
        books.journals.get(row.journal_ref),
        row.transaction_id,
        row.voucher_type,
        row.voucher_description,
        row.record_id,
        row.description,
        row.account_id,
        row.customer_id,
        row.supplier_id,
        amount(lineDebit),
        amount(lineCredit),
        taxCodesOf(taxes),
      ]);
    }
    await journal?.flushIfFull();
  }
  if (journal) await journal.row(['Sum', '', '', '', '', '', '', '', '', '', '', amount(debit), amount(credit), '']);
  if (vat) await vatSums!.write(vat);
}

/**
 * One ledger per item (account, customer, supplier) in `items` order: opening balance, its lines in date order with
 * the running balance, closing balance with the movement. `batches` must come sorted by item (`byKey`), then date. The
 * running balance must end at the closing balance computed from the aggregates; anything else is a bug, and throws.
 */
async function writeLedgers(
  csv: CsvWriter,
  items: SpecifiedItem[],
  batches: AsyncIterable<LineRow[]>,
  books: SpecificationBooks,
  detail: (row: LineRow) => Cell[],
  detailWidth: number,
): Promise<void> {
  const blanks: Cell[] = Array<Cell>(detailWidth - 1).fill('');
  let next = 0;
  let current: { item: SpecifiedItem; balance: Ore; debit: Ore; credit: Ore } | undefined;
  const open = (item: SpecifiedItem) => {
    current = { item, balance: item.opening, debit: 0, credit: 0 };
    csv.add([item.id, item.name, 'Inngående saldo', books.selection.start, ...blanks, '', '', amount(item.opening)]);
  };
  const close = () => {
    const { item, balance, debit, credit } = current!;
    if (balance !== closingOf(item) || debit !== item.debit || credit !== item.credit) {
      throw new Error(`specification of ${item.id}: the lines end at ${balance}, the balances say ${closingOf(item)}`);
    }
    csv.add([item.id, item.name, 'Utgående saldo', books.selection.end, ...blanks, amount(debit), amount(credit), amount(balance)]);
    current = undefined;
  };
  for await (const batch of batches) {
    for (const row of batch) {
      while (current?.item.id !== row.key) {
        if (current) close();
        const item = items[next++];
        if (!item || byKey(item.id, row.key!) > 0) throw new Error(`a line on ${row.key} that is not in the list being specified`);
        open(item);
      }
      const debit = ore(row.debit_amount);
      const credit = ore(row.credit_amount);
      current!.debit += debit;
      current!.credit += credit;
      current!.balance += debit - credit;
      csv.add([current!.item.id, current!.item.name, 'Postering', ...detail(row), amount(debit), amount(credit), amount(current!.balance)]);
    }
    await csv.flushIfFull();
  }
  if (current) close();
  while (next < items.length) {
    open(items[next++]);
    close();
    await csv.flushIfFull();
  }
}

const LEDGER_DETAIL = ['Dato', 'Journal', 'Bilagsnr', 'Linje-ID', 'Beskrivelse'];

/** Hovedbok: per account, opening balance, every line in date order with the running balance, closing balance. */
export async function writeGeneralLedger(csv: CsvWriter, runner: QueryRunner, books: SpecificationBooks): Promise<void> {
  await csv.row(['Konto', 'Kontonavn', 'Radtype', ...LEDGER_DETAIL, 'Kunde', 'Leverandør', 'Debet', 'Kredit', 'Saldo']);
  const rows = lines(runner, books.selection, GENERAL_LEDGER_COLUMNS, 'l.account_id', '', `CAST(l.account_id AS BINARY), ${VOUCHER_ORDER}`);
  await writeLedgers(
    csv,
    books.accounts,
    rows,
    books,
    (r) => [r.transaction_date, books.journals.get(r.journal_ref), r.transaction_id, r.record_id, r.description, r.customer_id, r.supplier_id],
    LEDGER_DETAIL.length + 2,
  );
}

/** Kunde- / leverandørspesifikasjon: per party, opening balance, its lines with the running balance, closing balance. */
async function writePartySpecification(csv: CsvWriter, runner: QueryRunner, books: SpecificationBooks, party: 'customer' | 'supplier'): Promise<void> {
  await csv.row([party === 'customer' ? 'Kunde-ID' : 'Leverandør-ID', 'Navn', 'Radtype', ...LEDGER_DETAIL, 'Konto', 'Debet', 'Kredit', 'Saldo']);
  const column = party === 'customer' ? 'l.customer_id' : 'l.supplier_id';
  const rows = lines(runner, books.selection, PARTY_COLUMNS, column, ` AND ${column} IS NOT NULL`, `CAST(${column} AS BINARY), ${VOUCHER_ORDER}`);
  await writeLedgers(
    csv,
    party === 'customer' ? books.customers : books.suppliers,
    rows,
    books,
    (r) => [r.transaction_date, books.journals.get(r.journal_ref), r.transaction_id, r.record_id, r.description, r.account_id],
    LEDGER_DETAIL.length + 1,
  );
}

export function writeCustomerSpecification(csv: CsvWriter, runner: QueryRunner, books: SpecificationBooks): Promise<void> {
  return writePartySpecification(csv, runner, books, 'customer');
}

export function writeSupplierSpecification(csv: CsvWriter, runner: QueryRunner, books: SpecificationBooks): Promise<void> {
  return writePartySpecification(csv, runner, books, 'supplier');
}

/** Saldobalanse: per account, opening, debit and credit movement, closing; and the totals (zero for balanced books). */
export async function writeTrialBalance(csv: CsvWriter, books: SpecificationBooks): Promise<void> {
  await csv.row(['Konto', 'Kontonavn', 'Grupperingskategori', 'Grupperingskode', 'Inngående saldo', 'Debet', 'Kredit', 'Utgående saldo']);
  const sum = { opening: 0, debit: 0, credit: 0, closing: 0 };
  for (const a of books.accounts) {
    sum.opening += a.opening;
    sum.debit += a.debit;
    sum.credit += a.credit;
    sum.closing += closingOf(a);
    await csv.row([a.id, a.name, a.groupingCategory, a.groupingCode, amount(a.opening), amount(a.debit), amount(a.credit), amount(closingOf(a))]);
  }
  await csv.row(['Sum', '', '', '', amount(sum.opening), amount(sum.debit), amount(sum.credit), amount(sum.closing)]);
}

interface VatRow {
  month: string;
  code: string;
  percentage: number | null;
  lines: number;
  baseDebit: Ore;
  baseCredit: Ore;
  taxDebit: Ore;
  taxCredit: Ore;
}

/**
 * Mva-spesifikasjon: per month of the selection and tax code (with its standard tax code and rate), the base on debit
 * and on credit lines and the debit and credit tax amounts; then each code's totals over the selection. The lines'
 * tax information (JSON) is summed as the lines stream past: memory grows with months × codes, not with the lines.
 */
class VatSums {
  private readonly byMonth = new Map<string, VatRow>();
  private readonly byCode = new Map<string, VatRow>();

  constructor(private readonly taxCodes: Map<string, TaxCodeInfo>) {}

  add(row: LineRow, taxes: SaftLineTax[]): void {
    const debitLine = row.debit_amount !== null;
    for (const tax of taxes) {
      const percentage = tax.taxPercentage ?? this.taxCodes.get(tax.taxCode)?.percentage ?? null;
      addTo(this.byMonth, row.transaction_date.slice(0, 7), tax, percentage, debitLine);
      addTo(this.byCode, 'Sum', tax, percentage, debitLine);
    }
  }

  async write(csv: CsvWriter): Promise<void> {
    await csv.row(['Periode', 'MVA-kode', 'Standard MVA-kode', 'Beskrivelse', 'Sats', 'Antall linjer', 'Grunnlag debet', 'Grunnlag kredit', 'MVA debet', 'MVA kredit']);
    const order = (a: VatRow, b: VatRow) => byKey(a.code, b.code) || (a.percentage ?? -1) - (b.percentage ?? -1);
    const months = [...this.byMonth.values()].sort((a, b) => byKey(a.month, b.month) || order(a, b));
    for (const s of [...months, ...[...this.byCode.values()].sort(order)]) {
      const code = this.taxCodes.get(s.code);
      await csv.row([
        s.month,
        s.code,
        code?.standardTaxCode ?? '',
        code?.description ?? '',
        s.percentage === null ? '' : String(s.percentage),
        s.lines,
        amount(s.baseDebit),
        amount(s.baseCredit),
        amount(s.taxDebit),
        amount(s.taxCredit),
      ]);
    }
  }
}

function addTo(map: Map<string, VatRow>, month: string, tax: SaftLineTax, percentage: number | null, debitLine: boolean): void {
  const key = `${month}\u0000${tax.taxCode}\u0000${percentage ?? ''}`;
  let s = map.get(key);
  if (!s) map.set(key, (s = { month, code: tax.taxCode, percentage, lines: 0, baseDebit: 0, baseCredit: 0, taxDebit: 0, taxCredit: 0 }));
  s.lines++;
  if (debitLine) s.baseDebit += tax.taxBase ?? 0;
  else s.baseCredit += tax.taxBase ?? 0;
  s.taxDebit += tax.debitTaxAmount ?? 0;
  s.taxCredit += tax.creditTaxAmount ?? 0;
}
