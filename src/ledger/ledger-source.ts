import type { QueryRunner } from 'typeorm';
import type { Logger } from '../common/logger';
import { queryBatches } from '../db/stream-rows';
import type {
  IsoDate,
  Ore,
  SaftAccount,
  SaftAnalysisTypeEntry,
  SaftBalanceAccount,
  SaftEntryTotals,
  SaftHeader,
  SaftJournal,
  SaftLine,
  SaftParty,
  SaftSource,
  SaftTaxCode,
  SaftTransaction,
} from '../saft';
import { LedgerPartyKind, OpeningBalanceKind } from './ledger.entities';

/** The dates one SAF-T file covers, both inclusive. */
export interface BooksSelection {
  clientId: string;
  start: IsoDate;
  end: IsoDate;
}

const NET = 'COALESCE(l.debit_amount, 0) - COALESCE(l.credit_amount, 0)';
/** Before any imported snapshot, the balance is the sum of all earlier lines. */
const BEGINNING = '1000-01-01';
const PARTIES_PER_PAGE = 1000;

/** SUM() of BIGINT comes back as a DECIMAL string; øre fit a JS number exactly. */
function ore(value: unknown): Ore {
  return value === null || value === undefined ? 0 : Number(value);
}

/** JSON columns: MySQL 8 returns them parsed, MariaDB (LONGTEXT) as text. */
function json<T>(value: unknown): T[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as T[];
}

/**
 * A SAF-T source over a client's books for one selection, read on `runner`, which the caller keeps in one
 * REPEATABLE READ transaction so that the balances, the control totals and the streamed vouchers agree.
 *
 * Balances at the selection start: the latest imported opening-balance snapshot not after the start, plus the lines
 * from the snapshot date up to the day before the start (with no snapshot: all earlier lines). Closing balances add
 * the selection's lines. Aggregates are computed by SQL first (memory grows with the chart and the parties, not with
 * the lines); the vouchers are then streamed from a cursor, journal by journal, in (date, id) order.
 */
