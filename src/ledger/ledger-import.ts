import type { EntityManager } from 'typeorm';
import type {
  SaftAccount,
  SaftAnalysisTypeEntry,
  SaftHeader,
  SaftJournal,
  SaftParty,
  SaftSink,
  SaftTaxCode,
  SaftTransaction,
} from '../saft';
import { LedgerPartyKind, OpeningBalanceKind } from './ledger.entities';

/** Lines per multi-row INSERT: large enough to amortize round trips, small enough to keep memory flat. */
export const LINES_PER_BATCH = 1000;
/** Master-data rows (accounts, parties, balances…) per multi-row upsert. */
const MASTER_ROWS_PER_BATCH = 500;

/** Cuts free text to a column's length (in characters); identifiers are never cut. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? chars.slice(0, max).join('') : text;
}

function optionalCut(text: string | undefined, max: number): string | null {
  return text === undefined ? null : cut(text, max);
}

/** A buffered multi-row `INSERT … ON DUPLICATE KEY UPDATE`. */
class BatchedUpsert {
  private rows: unknown[][] = [];
  private readonly head: string;
  private readonly tail: string;
  private readonly placeholders: string;

  constructor(
    private readonly manager: EntityManager,
    table: string,
    columns: string[],
    updateColumns: string[],
  ) {
    this.head = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES `;
    this.tail = updateColumns.length
      ? ` ON DUPLICATE KEY UPDATE ${updateColumns.map((c) => `\`${c}\` = VALUES(\`${c}\`)`).join(', ')}`
      : '';
    this.placeholders = `(${columns.map(() => '?').join(', ')})`;
  }

  async add(row: unknown[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= MASTER_ROWS_PER_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    await this.manager.query(this.head + rows.map(() => this.placeholders).join(', ') + this.tail, rows.flat());
  }
}

const TRANSACTION_COLUMNS = [
  'client_id',
  'journal_ref',
  'transaction_id',
  'period',
  'period_year',
  'transaction_date',
  'source_id',
  'voucher_type',
  'voucher_description',
  'description',
  'system_entry_date',
  'gl_posting_date',
];
const LINE_COLUMNS = [
  'transaction_ref',
  'line_no',
  'record_id',
  'account_id',
  'customer_id',
  'supplier_id',
  'description',
  'debit_amount',
  'credit_amount',
  'value_date',
  'source_document_id',
  'reference_number',
  'tax_information',
  'analysis',
];

function placeholderRows(count: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: count }, () => row).join(', ');
}

/**
 * Writes one SAF-T file's records into a client's books, in the caller's transaction. The file replaces the client's
 * vouchers dated inside its selection and its opening-balance snapshot at the selection start, so importing the same
 * file again changes nothing; master data is upserted by its SAF-T id. Vouchers are buffered and written
 * `LINES_PER_BATCH` lines at a time.
 */
export class LedgerImportSink implements SaftSink {
  private readonly accounts: BatchedUpsert;
  private readonly parties: BatchedUpsert;
  private readonly balances: BatchedUpsert;
  private readonly taxCodes: BatchedUpsert;
  private readonly analysisTypes: BatchedUpsert;
  private readonly journalRefs = new Map<string, string>();
  private selectionStart = '';
  private pending: Array<{ transaction: SaftTransaction; journalRef: string }> = [];
  private pendingLines = 0;

  constructor(
    private readonly manager: EntityManager,
    private readonly clientId: string,
  ) {
    this.accounts = new BatchedUpsert(
      manager,
      'ledger_accounts',
      ['client_id', 'account_id', 'description', 'grouping_category', 'grouping_code', 'grouping_derived'],
      ['description', 'grouping_category', 'grouping_code', 'grouping_derived'],
    );
    this.parties = new BatchedUpsert(manager, 'ledger_parties', ['client_id', 'kind', 'party_id', 'name', 'registration_number'], ['name', 'registration_number']);
    this.balances = new BatchedUpsert(manager, 'ledger_opening_balances', ['client_id', 'as_of', 'kind', 'party_id', 'account_id', 'balance'], ['balance']);
    this.taxCodes = new BatchedUpsert(
      manager,
      'ledger_tax_codes',
      ['client_id', 'code', 'description', 'percentage', 'standard_tax_code', 'country', 'base_rates'],
      ['description', 'percentage', 'standard_tax_code', 'country', 'base_rates'],
    );
    this.analysisTypes = new BatchedUpsert(
      manager,
      'ledger_analysis_types',
      ['client_id', 'analysis_type', 'type_description', 'analysis_id', 'id_description'],
      ['type_description', 'id_description'],
    );
  }

  async header(header: SaftHeader): Promise<void> {
    const { selectionStartDate: start, selectionEndDate: end } = header;
    this.selectionStart = start;
    const params = [this.clientId, start, end];
    await this.manager.query(
      'DELETE l FROM ledger_lines l JOIN ledger_transactions t ON t.id = l.transaction_ref WHERE t.client_id = ? AND t.transaction_date BETWEEN ? AND ?',
      params,
    );
    await this.manager.query('DELETE FROM ledger_transactions WHERE client_id = ? AND transaction_date BETWEEN ? AND ?', params);
    await this.manager.query('DELETE FROM ledger_opening_balances WHERE client_id = ? AND as_of = ?', [this.clientId, start]);
  }

  async account(account: SaftAccount): Promise<void> {
    await this.accounts.add([
      this.clientId,
      account.accountId,
      cut(account.description, 256),
      cut(account.groupingCategory, 256),
      cut(account.groupingCode, 35),
      account.groupingDerived ? 1 : 0,
    ]);
    await this.balances.add([this.clientId, this.selectionStart, OpeningBalanceKind.ACCOUNT, '', account.accountId, account.openingBalance]);
  }

  async customer(customer: SaftParty): Promise<void> {
    await this.party(customer, LedgerPartyKind.CUSTOMER, OpeningBalanceKind.CUSTOMER);
  }

  async supplier(supplier: SaftParty): Promise<void> {
    await this.party(supplier, LedgerPartyKind.SUPPLIER, OpeningBalanceKind.SUPPLIER);
  }

  private async party(party: SaftParty, kind: LedgerPartyKind, balanceKind: OpeningBalanceKind): Promise<void> {
    await this.parties.add([this.clientId, kind, party.id, cut(party.name, 256), optionalCut(party.registrationNumber, 35)]);
    for (const balance of party.balanceAccounts) {
      await this.balances.add([this.clientId, this.selectionStart, balanceKind, party.id, balance.accountId ?? '', balance.openingBalance]);
    }
  }

  async taxCode(taxCode: SaftTaxCode): Promise<void> {
    await this.taxCodes.add([
      this.clientId,
      taxCode.code,
      optionalCut(taxCode.description, 256),
      taxCode.percentage ?? null,
      taxCode.standardTaxCode,
      taxCode.country,
      taxCode.baseRates.join(','),
    ]);
  }

  async analysisType(entry: SaftAnalysisTypeEntry): Promise<void> {
    await this.analysisTypes.add([this.clientId, entry.type, cut(entry.typeDescription, 256), entry.id, cut(entry.idDescription, 256)]);
  }

  async journal(journal: SaftJournal): Promise<void> {
    // Master data is complete once the first journal comes: write it before the vouchers.
    await this.flushMasterData();
    await this.manager.query(
      'INSERT INTO ledger_journals (client_id, journal_id, description, type) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE description = VALUES(description), type = VALUES(type)',
      [this.clientId, journal.id, cut(journal.description, 256), journal.type],
    );
    const [row] = await this.manager.query('SELECT id FROM ledger_journals WHERE client_id = ? AND journal_id = ?', [this.clientId, journal.id]);
    this.journalRefs.set(journal.id, String(row.id));
  }

  async transaction(transaction: SaftTransaction, journalId: string): Promise<void> {
    this.pending.push({ transaction, journalRef: this.journalRefs.get(journalId)! });
    this.pendingLines += transaction.lines.length;
    if (this.pendingLines >= LINES_PER_BATCH) await this.flushTransactions();
  }

  /** Writes what is still buffered; called once the whole file has been read. */
  async finish(): Promise<void> {
    await this.flushMasterData();
    await this.flushTransactions();
  }

  private async flushMasterData(): Promise<void> {
    await this.accounts.flush();
    await this.parties.flush();
    await this.balances.flush();
    await this.taxCodes.flush();
    await this.analysisTypes.flush();
  }

  private async flushTransactions(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingLines = 0;
    const values: unknown[] = [];
    for (const { transaction: t, journalRef } of batch) {
      values.push(
        this.clientId,
        journalRef,
        t.transactionId,
        t.period,
        t.periodYear,
        t.transactionDate,
        optionalCut(t.sourceId, 35),
        optionalCut(t.voucherType, 70),
        optionalCut(t.voucherDescription, 70),
        cut(t.description, 256),
        t.systemEntryDate,
        t.glPostingDate,
      );
    }
    const inserted = await this.manager.query(
      `INSERT INTO ledger_transactions (${TRANSACTION_COLUMNS.join(', ')}) VALUES ${placeholderRows(batch.length, TRANSACTION_COLUMNS.length)}`,
      values,
    );
    // Auto-increment ids of one multi-row INSERT ascend in row order, but need not be consecutive (MySQL 8's
    // interleaved lock mode): read them back. The client row is locked, so no other import adds vouchers for it.
    const ids: Array<{ id: string }> = await this.manager.query(
      'SELECT id FROM ledger_transactions WHERE client_id = ? AND id >= ? ORDER BY id LIMIT ?',
      [this.clientId, String(inserted.insertId), batch.length],
    );
    if (ids.length !== batch.length) throw new Error(`expected ${batch.length} voucher ids, read ${ids.length}`);

    let lineValues: unknown[] = [];
    let lineCount = 0;
    const flushLines = async () => {
      if (lineCount === 0) return;
      await this.manager.query(
        `INSERT INTO ledger_lines (${LINE_COLUMNS.join(', ')}) VALUES ${placeholderRows(lineCount, LINE_COLUMNS.length)}`,
        lineValues,
      );
      lineValues = [];
      lineCount = 0;
    };
    for (const [index, { transaction }] of batch.entries()) {
      const ref = String(ids[index].id);
      for (const [lineNo, line] of transaction.lines.entries()) {
        lineValues.push(
          ref,
          lineNo,
          line.recordId,
          line.accountId,
          line.customerId ?? null,
          line.supplierId ?? null,
          cut(line.description, 256),
          line.debitAmount ?? null,
          line.creditAmount ?? null,
          line.valueDate ?? null,
          optionalCut(line.sourceDocumentId, 35),
          optionalCut(line.referenceNumber, 35),
          line.taxInformation.length ? JSON.stringify(line.taxInformation) : null,
          line.analysis.length ? JSON.stringify(line.analysis) : null,
        );
        if (++lineCount >= LINES_PER_BATCH) await flushLines();
      }
    }
    await flushLines();
  }
}
