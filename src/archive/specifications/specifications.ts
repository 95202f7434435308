import type { QueryRunner } from 'typeorm';
import { formatAmount, type Ore, type SaftLineTax } from '../../saft';
import { queryBatches } from '../../db/stream-rows';
import type { BooksSelection } from '../../ledger/ledger-source';
import { MONTHS_PER_TERM, VatTerm } from '../../clients/vat-term';
import { byKey, closingOf, jsonList, ore, type OpeningBooks, type SpecificationBooks, type SpecifiedItem, type TaxCodeInfo } from './books';
import { amount, csvText, type Cell, type CsvWriter } from './csv-writer';
import { norwegianAmount, type PdfReport } from './pdf-report';

/**
 * The specifications the bookkeeping regulations require next to the SAF-T file (bokføringsforskriften § 3-1:
 * bilagsjournal, hovedbok, kunde- og leverandørspesifikasjon, saldobalanse, mva-spesifikasjon), one CSV each, for one
 * selection. Lines come from DB cursors; amounts are written as øre → `1234.50`.
 */

/** A line as the passes read it; each pass selects only the columns it writes (`JOURNAL_COLUMNS`, …). */
interface LineRow {
  key: string | null;
  voucher_ref: string;
  line_no: number;
  transaction_date: string;
  system_entry_date: string;
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
  reference: string | null;
  match_ref: string | null;
  line_vat: string | null;
}

/** The document reference of a line: its reference number (an invoice number), else its source document, else the voucher's source. */
const REFERENCE = 'COALESCE(l.reference_number, l.source_document_id, t.source_id) AS reference';

const JOURNAL_COLUMNS = `t.id AS voucher_ref, l.line_no, t.system_entry_date, t.transaction_date, t.period, t.period_year, t.transaction_id, t.journal_ref, t.voucher_type,
  t.description AS voucher_description, l.record_id, l.description, l.account_id, l.customer_id, l.supplier_id,
  l.debit_amount, l.credit_amount, l.tax_information, ${REFERENCE}`;
/**
 * The ledger's VAT per line as text `input,output,codes`, computed by MariaDB: the ledger's lines are sorted by account,
 * and a JSON (LONGTEXT) column in a sorted result makes the sort fetch every row again by its position.
 */
const LINE_VAT = `CASE WHEN l.tax_information IS NULL THEN NULL ELSE (
    SELECT CONCAT(COALESCE(SUM(x.d), 0), ',', COALESCE(SUM(x.c), 0), ',', COALESCE(GROUP_CONCAT(DISTINCT x.code ORDER BY x.code SEPARATOR ' '), ''))
      FROM JSON_TABLE(l.tax_information, '$[*]' COLUMNS (d BIGINT PATH '$.debitTaxAmount', c BIGINT PATH '$.creditTaxAmount', code VARCHAR(70) PATH '$.taxCode')) x
  ) END AS line_vat`;
const GENERAL_LEDGER_COLUMNS = `t.transaction_date, t.transaction_id, t.journal_ref, l.record_id, l.description, l.customer_id, l.supplier_id,
  l.debit_amount, l.credit_amount, ${LINE_VAT}, ${REFERENCE}`;
const PARTY_COLUMNS = `t.transaction_date, t.transaction_id, t.journal_ref, l.record_id, l.description, l.account_id,
  l.debit_amount, l.credit_amount, ${REFERENCE}, COALESCE(l.reference_number, l.source_document_id) AS match_ref`;

/**
 * The selection's lines, in batches, with `key` (an expression) for grouping, `extraWhere` narrowing them, in `orderBy`
 * order. The journal's id comes from `books.journals` rather than a join per line. `byVoucher`: `orderBy` names only
 * the vouchers' columns, and each voucher's lines follow in line order (see `ENTRY_ORDER`).
 */
async function* lines(
  runner: QueryRunner,
  selection: BooksSelection,
  columns: string,
  key: string,
  extraWhere: string,
  orderBy: string,
  byVoucher = false,
): AsyncIterable<LineRow[]> {
  const { clientId, start, end } = selection;
  yield* queryBatches<LineRow>(
    runner,
    `SELECT ${key} AS \`key\`, ${columns}
       FROM ledger_transactions t
       ${byVoucher ? 'STRAIGHT_JOIN' : 'JOIN'} ledger_lines l ON l.transaction_ref = t.id
      WHERE t.client_id = ? AND t.transaction_date >= ? AND t.transaction_date <= ?${extraWhere}
      ORDER BY ${orderBy}`,
    [clientId, start, end],
  );
}