export async function ledgerSaftSource(runner: QueryRunner, selection: BooksSelection, header: SaftHeader, logger?: Logger): Promise<SaftSource> {
  const { clientId, start, end } = selection;
  const [{ as_of: snapshot }] = await runner.query(
    'SELECT MAX(as_of) AS as_of FROM ledger_opening_balances WHERE client_id = ? AND as_of <= ?',
    [clientId, start],
  );
  const from: string = snapshot ?? BEGINNING;

  // Accounts: snapshot + lines before the start = opening; + lines in the selection = closing.
  const accountRows: Array<{ account_id: string; description: string; grouping_category: string; grouping_code: string; grouping_derived: number | string }> =
    await runner.query(
      'SELECT account_id, description, grouping_category, grouping_code, grouping_derived FROM ledger_accounts WHERE client_id = ? ORDER BY account_id',
      [clientId],
    );
  const opening = new Map<string, Ore>();
  const movement = new Map<string, Ore>();
  const add = (map: Map<string, Ore>, key: string, amount: Ore) => map.set(key, (map.get(key) ?? 0) + amount);
  const snapshotRows: Array<{ kind: OpeningBalanceKind; party_id: string; account_id: string; balance: string }> = snapshot
    ? await runner.query('SELECT kind, party_id, account_id, balance FROM ledger_opening_balances WHERE client_id = ? AND as_of = ?', [clientId, snapshot])
    : [];
  const partyOpening = new Map<string, Ore>();
  const partyMovement = new Map<string, Ore>();
  const partyKey = (kind: string, partyId: string, accountId: string) => `${kind}\u0000${partyId}\u0000${accountId}`;
  for (const row of snapshotRows) {
    if (row.kind === OpeningBalanceKind.ACCOUNT) add(opening, row.account_id, ore(row.balance));
    else add(partyOpening, partyKey(row.kind, row.party_id, row.account_id), ore(row.balance));
  }

  // One pass over the lines for every aggregate: per (party, account) group, which also gives the accounts' sums
  // (summed here over their groups) and the sub-ledgers' (the groups with a customer or supplier). The groups are
  // summed into maps, so their order does not matter: ORDER BY NULL spares MariaDB sorting them (a third of the time).
  const sums: Array<{
    customer_id: string | null;
    supplier_id: string | null;
    account_id: string;
    before_start: string;
    movement: string;
    debit: string;
    credit: string;
  }> = await runner.query(
    `SELECT l.customer_id, l.supplier_id, l.account_id,
            SUM(CASE WHEN t.transaction_date < ? THEN ${NET} ELSE 0 END) AS before_start,
            SUM(CASE WHEN t.transaction_date >= ? THEN ${NET} ELSE 0 END) AS movement,
            SUM(CASE WHEN t.transaction_date >= ? THEN COALESCE(l.debit_amount, 0) ELSE 0 END) AS debit,
            SUM(CASE WHEN t.transaction_date >= ? THEN COALESCE(l.credit_amount, 0) ELSE 0 END) AS credit
       FROM ledger_transactions t JOIN ledger_lines l ON l.transaction_ref = t.id
      WHERE t.client_id = ? AND t.transaction_date >= ? AND t.transaction_date <= ?
      GROUP BY l.customer_id, l.supplier_id, l.account_id ORDER BY NULL`,
    [start, start, start, start, clientId, from, end],
  );
  const entryTotals: SaftEntryTotals = { numberOfEntries: 0, totalDebit: 0, totalCredit: 0 };
  for (const row of sums) {
    const beforeStart = ore(row.before_start);
    const moved = ore(row.movement);
    add(opening, row.account_id, beforeStart);
    add(movement, row.account_id, moved);
    entryTotals.totalDebit += ore(row.debit);
    entryTotals.totalCredit += ore(row.credit);
    if (row.customer_id === null && row.supplier_id === null) continue;
    const key =
      row.customer_id !== null
        ? partyKey(OpeningBalanceKind.CUSTOMER, row.customer_id, row.account_id)
        : partyKey(OpeningBalanceKind.SUPPLIER, row.supplier_id!, row.account_id);
    add(partyOpening, key, beforeStart);
    add(partyMovement, key, moved);
  }
  const [{ n }] = await runner.query(
    'SELECT COUNT(*) AS n FROM ledger_transactions WHERE client_id = ? AND transaction_date >= ? AND transaction_date <= ?',
    [clientId, start, end],
  );
  entryTotals.numberOfEntries = Number(n);

  const accounts: SaftAccount[] = accountRows.map((a) => {
    const openingBalance = opening.get(a.account_id) ?? 0;
    return {
      accountId: a.account_id,
      description: a.description,
      groupingCategory: a.grouping_category,
      groupingCode: a.grouping_code,
      groupingDerived: Number(a.grouping_derived) === 1,
      openingBalance,
      closingBalance: openingBalance + (movement.get(a.account_id) ?? 0),
    };
  });

  const balancesByParty = partyBalances(partyOpening, partyMovement, accounts, logger, clientId);

  const taxCodes: SaftTaxCode[] = (
    await runner.query(
      'SELECT code, description, percentage, standard_tax_code, country, base_rates FROM ledger_tax_codes WHERE client_id = ? ORDER BY code',
      [clientId],
    )
  ).map((t: Record<string, string | null>) => ({
    code: t.code!,
    description: t.description ?? undefined,
    percentage: t.percentage === null ? undefined : Number(t.percentage),
    standardTaxCode: t.standard_tax_code!,
    country: t.country!,
    baseRates: t.base_rates!.split(',').filter((r) => r !== '').map(Number),
  }));
  const analysisTypes: SaftAnalysisTypeEntry[] = (
    await runner.query(
      'SELECT analysis_type, type_description, analysis_id, id_description FROM ledger_analysis_types WHERE client_id = ? ORDER BY analysis_type, analysis_id',
      [clientId],
    )
  ).map((a: Record<string, string>) => ({ type: a.analysis_type, typeDescription: a.type_description, id: a.analysis_id, idDescription: a.id_description }));
  const journalRows: Array<{ id: string; journal_id: string; description: string; type: string }> = await runner.query(
    `SELECT j.id, j.journal_id, j.description, j.type FROM ledger_journals j
      WHERE j.client_id = ? AND EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.journal_ref = j.id AND t.transaction_date >= ? AND t.transaction_date <= ?)
      ORDER BY j.journal_id`,
    [clientId, start, end],
  );
  const journalRefs = new Map(journalRows.map((j) => [j.journal_id, String(j.id)]));
  const journals: SaftJournal[] = journalRows.map((j) => ({ id: j.journal_id, description: j.description, type: j.type }));

  return {
    header,
    accounts,
    customers: parties(runner, clientId, LedgerPartyKind.CUSTOMER, balancesByParty),
    suppliers: parties(runner, clientId, LedgerPartyKind.SUPPLIER, balancesByParty),
    taxCodes,
    analysisTypes,
    journals,
    entryTotals,
    transactions: (journalId) => oneByOne(streamTransactions(runner, journalRefs.get(journalId)!, start, end)),
    transactionBatches: (journalId) => streamTransactions(runner, journalRefs.get(journalId)!, start, end),
    transactionIdsUnique: await transactionIdsUnique(runner, selection),
  };
}

