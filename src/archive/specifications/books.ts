import type { QueryRunner } from 'typeorm';
import type { BooksSelection } from '../../ledger/ledger-source';
import { LedgerPartyKind, OpeningBalanceKind } from '../../ledger/ledger.entities';
import type { Ore } from '../../saft';

/** Before any imported snapshot, the balance is the sum of all earlier lines (as in the SAF-T file). */
const BEGINNING = '1000-01-01';
const NET = 'COALESCE(l.debit_amount, 0) - COALESCE(l.credit_amount, 0)';

/** A balance over the selection: opening at its start, and the debit and credit movement inside it. */
export interface Movement {
  opening: Ore;
  debit: Ore;
  credit: Ore;
}

export function closingOf(m: Movement): Ore {
  return m.opening + m.debit - m.credit;
}

/** An account, customer or supplier with its name and its movement over the selection. */
export interface SpecifiedItem extends Movement {
  id: string;
  name: string;
}

export interface SpecifiedAccount extends SpecifiedItem {
  groupingCategory: string;
  groupingCode: string;
}

export interface TaxCodeInfo {
  standardTaxCode: string;
  description: string;
  percentage: number | null;
}

/** What the specifications need besides the lines: sizes grow with the chart and the parties, not with the lines. */
export interface SpecificationBooks {
  selection: BooksSelection;
  /** In key order (`byKey`), the order the line cursors use too. */
  accounts: SpecifiedAccount[];
  customers: SpecifiedItem[];
  suppliers: SpecifiedItem[];
  taxCodes: Map<string, TaxCodeInfo>;
  /** Journal ids (`ledger_journals.journal_id`) by row id (`ledger_transactions.journal_ref`). */
  journals: Map<string, string>;
  /** The accounts customers' and suppliers' lines and imported balances are on (kundefordringer, leverandørgjeld). */
  controlAccounts: { customer: Set<string>; supplier: Set<string> };
  /** The imported balance snapshot the opening balances start from (null: from the first line). */
  snapshot: string | null;
}

/**
 * Byte order of the UTF-8 text — the order of `ORDER BY CAST(x AS BINARY)` — so the chart walked in JS and the
 * lines sorted by SQL meet in the same order whatever the column's collation.
 */
