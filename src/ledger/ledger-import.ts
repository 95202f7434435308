import { Readable } from 'node:stream';
import { escape } from 'mysql2';
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

/**
 * Lines per multi-row INSERT: large enough to amortize round trips, small enough to keep memory flat (one batch being
 * built plus at most one being written; ~1.5 MB of SQL, far below max_allowed_packet).
 */
export const LINES_PER_BATCH = 5000;
/** Master-data rows (accounts, parties, balances…) per multi-row upsert. */
const MASTER_ROWS_PER_BATCH = 500;

/** Cuts free text to a column's length (in characters); identifiers are never cut. */
function cut(text: string, max: number): string {
  // A string of at most `max` UTF-16 units has at most `max` code points: nothing to cut (the usual case).
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length > max ? chars.slice(0, max).join('') : text;
}

function optionalCut(text: string | undefined, max: number): string | null {
  return text === undefined ? null : cut(text, max);
}

/** Characters a MySQL string literal must escape (as mysql2 escapes them). */
const SQL_SPECIAL = /[\0\b\t\n\r\x1a"'\\]/;

/** A value as an SQL literal, escaped as mysql2 escapes its parameters: the vouchers' INSERTs are built in one pass. */
function sqlValue(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return String(value);
  return SQL_SPECIAL.test(value) ? escape(value) : `'${value}'`;
}

/** Characters a field of `LOAD DATA`'s tab-separated text must escape (with `ESCAPED BY '\\'`). */
const TSV_SPECIAL = /[\0\t\n\r\\]/;
const TSV_SPECIALS = /[\0\t\n\r\\]/g;
const TSV_ESCAPES: Record<string, string> = { '\0': '\\0', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\' };

/** A value as a field of `LOAD DATA`'s tab-separated text: `\N` for NULL, special characters escaped. */
function tsvValue(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  return TSV_SPECIAL.test(value) ? value.replace(TSV_SPECIALS, (c) => TSV_ESCAPES[c]) : value;
}

/** How the vouchers' rows are sent: streamed to `LOAD DATA LOCAL INFILE`, or as multi-row INSERTs. */
type RowFormat = 'tsv' | 'sql';

/**
 * Errors with which a server refuses `LOAD DATA LOCAL INFILE`: ER_NOT_ALLOWED_COMMAND (older servers), MySQL 8's
 * ER_CLIENT_LOCAL_FILES_DISABLED (local_infile off) and MariaDB's ER_LOAD_INFILE_CAPABILITY_DISABLED (10.11: the
 * client did not offer it).
 */
const LOCAL_INFILE_REFUSED = new Set([1148, 3948, 4166]);

function isLocalInfileRefused(error: unknown): boolean {
  const e = error as { errno?: number; message?: string } | undefined;
  return (e?.errno !== undefined && LOCAL_INFILE_REFUSED.has(e.errno)) || /loading local data is disabled/i.test(e?.message ?? '');
}

/** What mysql2 answers a statement that returns no rows. */
interface ResultHeader {
  affectedRows: number;
  insertId: number;
  warningStatus: number;
}

/** The mysql2 connection under a TypeORM query runner (its callback API). */
interface RawConnection {
  query(options: { sql: string; infileStreamFactory?: () => Readable }, callback: (error: Error | null, result: unknown) => void): void;
}

/** Data sent to the server in pieces of at most this many bytes (one protocol packet each). */
const INFILE_PIECE_BYTES = 1024 * 1024;

function infileStream(data: Buffer): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += INFILE_PIECE_BYTES) pieces.push(data.subarray(at, at + INFILE_PIECE_BYTES));
  return Readable.from(pieces, { objectMode: false });
}

/**
 * `LOAD DATA LOCAL INFILE` of tab-separated rows on the transaction's own connection; returns the first row's
 * auto-increment id (a load's OK packet carries none: `LAST_INSERT_ID()` is asked in the same breath, so that no
 * other statement of the import can come in between on the connection). With LOCAL the server turns data errors (a
 * value too long for its column, a bad date) into warnings and carries on, where an INSERT fails: any warning, or a
 * row count other than the rows sent, fails the load here, with the server's first warning, so that the import is
 * refused as the INSERT would have refused it.
 */