/**
 * Whether no TransactionID occurs twice in the selection, asked of MySQL so the writer need not remember every id.
 * Compared as bytes, as the writer compares them (the column's collation would take `a1` and `A1` for one id); a
 * COUNT(DISTINCT) over the year's vouchers takes ~0.8 s for 370,000 of them, where a GROUP BY … HAVING took ~10 s.
 */
async function transactionIdsUnique(runner: QueryRunner, { clientId, start, end }: BooksSelection): Promise<boolean> {
  const [{ vouchers, ids }] = await runner.query(
    `SELECT COUNT(*) AS vouchers, COUNT(DISTINCT CAST(transaction_id AS BINARY)) AS ids FROM ledger_transactions
      WHERE client_id = ? AND transaction_date >= ? AND transaction_date <= ?`,
    [clientId, start, end],
  );
  return Number(vouchers) === Number(ids);
}

/**
 * Each party's balance per control account. A control account whose parties do not add up to its GL balance
 * (books where some lines on it carry no customer/supplier) is left out of every party's `BalanceAccount`s, with a
 * warning, rather than failing the archive: the GL balance itself is still in the file.
 */
function partyBalances(
  openingByKey: Map<string, Ore>,
  movementByKey: Map<string, Ore>,
  accounts: SaftAccount[],
  logger: Logger | undefined,
  clientId: string,
): Map<string, SaftBalanceAccount[]> {
  const chart = new Map(accounts.map((a) => [a.accountId, a]));
  const byParty = new Map<string, SaftBalanceAccount[]>();
  const sums = new Map<string, { opening: Ore; closing: Ore }>();
  const keys = [...new Set([...openingByKey.keys(), ...movementByKey.keys()])].sort();
  for (const key of keys) {
    const [kind, partyId, accountId] = key.split('\u0000');
    const openingBalance = openingByKey.get(key) ?? 0;
    const balance: SaftBalanceAccount = { openingBalance, closingBalance: openingBalance + (movementByKey.get(key) ?? 0) };
    if (accountId !== '') {
      balance.accountId = accountId;
      const sum = sums.get(accountId) ?? { opening: 0, closing: 0 };
      sum.opening += balance.openingBalance;
      sum.closing += balance.closingBalance;
      sums.set(accountId, sum);
    }
    const party = `${kind}\u0000${partyId}`;
    (byParty.get(party) ?? byParty.set(party, []).get(party)!).push(balance);
  }
  const dropped = new Set<string>();
  for (const [accountId, sum] of sums) {
    const account = chart.get(accountId);
    if (!account || account.openingBalance !== sum.opening || account.closingBalance !== sum.closing) dropped.add(accountId);
  }
  if (dropped.size > 0) {
    logger?.warn({ clientId, controlAccounts: [...dropped] }, 'sub-ledger balances do not add up to their control accounts; left out of the parties');
    for (const [party, balances] of byParty) {
      byParty.set(party, balances.filter((b) => b.accountId === undefined || !dropped.has(b.accountId)));
    }
  }
  return byParty;
}

/** The client's customers or suppliers, a page at a time by id. */
async function* parties(runner: QueryRunner, clientId: string, kind: LedgerPartyKind, balances: Map<string, SaftBalanceAccount[]>): AsyncIterable<SaftParty> {
  const balanceKind = kind === LedgerPartyKind.CUSTOMER ? OpeningBalanceKind.CUSTOMER : OpeningBalanceKind.SUPPLIER;
  let after: string | null = null;
  for (;;) {
    const rows: Array<{ party_id: string; name: string; registration_number: string | null }> = await runner.query(
      `SELECT party_id, name, registration_number FROM ledger_parties WHERE client_id = ? AND kind = ?${after === null ? '' : ' AND party_id > ?'} ORDER BY party_id LIMIT ${PARTIES_PER_PAGE}`,
      after === null ? [clientId, kind] : [clientId, kind, after],
    );
    for (const row of rows) {
      yield {
        id: row.party_id,
        name: row.name,
        ...(row.registration_number !== null ? { registrationNumber: row.registration_number } : {}),
        balanceAccounts: balances.get(`${balanceKind}\u0000${row.party_id}`) ?? [],
      };
    }
    if (rows.length < PARTIES_PER_PAGE) return;
    after = rows[rows.length - 1].party_id;
  }
}