const VOUCHER_ORDER = 't.transaction_date, t.id, l.line_no';
/**
 * The order the entries were recorded in: system entry date, then voucher, then line. MariaDB sorts the vouchers
 * (`t.system_entry_date, t.id`) and reads each one's lines by the lines' primary key, in line order (STRAIGHT_JOIN
 * keeps the vouchers first; the pass checks the line order): naming `l.line_no` in the ORDER BY would make it copy
 * every line into a temporary table (on disk, for the JSON column) and sort that instead — about 1.6 times the time.
 */
const ENTRY_ORDER = 't.system_entry_date, t.id';

/** Debit VAT (inngående, deductible) and credit VAT (utgående) of a line's tax information. */
function vatOf(taxes: SaftLineTax[]): { input: Ore; output: Ore } {
  let input = 0;
  let output = 0;
  for (const tax of taxes) {
    input += tax.debitTaxAmount ?? 0;
    output += tax.creditTaxAmount ?? 0;
  }
  return { input, output };
}

/**
 * The accounts whose lines are withdrawals (uttak): by name, as the books carry no standard marking for them (the
 * standard VAT codes 5 and 6 cover sales and withdrawals alike). Documented in the specifications' README.
 */
export function isWithdrawalAccount(name: string): boolean {
  return /uttak/i.test(name);
}

/** The VAT accounts reconciled with the computed VAT: 2700–2739 (NS 4102: output and input VAT, not 2740 settlement). */
export function isVatAccount(accountId: string): boolean {
  return /^27[0-3]\d/.test(accountId);
}

/** A term of the client's VAT term kind that a date falls in: label (`2025-3` or `2025` for yearly), first and last day. */
export function vatTermOf(date: string, term: VatTerm): { label: string; from: string; to: string } {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const months = MONTHS_PER_TERM[term];
  const index = Math.floor((month - 1) / months);
  const firstMonth = index * months + 1;
  const lastMonth = firstMonth + months - 1;
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    label: term === VatTerm.YEARLY ? String(year) : `${year}-${months === 1 ? pad(index + 1) : index + 1}`,
    from: `${year}-${pad(firstMonth)}-01`,
    to: `${year}-${pad(lastMonth)}-${pad(lastDay)}`,
  };
}
function taxCodesOf(taxes: SaftLineTax[]): string {
  if (taxes.length === 0) return '';
  if (taxes.length === 1) return taxes[0].taxCode;
  return [...new Set(taxes.map((t) => t.taxCode))].join(' ');
}

const JOURNAL_HEADER = [
  'Registrert', 'Bilagsdato', 'Periode', 'Journal', 'Bilagsnr', 'Bilagstype', 'Bilagstekst', 'Referanse', 'Linje-ID', 'Beskrivelse',
  'Konto', 'Kunde', 'Leverandør', 'Debet', 'Kredit', 'Beløp', 'MVA-kode', 'MVA-beløp',
];
const WITHDRAWAL_HEADER = ['Bilagsdato', 'Journal', 'Bilagsnr', 'Referanse', 'Linje-ID', 'Beskrivelse', 'Konto', 'Kontonavn', 'Debet', 'Kredit', 'MVA-kode', 'MVA-beløp'];

export interface FirstPassOutputs {
  journal?: CsvWriter;
  vat?: CsvWriter;
  vatPdf?: PdfReport;
  withdrawals?: CsvWriter;
}

/**
 * The first pass over the selection's lines, in the order they were recorded: adds every line's movement to `books`
 * (the ledgers and the trial balance need them), and writes, when they are due, the bokføringsspesifikasjon (every
 * line with its VAT, period totals and the total), the mva-spesifikasjon (CSV and PDF) and the spesifikasjon av uttak.
 */