async function loadRows(manager: EntityManager, table: string, columns: string[], text: string, rows: number): Promise<string> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('the ledger import runs in a transaction');
  const connection = (await runner.connect()) as RawConnection;
  const data = Buffer.from(text, 'utf8');
  const sql =
    `LOAD DATA LOCAL INFILE '${table}.tsv' INTO TABLE \`${table}\` CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${columns.map((c) => `\`${c}\``).join(', ')})`;
  const query = <T>(options: { sql: string; infileStreamFactory?: () => Readable }) =>
    new Promise<T>((resolve, reject) => connection.query(options, (error, result) => (error ? reject(error) : resolve(result as T))));
  // Both commands are queued on the connection now, one after the other.
  const loading = query<ResultHeader>({ sql, infileStreamFactory: () => infileStream(data) });
  const asking = query<Array<{ id: string | number }>>({ sql: 'SELECT LAST_INSERT_ID() AS id' });
  asking.catch(() => undefined);
  const result = await loading;
  const [{ id }] = await asking;
  if (result.warningStatus > 0 || result.affectedRows !== rows) {
    const warnings: Array<{ Level: string; Code: number; Message: string }> = await manager.query('SHOW WARNINGS LIMIT 1');
    const first = warnings[0];
    throw new Error(
      first
        ? `${table}: ${first.Message} (${first.Level} ${first.Code})`
        : `${table}: ${rows} rows sent, ${result.affectedRows} stored`,
    );
  }
  return String(id);
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

const INSERT_TRANSACTIONS = `INSERT INTO ledger_transactions (${TRANSACTION_COLUMNS.join(', ')}) VALUES `;
const INSERT_LINES = `INSERT INTO ledger_lines (${LINE_COLUMNS.join(', ')}) VALUES `;

/** Vouchers turned into rows (tab-separated text or SQL) as they are read, waiting to be written. */
interface VoucherBatch {
  /** One row per voucher: `v1\tv2…\n` (tsv) or `(v1,v2,…)` (sql). */
  transactionRows: string[];
  /**
   * Per voucher, its lines' values without the voucher reference, which is only known once the voucher is written:
   * `v1\t…\nREF\tv1\t…` (tsv) or `v1,…),(REF,v1,…` (sql). `REF`, a NUL character, stands for the reference; escaped
   * values never contain a NUL character.
   */
  lineRows: string[];
  lines: number;
}

const emptyBatch = (): VoucherBatch => ({ transactionRows: [], lineRows: [], lines: 0 });
const REF = '\u0000';
const LINE_SEPARATOR: Record<RowFormat, string> = { tsv: `\n${REF}\t`, sql: `),(${REF},` };

/**
 * Writes one SAF-T file's records into a client's books, in the caller's transaction. The file replaces the client's
 * vouchers dated inside its selection and its opening-balance snapshot at the selection start, so importing the same
 * file again changes nothing; master data is upserted by its SAF-T id. Vouchers are buffered and written
 * `LINES_PER_BATCH` lines at a time; one batch is written while the next is read (`finish` waits for it, and after a
 * failure `abandon` must be awaited before the caller's transaction is rolled back). Vouchers and lines are streamed
 * to `LOAD DATA LOCAL INFILE` as tab-separated text; when the server refuses it (MySQL 8's default `local_infile`
 * off), as multi-row INSERTs (`useInserts`).
 */
export class LedgerImportSink implements SaftSink {
  private readonly accounts: BatchedUpsert;
  private readonly parties: BatchedUpsert;
  private readonly balances: BatchedUpsert;
  private readonly taxCodes: BatchedUpsert;
  private readonly analysisTypes: BatchedUpsert;
  private readonly journalRefs = new Map<string, string>();
  private selectionStart = '';
  private pending: VoucherBatch = emptyBatch();
  /** The batch being written while the next is read: at most one, so memory stays flat. */
  private inFlight: Promise<void> | undefined;
  private abandoned = false;
  /** Decided by the header: `tsv` when the server accepts `LOAD DATA LOCAL INFILE` on this connection. */
  private format: RowFormat = 'sql';
  private value: (value: string | number | null | undefined) => string = sqlValue;

  constructor(
    private readonly manager: EntityManager,
    private readonly clientId: string,
    options: { useInserts?: boolean } = {},
  ) {
    this.useInserts = options.useInserts ?? false;
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

  /** Write the vouchers with multi-row INSERTs even when the server would accept `LOAD DATA LOCAL INFILE`. */
  private readonly useInserts: boolean;

  /** Whether the server takes `LOAD DATA LOCAL INFILE` here: an empty load, refused or not. */
  private async chooseFormat(): Promise<void> {
    this.format = 'sql';
    this.value = sqlValue;
    if (this.useInserts) return;
    try {
      await loadRows(this.manager, 'ledger_lines', LINE_COLUMNS, '', 0);
    } catch (error) {
      if (isLocalInfileRefused(error)) return;
      throw error;
    }
    this.format = 'tsv';
    this.value = tsvValue;
  }

  async header(header: SaftHeader): Promise<void> {
    const { selectionStartDate: start, selectionEndDate: end } = header;
    this.selectionStart = start;
    await this.chooseFormat();
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
    const t = transaction;
    const batch = this.pending;
    const value = this.value;
    const tsv = this.format === 'tsv';
    const separator = tsv ? '\t' : ',';
    // Each row is joined into a flat string at once: texts cut out of the parsed XML can be slices that keep a whole
    // 64 KiB input chunk alive, and a batch held in pieces would hold on to all of its chunks.
    const transactionRow = [
      value(this.clientId),
      this.journalRefs.get(journalId)!,
      value(t.transactionId),
      t.period,
      t.periodYear,
      value(t.transactionDate),
      value(optionalCut(t.sourceId, 35)),
      value(optionalCut(t.voucherType, 70)),
      value(optionalCut(t.voucherDescription, 70)),
      value(cut(t.description, 256)),
      value(t.systemEntryDate),
      value(t.glPostingDate),
    ].join(separator);
    batch.transactionRows.push(tsv ? `${transactionRow}\n` : `(${transactionRow})`);
    const lines = t.lines;
    const rows: string[] = [];
    for (let lineNo = 0; lineNo < lines.length; lineNo++) {
      const line = lines[lineNo];
      rows.push(
        [
          lineNo,
          value(line.recordId),
          value(line.accountId),
          value(line.customerId),
          value(line.supplierId),
          value(cut(line.description, 256)),
          value(line.debitAmount),
          value(line.creditAmount),
          value(line.valueDate),
          value(optionalCut(line.sourceDocumentId, 35)),
          value(optionalCut(line.referenceNumber, 35)),
          line.taxInformation.length ? value(JSON.stringify(line.taxInformation)) : value(null),
          line.analysis.length ? value(JSON.stringify(line.analysis)) : value(null),
        ].join(separator),
      );
    }
    batch.lineRows.push(rows.join(LINE_SEPARATOR[this.format]));
    batch.lines += lines.length;
    if (batch.lines >= LINES_PER_BATCH) await this.flushTransactions();
  }

  /** Writes what is still buffered; called once the whole file has been read. */
  async finish(): Promise<void> {
    await this.flushMasterData();
    await this.flushTransactions();
    await this.settle();
  }

  /**
   * After a failure: waits for the batch being written (ignoring its outcome) and writes nothing more, so that no
   * statement of this import runs after the caller's rollback.
   */
  async abandon(): Promise<void> {
    this.abandoned = true;
    this.pending = emptyBatch();
    await this.inFlight?.catch(() => undefined);
    this.inFlight = undefined;
  }

  private async flushMasterData(): Promise<void> {
    await this.accounts.flush();
    await this.parties.flush();
    await this.balances.flush();
    await this.taxCodes.flush();
    await this.analysisTypes.flush();
  }

  /** Waits for the batch being written; rethrows its failure. */
  private async settle(): Promise<void> {
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    await inFlight;
  }

  /** Starts writing the buffered vouchers once the previous batch is written, without waiting for this one. */
  private async flushTransactions(): Promise<void> {
    const batch = this.pending;
    if (batch.transactionRows.length === 0) return;
    this.pending = emptyBatch();
    await this.settle();
    const writing = this.writeBatch(batch);
    // Awaited by the next flush, `finish` or `abandon`; until then a failure must not count as unhandled.
    writing.catch(() => undefined);
    this.inFlight = writing;
  }

  private async writeBatch(batch: VoucherBatch): Promise<void> {
    const count = batch.transactionRows.length;
    const tsv = this.format === 'tsv';
    let firstId: string;
    if (tsv) {
      firstId = await loadRows(this.manager, 'ledger_transactions', TRANSACTION_COLUMNS, batch.transactionRows.join(''), count);
    } else {
      const inserted: ResultHeader = await this.manager.query(INSERT_TRANSACTIONS + batch.transactionRows.join(','));
      firstId = String(inserted.insertId);
    }
    if (this.abandoned) return;
    // Auto-increment ids of one multi-row INSERT (or load) ascend in row order, but need not be consecutive (MySQL 8's
    // interleaved lock mode): read them back. The client row is locked, so no other import adds vouchers for it.
    const ids: Array<{ id: string }> = await this.manager.query(
      'SELECT id FROM ledger_transactions WHERE client_id = ? AND id >= ? ORDER BY id LIMIT ?',
      [this.clientId, firstId, count],
    );
    if (ids.length === 0 || ids[0].id !== firstId) throw new Error(`expected voucher ids from ${firstId}, read ${ids[0]?.id ?? 'none'}`);
    if (ids.length !== count) throw new Error(`expected ${count} voucher ids, read ${ids.length}`);
    if (this.abandoned) return;
    const rows: string[] = [];
    for (let index = 0; index < count; index++) {
      const ref = String(ids[index].id);
      const lines = batch.lineRows[index].replaceAll(REF, ref);
      rows.push(tsv ? `${ref}\t${lines}\n` : `(${ref},${lines})`);
    }
    if (tsv) await loadRows(this.manager, 'ledger_lines', LINE_COLUMNS, rows.join(''), batch.lines);
    else await this.manager.query(INSERT_LINES + rows.join(','));
  }
}