interface VoucherLineRow {
  id: string;
  line_no: number;
  transaction_id: string;
  period: number;
  period_year: number;
  transaction_date: string;
  source_id: string | null;
  voucher_type: string | null;
  voucher_description: string | null;
  description: string;
  system_entry_date: string;
  gl_posting_date: string;
  record_id: string;
  account_id: string;
  customer_id: string | null;
  supplier_id: string | null;
  line_description: string;
  debit_amount: string | null;
  credit_amount: string | null;
  value_date: string | null;
  source_document_id: string | null;
  reference_number: string | null;
  tax_information: unknown;
  analysis: unknown;
}

/**
 * One journal's voucher lines in the selection, in (date, voucher, line) order: the vouchers are read along
 * `idx_ledger_transactions_journal_date` and each voucher's lines by the lines' primary key (voucher, line number),
 * so MariaDB streams them as it reads them. Ordering by `l.line_no` as well would make it copy every line of the
 * journal into a temporary table (on disk: the JSON columns are LONGTEXT) and sort it before sending the first row;
 * STRAIGHT_JOIN keeps the vouchers first, and the reader checks that each voucher's lines do come in line order.
 */
export const VOUCHER_LINES_SQL = `SELECT t.id, t.transaction_id, t.period, t.period_year, t.transaction_date, t.source_id, t.voucher_type, t.voucher_description,
            t.description, t.system_entry_date, t.gl_posting_date,
            l.line_no, l.record_id, l.account_id, l.customer_id, l.supplier_id, l.description AS line_description, l.debit_amount, l.credit_amount,
            l.value_date, l.source_document_id, l.reference_number, l.tax_information, l.analysis
       FROM ledger_transactions t STRAIGHT_JOIN ledger_lines l ON l.transaction_ref = t.id
      WHERE t.journal_ref = ? AND t.transaction_date >= ? AND t.transaction_date <= ?
      ORDER BY t.transaction_date, t.id`;

async function* oneByOne<T>(batches: AsyncIterable<T[]>): AsyncIterable<T> {
  for await (const batch of batches) yield* batch;
}

/**
 * One journal's vouchers in the selection, streamed row by row (one row per line) and grouped into vouchers, handed
 * on in batches: the vouchers complete in each batch of rows (the last one waits for the next batch, or the end).
 */
async function* streamTransactions(runner: QueryRunner, journalRef: string, start: IsoDate, end: IsoDate): AsyncIterable<SaftTransaction[]> {
  let current: { id: string; transaction: SaftTransaction } | undefined;
  let lineNo = -1;
  for await (const batch of queryBatches<VoucherLineRow>(runner, VOUCHER_LINES_SQL, [journalRef, start, end])) {
    const complete: SaftTransaction[] = [];
    for (const row of batch) {
      const id = String(row.id);
      if (current?.id !== id) {
        if (current) complete.push(current.transaction);
        current = { id, transaction: voucherOf(row) };
      } else if (row.line_no <= lineNo) {
        throw new Error(`the lines of voucher ${current.transaction.transactionId} came out of their order`);
      }
      lineNo = row.line_no;
      current.transaction.lines.push(lineOf(row));
    }
    if (complete.length > 0) yield complete;
  }
  if (current) yield [current.transaction];
}

function voucherOf(row: VoucherLineRow): SaftTransaction {
  const transaction: SaftTransaction = {
    transactionId: row.transaction_id,
    period: Number(row.period),
    periodYear: Number(row.period_year),
    transactionDate: row.transaction_date,
    description: row.description,
    systemEntryDate: row.system_entry_date,
    glPostingDate: row.gl_posting_date,
    lines: [],
  };
  if (row.source_id !== null) transaction.sourceId = row.source_id;
  if (row.voucher_type !== null) transaction.voucherType = row.voucher_type;
  if (row.voucher_description !== null) transaction.voucherDescription = row.voucher_description;
  return transaction;
}

function lineOf(row: VoucherLineRow): SaftLine {
  const line: SaftLine = {
    recordId: row.record_id,
    accountId: row.account_id,
    description: row.line_description,
    taxInformation: json(row.tax_information),
    analysis: json(row.analysis),
  };
  if (row.customer_id !== null) line.customerId = row.customer_id;
  if (row.supplier_id !== null) line.supplierId = row.supplier_id;
  if (row.debit_amount !== null) line.debitAmount = ore(row.debit_amount);
  if (row.credit_amount !== null) line.creditAmount = ore(row.credit_amount);
  if (row.value_date !== null) line.valueDate = row.value_date;
  if (row.source_document_id !== null) line.sourceDocumentId = row.source_document_id;
  if (row.reference_number !== null) line.referenceNumber = row.reference_number;
  return line;
}