export async function writeFirstPass(out: FirstPassOutputs, runner: QueryRunner, books: OpeningBooks, vatTerm: VatTerm, accountNames: Map<string, string>): Promise<void> {
  const { journal, withdrawals } = out;
  const vatSums = out.vat || out.vatPdf ? new VatSums(books.taxCodes, vatTerm) : undefined;
  const withdrawalAccounts = new Set([...accountNames].filter(([, name]) => isWithdrawalAccount(name)).map(([id]) => id));
  const total = { debit: 0, credit: 0, vat: 0 };
  const periods = new Map<string, { debit: Ore; credit: Ore; vat: Ore }>();
  const withdrawn = { debit: 0, credit: 0, vat: 0 };
  if (journal) await journal.row(JOURNAL_HEADER);
  if (withdrawals) await withdrawals.row(WITHDRAWAL_HEADER);
  const writing = journal || vatSums || withdrawals;
  let voucher: string | undefined;
  let lineNo = -1;
  for await (const batch of lines(runner, books.selection, JOURNAL_COLUMNS, 'NULL', '', ENTRY_ORDER, true)) {
    for (const row of batch) {
      if (row.voucher_ref === voucher && row.line_no <= lineNo) throw new Error(`the lines of voucher ${row.transaction_id} came out of their order`);
      voucher = row.voucher_ref;
      lineNo = row.line_no;
      books.addLine(row);
      if (!writing) continue;
      const taxes = jsonList<SaftLineTax>(row.tax_information);
      const lineDebit = ore(row.debit_amount);
      const lineCredit = ore(row.credit_amount);
      vatSums?.add(row, taxes, lineDebit, lineCredit);
      const { input, output } = vatOf(taxes);
      const lineVat = input - output;
      if (withdrawals && withdrawalAccounts.has(row.account_id)) {
        withdrawn.debit += lineDebit;
        withdrawn.credit += lineCredit;
        withdrawn.vat += lineVat;
        withdrawals.add([
          row.transaction_date, books.journals.get(row.journal_ref), row.transaction_id, row.reference, row.record_id, row.description,
          row.account_id, accountNames.get(row.account_id), amount(lineDebit), amount(lineCredit), taxCodesOf(taxes), taxes.length ? amount(lineVat) : '',
        ]);
      }
      if (!journal) continue;
      const period = `${row.period_year}-${row.period < 10 ? '0' : ''}${row.period}`;
      total.debit += lineDebit;
      total.credit += lineCredit;
      total.vat += lineVat;
      let sum = periods.get(period);
      if (!sum) periods.set(period, (sum = { debit: 0, credit: 0, vat: 0 }));
      sum.debit += lineDebit;
      sum.credit += lineCredit;
      sum.vat += lineVat;
      journal.addJoined(
        `${csvText(row.system_entry_date)};${csvText(row.transaction_date)};${period};${csvText(books.journals.get(row.journal_ref))};` +
          `${csvText(row.transaction_id)};${csvText(row.voucher_type)};${csvText(row.voucher_description)};${csvText(row.reference)};` +
          `${csvText(row.record_id)};${csvText(row.description)};${csvText(row.account_id)};${csvText(row.customer_id)};${csvText(row.supplier_id)};` +
          `${formatAmount(lineDebit)};${formatAmount(lineCredit)};${formatAmount(lineDebit - lineCredit)};${csvText(taxCodesOf(taxes))};${taxes.length ? formatAmount(lineVat) : ''}`,
      );
    }
    await journal?.flushIfFull();
    await withdrawals?.flushIfFull();
  }
  const blanks = (n: number) => Array<Cell>(n).fill('');
  if (journal) {
    for (const [period, sum] of [...periods].sort(([a], [b]) => byKey(a, b))) {
      await journal.row(['Sum periode', '', period, ...blanks(10), amount(sum.debit), amount(sum.credit), amount(sum.debit - sum.credit), '', amount(sum.vat)]);
    }
    await journal.row(['Sum', ...blanks(12), amount(total.debit), amount(total.credit), amount(total.debit - total.credit), '', amount(total.vat)]);
  }
  if (withdrawals) await withdrawals.row(['Sum', ...blanks(7), amount(withdrawn.debit), amount(withdrawn.credit), '', amount(withdrawn.vat)]);
  if (vatSums) await vatSums.write(out.vat, out.vatPdf, books);
}

/**
 * One ledger per item (account, customer, supplier) in `items` order: opening balance, its lines in date order with
 * the running balance, closing balance with the movement. `batches` must come sorted by item (`byKey`), then date. The
 * running balance must end at the closing balance computed from the aggregates; anything else is a bug, and throws.
 */