export function byKey(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** SUM() of BIGINT comes back as a DECIMAL string; øre fit a JS number exactly. */
export function ore(value: unknown): Ore {
  return value === null || value === undefined ? 0 : Number(value);
}

function movementOf(map: Map<string, Movement>, key: string): Movement {
  let m = map.get(key);
  if (!m) map.set(key, (m = { opening: 0, debit: 0, credit: 0 }));
  return m;
}

/** What a line adds to the movements: its account, its parties and its amounts. */
export interface MovementLine {
  account_id: string;
  customer_id: string | null;
  supplier_id: string | null;
  debit_amount: string | null;
  credit_amount: string | null;
}

/**
 * The books as far as they are known before the selection's lines are read: balances at the selection start, the
 * chart, the parties, the tax codes and the journals. The first pass over the lines (the journal's, in voucher order)
 * adds each line's movement with `addLine`; `finish` then gives the specifications' books for the passes after it.
 * Summing in that pass spares MariaDB an aggregate over every line of the year.
 */
export interface OpeningBooks extends Pick<SpecificationBooks, 'selection' | 'taxCodes' | 'journals' | 'controlAccounts' | 'snapshot'> {
  addLine(line: MovementLine): void;
  finish(): SpecificationBooks;
}

/**
 * Balances at the selection start by the books' rule (ledger README, "Balances"): the latest imported opening-balance
 * snapshot not after the start, plus the lines from the snapshot up to the day before the start; with no snapshot, all
 * earlier lines. The same rule the SAF-T file's balances follow, so the trial balance closes where the file does. Read
 * on `runner`, inside the caller's REPEATABLE READ snapshot, which the pass adding the lines must share.
 */
export async function readOpeningBooks(runner: QueryRunner, selection: BooksSelection): Promise<OpeningBooks> {
  const { clientId, start } = selection;
  const [{ as_of: snapshot }] = await runner.query('SELECT MAX(as_of) AS as_of FROM ledger_opening_balances WHERE client_id = ? AND as_of <= ?', [
    clientId,
    start,
  ]);
  const from: string = snapshot ?? BEGINNING;

  const accounts = new Map<string, Movement>();
  const customers = new Map<string, Movement>();
  const suppliers = new Map<string, Movement>();
  const controlAccounts = { customer: new Set<string>(), supplier: new Set<string>() };
  if (snapshot) {
    const rows: Array<{ kind: OpeningBalanceKind; party_id: string; account_id: string; balance: string }> = await runner.query(
      'SELECT kind, party_id, account_id, balance FROM ledger_opening_balances WHERE client_id = ? AND as_of = ?',
      [clientId, snapshot],
    );
    for (const row of rows) {
      if (row.kind === OpeningBalanceKind.CUSTOMER && row.account_id !== '') controlAccounts.customer.add(row.account_id);
      if (row.kind === OpeningBalanceKind.SUPPLIER && row.account_id !== '') controlAccounts.supplier.add(row.account_id);
      const map = row.kind === OpeningBalanceKind.ACCOUNT ? accounts : row.kind === OpeningBalanceKind.CUSTOMER ? customers : suppliers;
      movementOf(map, row.kind === OpeningBalanceKind.ACCOUNT ? row.account_id : row.party_id).opening += ore(row.balance);
    }
  }

  // The lines between the snapshot and the selection start (none when the snapshot is at the start), grouped by
  // (account, customer, supplier): a few rows per account and party, not per line.
  const before: Array<{ account_id: string; customer_id: string | null; supplier_id: string | null; net: string }> = await runner.query(
    `SELECT l.account_id, l.customer_id, l.supplier_id, SUM(${NET}) AS net
       FROM ledger_transactions t JOIN ledger_lines l ON l.transaction_ref = t.id
      WHERE t.client_id = ? AND t.transaction_date >= ? AND t.transaction_date < ?
      GROUP BY l.account_id, l.customer_id, l.supplier_id`,
    [clientId, from, start],
  );
  for (const row of before) {
    const net = ore(row.net);
    movementOf(accounts, row.account_id).opening += net;
    if (row.customer_id !== null) {
      movementOf(customers, row.customer_id).opening += net;
      controlAccounts.customer.add(row.account_id);
    }
    if (row.supplier_id !== null) {
      movementOf(suppliers, row.supplier_id).opening += net;
      controlAccounts.supplier.add(row.account_id);
    }
  }

  // Every account of the chart and every party of the master data is listed, with or without lines.
  const chart: Array<{ account_id: string; description: string; grouping_category: string; grouping_code: string }> = await runner.query(
    'SELECT account_id, description, grouping_category, grouping_code FROM ledger_accounts WHERE client_id = ?',
    [clientId],
  );
  const chartById = new Map(chart.map((a) => [a.account_id, a]));
  for (const a of chart) movementOf(accounts, a.account_id);
  const partyNames = { [LedgerPartyKind.CUSTOMER]: new Map<string, string>(), [LedgerPartyKind.SUPPLIER]: new Map<string, string>() };
  const partyRows: Array<{ kind: LedgerPartyKind; party_id: string; name: string }> = await runner.query(
    'SELECT kind, party_id, name FROM ledger_parties WHERE client_id = ?',
    [clientId],
  );
  for (const p of partyRows) {
    partyNames[p.kind]?.set(p.party_id, p.name);
    movementOf(p.kind === LedgerPartyKind.CUSTOMER ? customers : suppliers, p.party_id);
  }

  const taxCodes = new Map<string, TaxCodeInfo>();
  const taxRows: Array<{ code: string; description: string | null; percentage: string | null; standard_tax_code: string }> = await runner.query(
    'SELECT code, description, percentage, standard_tax_code FROM ledger_tax_codes WHERE client_id = ?',
    [clientId],
  );
  for (const t of taxRows) {
    taxCodes.set(t.code, { standardTaxCode: t.standard_tax_code, description: t.description ?? '', percentage: t.percentage === null ? null : Number(t.percentage) });
  }

  const journalRows: Array<{ id: string; journal_id: string }> = await runner.query('SELECT id, journal_id FROM ledger_journals WHERE client_id = ?', [clientId]);
  const journals = new Map(journalRows.map((j) => [String(j.id), j.journal_id]));

  const listOf = (map: Map<string, Movement>, names: Map<string, string>): SpecifiedItem[] =>
    [...map.keys()].sort(byKey).map((id) => ({ id, name: names.get(id) ?? '', ...map.get(id)! }));
  const add = (m: Movement, debit: Ore, credit: Ore) => {
    m.debit += debit;
    m.credit += credit;
  };
  let finished = false;

  return {
    selection,
    taxCodes,
    journals,
    controlAccounts,
    snapshot: snapshot ?? null,
    addLine(line) {
      if (finished) throw new Error('the books are finished: no more lines');
      const debit = ore(line.debit_amount);
      const credit = ore(line.credit_amount);
      add(movementOf(accounts, line.account_id), debit, credit);
      if (line.customer_id !== null) {
        add(movementOf(customers, line.customer_id), debit, credit);
        controlAccounts.customer.add(line.account_id);
      }
      if (line.supplier_id !== null) {
        add(movementOf(suppliers, line.supplier_id), debit, credit);
        controlAccounts.supplier.add(line.account_id);
      }
    },
    finish() {
      finished = true;
      return {
        selection,
        journals,
        taxCodes,
        controlAccounts,
        snapshot: snapshot ?? null,
        accounts: listOf(accounts, new Map(chart.map((a) => [a.account_id, a.description]))).map((a) => ({
          ...a,
          groupingCategory: chartById.get(a.id)?.grouping_category ?? '',
          groupingCode: chartById.get(a.id)?.grouping_code ?? '',
        })),
        customers: listOf(customers, partyNames[LedgerPartyKind.CUSTOMER]),
        suppliers: listOf(suppliers, partyNames[LedgerPartyKind.SUPPLIER]),
      };
    },
  };
}

/** JSON columns: MySQL 8 returns them parsed, MariaDB (LONGTEXT) as text. */
export function jsonList<T>(value: unknown): T[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as T[];
}