async function writeLedgers(
  csv: CsvWriter | undefined,
  items: SpecifiedItem[],
  batches: AsyncIterable<LineRow[]>,
  books: SpecificationBooks,
  detail: (row: LineRow) => string,
  detailWidth: number,
  hooks: { line?: (row: LineRow, debit: Ore, credit: Ore) => void; closed?: (item: SpecifiedItem) => Promise<void> } = {},
): Promise<void> {
  const blanks: Cell[] = Array<Cell>(detailWidth - 1).fill('');
  let next = 0;
  let current: { item: SpecifiedItem; balance: Ore; debit: Ore; credit: Ore; posting: string } | undefined;
  const open = (item: SpecifiedItem) => {
    // The cells every line of the item starts with, written once per item.
    current = { item, balance: item.opening, debit: 0, credit: 0, posting: `${csvText(item.id)};${csvText(item.name)};Postering;` };
    csv?.add([item.id, item.name, 'Inngående saldo', books.selection.start, ...blanks, '', '', amount(item.opening)]);
  };
  const close = async () => {
    const { item, balance, debit, credit } = current!;
    if (balance !== closingOf(item) || debit !== item.debit || credit !== item.credit) {
      throw new Error(`specification of ${item.id}: the lines end at ${balance}, the balances say ${closingOf(item)}`);
    }
    csv?.add([item.id, item.name, 'Utgående saldo', books.selection.end, ...blanks, amount(debit), amount(credit), amount(balance)]);
    current = undefined;
    await hooks.closed?.(item);
  };
  for await (const batch of batches) {
    for (const row of batch) {
      while (current?.item.id !== row.key) {
        if (current) await close();
        const item = items[next++];
        if (!item || byKey(item.id, row.key!) > 0) throw new Error(`a line on ${row.key} that is not in the list being specified`);
        open(item);
      }
      const debit = ore(row.debit_amount);
      const credit = ore(row.credit_amount);
      current!.debit += debit;
      current!.credit += credit;
      current!.balance += debit - credit;
      hooks.line?.(row, debit, credit);
      csv?.addJoined(`${current!.posting}${detail(row)};${formatAmount(debit)};${formatAmount(credit)};${formatAmount(current!.balance)}`);
    }
    await csv?.flushIfFull();
  }
  if (current) await close();
  while (next < items.length) {
    open(items[next++]);
    await close();
    await csv?.flushIfFull();
  }
}

const LEDGER_DETAIL = ['Bilagsdato', 'Journal', 'Bilagsnr', 'Referanse', 'Linje-ID', 'Beskrivelse'];

/** A line's `LEDGER_DETAIL` cells, joined. */
function ledgerDetail(r: LineRow, books: SpecificationBooks): string {
  return `${csvText(r.transaction_date)};${csvText(books.journals.get(r.journal_ref))};${csvText(r.transaction_id)};${csvText(r.reference)};${csvText(r.record_id)};${csvText(r.description)}`;
}

/**
 * Kontospesifikasjon (hovedbok): per account, opening balance, every line in date order with its document date and
 * reference, the input and output VAT on it, and the running balance; closing balance.
 */
export async function writeGeneralLedger(csv: CsvWriter, runner: QueryRunner, books: SpecificationBooks): Promise<void> {
  await csv.row(['Konto', 'Kontonavn', 'Radtype', ...LEDGER_DETAIL, 'Kunde', 'Leverandør', 'MVA-kode', 'Inngående MVA', 'Utgående MVA', 'Debet', 'Kredit', 'Saldo']);
  const rows = lines(runner, books.selection, GENERAL_LEDGER_COLUMNS, 'l.account_id', '', `CAST(l.account_id AS BINARY), ${VOUCHER_ORDER}`);
  await writeLedgers(
    csv,
    books.accounts,
    rows,
    books,
    (r) => {
      const detail = `${ledgerDetail(r, books)};${csvText(r.customer_id)};${csvText(r.supplier_id)}`;
      if (r.line_vat === null) return `${detail};;;`;
      const [input, output, codes] = r.line_vat.split(',');
      return `${detail};${csvText(codes)};${formatAmount(Number(input))};${formatAmount(Number(output))}`;
    },
    LEDGER_DETAIL.length + 5,
  );
}

/** An open item of a party at the end of the selection (åpen post). */
interface OpenItem {
  date: string;
  voucher: string;
  reference: string;
  description: string;
  amount: Ore;
}

/**
 * A party's open items at the end of the selection, from its lines as the party pass walks them (memory: one
 * party's items). Matched where the books allow: lines with the same reference (reference number, else source
 * document) are summed, and a sum of zero is settled; a line with neither is an item of its own. What is left is matched
 * against the party's closing balance from the newest item back (payments without a reference settle the oldest items
 * first): the newest items of the balance's sign make up the balance, the last one partly. The opening balance, which
 * the selection's lines do not itemize, is the oldest item.
 */
class OpenItems {
  private items = new Map<string, OpenItem & { order: number }>();
  private order = 0;

  add(row: LineRow, debit: Ore, credit: Ore): void {
    const key = row.match_ref ?? `\u0000${row.transaction_id}\u0000${row.record_id}\u0000${this.order}`;
    let item = this.items.get(key);
    if (!item) {
      this.items.set(key, (item = { date: row.transaction_date, voucher: row.transaction_id, reference: row.match_ref ?? '', description: row.description, amount: 0, order: this.order++ }));
    }
    item.amount += debit - credit;
  }

  /** The open items making up `party`'s closing balance, oldest first; then forgets them. */
  take(party: SpecifiedItem, start: string): OpenItem[] {
    const newestFirst = [...this.items.values()].sort((a, b) => byKey(b.date, a.date) || b.order - a.order);
    this.items = new Map();
    this.order = 0;
    newestFirst.push({ date: start, voucher: '', reference: '', description: 'Inngående saldo (ikke spesifisert i utvalget)', amount: party.opening, order: -1 });
    let remaining = closingOf(party);
    const open: OpenItem[] = [];
    for (const o of newestFirst) {
      if (remaining === 0) break;
      if (o.amount === 0 || Math.sign(o.amount) !== Math.sign(remaining)) continue;
      const taken = Math.abs(o.amount) <= Math.abs(remaining) ? o.amount : remaining;
      open.push({ date: o.date, voucher: o.voucher, reference: o.reference, description: o.description, amount: taken });
      remaining -= taken;
    }
    if (remaining !== 0) throw new Error(`open items of ${party.id}: ${remaining} of the closing balance ${closingOf(party)} not covered`);
    return open.reverse();
  }
}

/**
 * Kunde- / leverandørspesifikasjon: per party, opening balance, its lines with document date, invoice / reference
 * number and the running balance, closing balance (CSV); then the open items at the end of the selection and the
 * control accounts the balances tie to (CSV rows and the PDF balance list).
 */
async function writePartySpecification(csv: CsvWriter | undefined, pdf: PdfReport | undefined, runner: QueryRunner, books: SpecificationBooks, party: 'customer' | 'supplier'): Promise<void> {
  const idTitle = party === 'customer' ? 'Kunde-ID' : 'Leverandør-ID';
  const parties = party === 'customer' ? books.customers : books.suppliers;
  const blanks = (n: number) => Array<Cell>(n).fill('');
  const sum = { opening: 0, debit: 0, credit: 0, closing: 0 };
  for (const p of parties) {
    sum.opening += p.opening;
    sum.debit += p.debit;
    sum.credit += p.credit;
    sum.closing += closingOf(p);
  }
  const accountById = new Map(books.accounts.map((a) => [a.id, a]));
  const control = [...(party === 'customer' ? books.controlAccounts.customer : books.controlAccounts.supplier)].sort(byKey).map((id) => accountById.get(id)!).filter(Boolean);
  const controlClosing = control.reduce((s, a) => s + closingOf(a), 0);
  if (pdf) {
    pdf.heading(`Saldoliste per ${books.selection.end}`);
    pdf.table([
      { title: idTitle, width: 10 },
      { title: 'Navn', width: 26 },
      { title: 'Inngående saldo', width: 16, align: 'right' },
      { title: 'Debet', width: 16, align: 'right' },
      { title: 'Kredit', width: 16, align: 'right' },
      { title: 'Utgående saldo', width: 16, align: 'right' },
    ]);
    for (const p of parties) pdf.row([p.id, p.name, norwegianAmount(p.opening), norwegianAmount(p.debit), norwegianAmount(p.credit), norwegianAmount(closingOf(p))]);
    pdf.row(['Sum', '', norwegianAmount(sum.opening), norwegianAmount(sum.debit), norwegianAmount(sum.credit), norwegianAmount(sum.closing)], true);
    for (const a of control) pdf.row([a.id, `Kontrollkonto: ${a.name}`, norwegianAmount(a.opening), norwegianAmount(a.debit), norwegianAmount(a.credit), norwegianAmount(closingOf(a))]);
    pdf.row(['Avvik', 'Sum saldoliste − kontrollkontoer', '', '', '', norwegianAmount(sum.closing - controlClosing)], true);
    pdf.heading(`Åpne poster per ${books.selection.end}`);
    pdf.table([
      { title: 'Dato', width: 11 },
      { title: 'Bilagsnr', width: 11 },
      { title: 'Referanse', width: 14 },
      { title: 'Beskrivelse', width: 48 },
      { title: 'Åpent beløp', width: 16, align: 'right' },
    ]);
  }
  if (csv) await csv.row([idTitle, 'Navn', 'Radtype', ...LEDGER_DETAIL, 'Konto', 'Debet', 'Kredit', 'Saldo']);
  const column = party === 'customer' ? 'l.customer_id' : 'l.supplier_id';
  const rows = lines(runner, books.selection, PARTY_COLUMNS, column, ` AND ${column} IS NOT NULL`, `CAST(${column} AS BINARY), ${VOUCHER_ORDER}`);
  const items = new OpenItems();
  let openTotal = 0;
  await writeLedgers(
    csv,
    parties,
    rows,
    books,
    (r) => `${ledgerDetail(r, books)};${csvText(r.account_id)}`,
    LEDGER_DETAIL.length + 1,
    {
      line: (row, debit, credit) => items.add(row, debit, credit),
      closed: async (item) => {
        const open = items.take(item, books.selection.start);
        if (open.length === 0) return;
        if (pdf) pdf.row([item.id, item.name, '', '', ''], true);
        for (const o of open) {
          openTotal += o.amount;
          csv?.add([item.id, item.name, 'Åpen post', o.date, '', o.voucher, o.reference, '', o.description, '', '', '', amount(o.amount)]);
          pdf?.row([o.date, o.voucher, o.reference, o.description, norwegianAmount(o.amount)]);
        }
        if (pdf) pdf.row(['', '', '', `Sum ${item.id}`, norwegianAmount(closingOf(item))], true);
      },
    },
  );
  if (pdf) pdf.row(['Sum', '', '', 'Åpne poster i alt', norwegianAmount(openTotal)], true);
  if (csv) {
    await csv.row(['Sum', '', 'Sum åpne poster', books.selection.end, ...blanks(LEDGER_DETAIL.length - 1), '', '', '', amount(openTotal)]);
    for (const a of control) await csv.row([a.id, a.name, 'Kontrollkonto', books.selection.end, ...blanks(LEDGER_DETAIL.length - 1), a.id, amount(a.debit), amount(a.credit), amount(closingOf(a))]);
    await csv.row(['Avvik', '', 'Avvik mot kontrollkontoer', books.selection.end, ...blanks(LEDGER_DETAIL.length - 1), '', '', '', amount(sum.closing - controlClosing)]);
  }
}

export function writeCustomerSpecification(csv: CsvWriter | undefined, pdf: PdfReport | undefined, runner: QueryRunner, books: SpecificationBooks): Promise<void> {
  return writePartySpecification(csv, pdf, runner, books, 'customer');
}

export function writeSupplierSpecification(csv: CsvWriter | undefined, pdf: PdfReport | undefined, runner: QueryRunner, books: SpecificationBooks): Promise<void> {
  return writePartySpecification(csv, pdf, runner, books, 'supplier');
}

/** What the trial balance's check line ties to: the SAF-T file's totals over the same selection. */
export interface SaftTotals {
  totalDebit: Ore;
  totalCredit: Ore;
}

/**
 * Saldobalanse: per account with its SAF-T grouping, opening, debit and credit movement, closing; the totals; and a
 * check line: the closing balances sum to zero and the movement equals the SAF-T file's control totals.
 */
export async function writeTrialBalance(csv: CsvWriter | undefined, pdf: PdfReport | undefined, books: SpecificationBooks): Promise<void> {
  const sum = { opening: 0, debit: 0, credit: 0, closing: 0 };
  for (const a of books.accounts) {
    sum.opening += a.opening;
    sum.debit += a.debit;
    sum.credit += a.credit;
    sum.closing += closingOf(a);
  }
  const check = (format: (ore: Ore) => string) =>
    sum.closing === 0 ? 'OK: summen av saldoene er 0; debet og kredit er SAF-T-filens TotalDebit og TotalCredit' : `AVVIK: summen av saldoene er ${format(sum.closing)}`;
  if (csv) {
    await csv.row(['Konto', 'Kontonavn', 'Grupperingskategori', 'Grupperingskode', 'Inngående saldo', 'Debet', 'Kredit', 'Utgående saldo']);
    for (const a of books.accounts) {
      csv.add([a.id, a.name, a.groupingCategory, a.groupingCode, amount(a.opening), amount(a.debit), amount(a.credit), amount(closingOf(a))]);
      await csv.flushIfFull();
    }
    await csv.row(['Sum', '', '', '', amount(sum.opening), amount(sum.debit), amount(sum.credit), amount(sum.closing)]);
    await csv.row(['Kontroll', check(formatAmount), '', '', '', amount(sum.debit), amount(sum.credit), amount(sum.closing)]);
  }
  if (pdf) {
    pdf.table([
      { title: 'Konto', width: 8 },
      { title: 'Kontonavn', width: 26 },
      { title: 'Gruppering', width: 14 },
      { title: 'Inngående saldo', width: 13, align: 'right' },
      { title: 'Debet', width: 13, align: 'right' },
      { title: 'Kredit', width: 13, align: 'right' },
      { title: 'Utgående saldo', width: 13, align: 'right' },
    ]);
    for (const a of books.accounts) {
      pdf.row([a.id, a.name, `${a.groupingCategory} ${a.groupingCode}`.trim(), norwegianAmount(a.opening), norwegianAmount(a.debit), norwegianAmount(a.credit), norwegianAmount(closingOf(a))]);
    }
    pdf.row(['Sum', '', '', norwegianAmount(sum.opening), norwegianAmount(sum.debit), norwegianAmount(sum.credit), norwegianAmount(sum.closing)], true);
    pdf.paragraph(`Kontroll: ${check(norwegianAmount)}.`);
  }
}

interface VatRow {
  term: string;
  from: string;
  to: string;
  code: string;
  percentage: number | null;
  lines: number;
  baseDebit: Ore;
  baseCredit: Ore;
  taxDebit: Ore;
  taxCredit: Ore;
}

/**
 * Mva-spesifikasjon: per VAT term of the client (bi-monthly, monthly or yearly, by calendar month) and tax code (with
 * its standard code and rate), the base on debit and on credit lines and the debit (input) and credit (output) VAT;
 * then each code's totals over the selection; then per term and for the year the reconciliation of the computed VAT
 * (output − input) with the movement on the VAT accounts (2700–2739, credit − debit) and the difference. Summed as
 * the lines stream past: memory grows with terms × codes, not with the lines.
 */
class VatSums {
  private readonly byTerm = new Map<string, VatRow>();
  private readonly byCode = new Map<string, VatRow>();
  private readonly terms = new Map<string, { from: string; to: string; computed: Ore; booked: Ore }>();
  /** Terms by month (`YYYY-MM`), and which accounts are VAT accounts: looked up once, not per line. */
  private readonly termByMonth = new Map<string, { label: string; from: string; to: string }>();
  private readonly vatAccounts = new Map<string, boolean>();

  constructor(private readonly taxCodes: Map<string, TaxCodeInfo>, private readonly vatTerm: VatTerm) {}

  add(row: LineRow, taxes: SaftLineTax[], debit: Ore, credit: Ore): void {
    let vatAccount = this.vatAccounts.get(row.account_id);
    if (vatAccount === undefined) this.vatAccounts.set(row.account_id, (vatAccount = isVatAccount(row.account_id)));
    if (taxes.length === 0 && !vatAccount) return;
    const month = row.transaction_date.slice(0, 7);
    let term = this.termByMonth.get(month);
    if (!term) this.termByMonth.set(month, (term = vatTermOf(row.transaction_date, this.vatTerm)));
    let t = this.terms.get(term.label);
    if (!t) this.terms.set(term.label, (t = { from: term.from, to: term.to, computed: 0, booked: 0 }));
    if (vatAccount) t.booked += credit - debit;
    const debitLine = row.debit_amount !== null;
    for (const tax of taxes) {
      const percentage = tax.taxPercentage ?? this.taxCodes.get(tax.taxCode)?.percentage ?? null;
      addTo(this.byTerm, term, tax, percentage, debitLine);
      addTo(this.byCode, { label: 'Sum', from: '', to: '' }, tax, percentage, debitLine);
      t.computed += (tax.creditTaxAmount ?? 0) - (tax.debitTaxAmount ?? 0);
    }
  }

  async write(csv: CsvWriter | undefined, pdf: PdfReport | undefined, books: OpeningBooks): Promise<void> {
    const order = (a: VatRow, b: VatRow) => byKey(a.code, b.code) || (a.percentage ?? -1) - (b.percentage ?? -1);
    const terms = [...this.byTerm.values()].sort((a, b) => byKey(a.from, b.from) || order(a, b));
    const year = [...this.byCode.values()].sort(order);
    const reconciliation = [...this.terms].sort(([, a], [, b]) => byKey(a.from, b.from));
    const yearTotal = { computed: 0, booked: 0 };
    for (const [, t] of reconciliation) {
      yearTotal.computed += t.computed;
      yearTotal.booked += t.booked;
    }
    const { start, end } = books.selection;
    if (csv) {
      await csv.row([
        'Radtype', 'Termin', 'Fra', 'Til', 'MVA-kode', 'Standard MVA-kode', 'Beskrivelse', 'Sats', 'Antall linjer',
        'Grunnlag debet', 'Grunnlag kredit', 'MVA debet', 'MVA kredit', 'Beregnet MVA', 'Bokført på MVA-kontoer', 'Differanse',
      ]);
      for (const s of [...terms, ...year]) {
        const code = this.taxCodes.get(s.code);
        await csv.row([
          s.term === 'Sum' ? 'År' : 'Termin',
          s.term === 'Sum' ? 'Sum' : s.term,
          s.term === 'Sum' ? start : s.from,
          s.term === 'Sum' ? end : s.to,
          s.code,
          code?.standardTaxCode ?? '',
          code?.description ?? '',
          s.percentage === null ? '' : String(s.percentage),
          s.lines,
          amount(s.baseDebit),
          amount(s.baseCredit),
          amount(s.taxDebit),
          amount(s.taxCredit),
          amount(s.taxCredit - s.taxDebit),
          '',
          '',
        ]);
      }
      for (const [label, t] of reconciliation) {
        await csv.row(['Avstemming', label, t.from, t.to, '', '', '', '', '', '', '', '', '', amount(t.computed), amount(t.booked), amount(t.booked - t.computed)]);
      }
      await csv.row(['Avstemming', 'Sum', start, end, '', '', '', '', '', '', '', '', '', amount(yearTotal.computed), amount(yearTotal.booked), amount(yearTotal.booked - yearTotal.computed)]);
    }
    if (pdf) {
      const termName = { [VatTerm.BIMONTHLY]: 'tomånedlig', [VatTerm.MONTHLY]: 'månedlig', [VatTerm.YEARLY]: 'årlig' }[this.vatTerm];
      pdf.paragraph(`Terminer: ${termName}. Beregnet MVA = utgående (kredit) − inngående (debet) MVA på linjene; bokført = kredit − debet på kontoene 2700–2739.`);
      const table = () =>
        pdf.table([
          { title: 'Termin', width: 10 },
          { title: 'Kode', width: 6 },
          { title: 'Std.', width: 5 },
          { title: 'Sats', width: 6, align: 'right' },
          { title: 'Grunnlag debet', width: 14, align: 'right' },
          { title: 'Grunnlag kredit', width: 14, align: 'right' },
          { title: 'MVA debet', width: 14, align: 'right' },
          { title: 'MVA kredit', width: 14, align: 'right' },
          { title: 'Beregnet', width: 14, align: 'right' },
        ]);
      const line = (s: VatRow, label: string) => [
        label, s.code, this.taxCodes.get(s.code)?.standardTaxCode ?? '', s.percentage === null ? '' : String(s.percentage),
        norwegianAmount(s.baseDebit), norwegianAmount(s.baseCredit), norwegianAmount(s.taxDebit), norwegianAmount(s.taxCredit), norwegianAmount(s.taxCredit - s.taxDebit),
      ];
      pdf.heading('Grunnlag og MVA per termin og kode');
      table();
      for (const s of terms) pdf.row(line(s, s.term));
      pdf.heading('Sum for året per kode');
      table();
      for (const s of year) pdf.row(line(s, 'Sum'), true);
      pdf.heading('Avstemming mot MVA-kontoene (2700–2739)');
      pdf.table([
        { title: 'Termin', width: 12 },
        { title: 'Fra', width: 12 },
        { title: 'Til', width: 12 },
        { title: 'Beregnet MVA', width: 20, align: 'right' },
        { title: 'Bokført', width: 20, align: 'right' },
        { title: 'Differanse', width: 20, align: 'right' },
      ]);
      for (const [label, t] of reconciliation) pdf.row([label, t.from, t.to, norwegianAmount(t.computed), norwegianAmount(t.booked), norwegianAmount(t.booked - t.computed)]);
      pdf.row(['Sum', start, end, norwegianAmount(yearTotal.computed), norwegianAmount(yearTotal.booked), norwegianAmount(yearTotal.booked - yearTotal.computed)], true);
    }
  }
}

function addTo(map: Map<string, VatRow>, term: { label: string; from: string; to: string }, tax: SaftLineTax, percentage: number | null, debitLine: boolean): void {
  const key = `${term.label}\u0000${tax.taxCode}\u0000${percentage ?? ''}`;
  let s = map.get(key);
  if (!s) map.set(key, (s = { term: term.label, from: term.from, to: term.to, code: tax.taxCode, percentage, lines: 0, baseDebit: 0, baseCredit: 0, taxDebit: 0, taxCredit: 0 }));
  s.lines++;
  if (debitLine) s.baseDebit += tax.taxBase ?? 0;
  else s.baseCredit += tax.taxBase ?? 0;
  s.taxDebit += tax.debitTaxAmount ?? 0;
  s.taxCredit += tax.creditTaxAmount ?? 0;
}
