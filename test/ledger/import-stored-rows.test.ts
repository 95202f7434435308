import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { runInTransaction } from '../../src/db/unit-of-work';
import { LedgerService } from '../../src/ledger/ledger.service';
import { writeSyntheticSaftFile } from '../support/synthetic-books';
import { StatementCounter, startTestApp, TestApp } from '../support/test-app';
import { EXAMPLE_110, EXAMPLE_130, importSaft, LEDGER_TABLES, ledgerRowCounts, ledgerWorld } from './ledger-helpers';

/**
 * Every ledger table's rows, with generated ids replaced by the natural keys they stand for, in key order. The
 * expected checksums were taken once from what the multi-row INSERT import stored for the same files.
 */
const TABLE_ROWS: Record<string, string> = {
  ledger_accounts:
    'SELECT client_id, account_id, description, grouping_category, grouping_code, grouping_derived FROM ledger_accounts ORDER BY client_id, account_id',
  ledger_parties: 'SELECT client_id, kind, party_id, name, registration_number FROM ledger_parties ORDER BY client_id, kind, party_id',
  ledger_opening_balances:
    'SELECT client_id, as_of, kind, party_id, account_id, balance FROM ledger_opening_balances ORDER BY client_id, as_of, kind, party_id, account_id',
  ledger_tax_codes:
    'SELECT client_id, code, description, percentage, standard_tax_code, country, base_rates FROM ledger_tax_codes ORDER BY client_id, code',
  ledger_analysis_types:
    'SELECT client_id, analysis_type, type_description, analysis_id, id_description FROM ledger_analysis_types ORDER BY client_id, analysis_type, analysis_id',
  ledger_journals: 'SELECT client_id, journal_id, description, type FROM ledger_journals ORDER BY client_id, journal_id',
  ledger_transactions: `SELECT t.client_id, j.journal_id, t.transaction_id, t.period, t.period_year, t.transaction_date, t.source_id,
      t.voucher_type, t.voucher_description, t.description, t.system_entry_date, t.gl_posting_date
      FROM ledger_transactions t JOIN ledger_journals j ON j.id = t.journal_ref ORDER BY t.client_id, t.transaction_id`,
  ledger_lines: `SELECT t.client_id, t.transaction_id, l.line_no, l.record_id, l.account_id, l.customer_id, l.supplier_id, l.description,
      l.debit_amount, l.credit_amount, l.value_date, l.source_document_id, l.reference_number,
      CAST(l.tax_information AS CHAR) AS tax_information, CAST(l.analysis AS CHAR) AS analysis
      FROM ledger_lines l JOIN ledger_transactions t ON t.id = l.transaction_ref ORDER BY t.client_id, t.transaction_id, l.line_no`,
};

/** Vouchers are written in the order they are read: their ids ascend in file order, within each client. */
const VOUCHER_ORDER =
  'SELECT t.client_id, t.transaction_id FROM ledger_transactions t ORDER BY t.client_id, t.id';

async function tableChecksums(app: TestApp): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const [table, sql] of Object.entries({ ...TABLE_ROWS, voucher_order: VOUCHER_ORDER })) {
    const rows = await app.sql(sql);
    const hash = createHash('sha256');
    for (const row of rows) hash.update(`${JSON.stringify(Object.values(row).map((v) => (v === null ? null : String(v))))}\n`);
    sums[table] = `${rows.length}:${hash.digest('hex').slice(0, 16)}`;
  }
  return sums;
}

/**
 * The 1.30 example with texts that SQL and tab-separated data must escape, texts longer than their column (cut by
 * characters, not bytes) and characters outside the BMP.
 */
function awkwardExample(): string {
  let xml = fs.readFileSync(EXAMPLE_130, 'utf8');
  const replaceOnce = (from: string, to: string) => {
    if (!xml.includes(from)) throw new Error(`the example has no ${from}`);
    xml = xml.replace(from, to);
  };
  replaceOnce('<Description>Purchase of goods</Description>', '<Description>Tab\there, back\\slash, \\N, \\t, quote \' and " &amp; &lt;x&gt;&#13;CR and&#10;LF</Description>');
  replaceOnce('<Description>Transaction A1001</Description>', `<Description>${'Blåbærsyltetøy 🫐 '.repeat(20)}</Description>`);
  replaceOnce('<VoucherDescription>Purchase-invoice</VoucherDescription>', '<VoucherDescription>NULL</VoucherDescription>');
  replaceOnce('<ReferenceNumber>50841525</ReferenceNumber>', '<ReferenceNumber>\\</ReferenceNumber>');
  return xml;
}

describe('what an import stores', () => {
  let app: TestApp;
  let tmp: string;
  let synthetic: string;
  let awkward: string;
  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-stored-'));
    synthetic = path.join(tmp, 'synthetic.xml');
    await writeSyntheticSaftFile(synthetic, { seed: 3, organizationNumber: '922333444', companyName: 'Havbris AS', fiscalYearStartMonth: 7, fromDate: '2024-07-01', toDate: '2025-06-30', targetLines: 14_000 });
    awkward = path.join(tmp, 'awkward.xml');
    fs.writeFileSync(awkward, awkwardExample());
  });
  afterAll(async () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    await app.close();
  });

  /** `rows:checksum` per table, taken with the multi-row INSERT import. */
  const EXPECTED: Record<string, string> = {
    ledger_accounts: '25:ed744846abb8d8af',
    ledger_analysis_types: '7:8d24c8048aad16f7',
    ledger_journals: '6:b9021cf330ba4534',
    ledger_lines: '14015:984de2f344ac4380',
    ledger_opening_balances: '136:66e808775d784756',
    ledger_parties: '109:6a7cc9f2342cf846',
    ledger_tax_codes: '7:f7937a6be3b9e923',
    ledger_transactions: '5185:b90d2e9f91f26d7b',
    voucher_order: '5185:be4ba72ebd24d6a6',
  };

  it('stores every row of the files as the multi-row INSERTs did, and the same again when they are imported again', async () => {
    app.statements.reset();
    await importSaft(app, 'c-havbris', synthetic);
    // Loaded, not inserted: this server accepts LOAD DATA LOCAL INFILE.
    expect(app.statements.statements.filter((sql) => /INSERT INTO ledger_(lines|transactions)/.test(sql))).toEqual([]);
    await importSaft(app, 'c-example', EXAMPLE_110);
    await importSaft(app, 'c-example', awkward);
    const first = await tableChecksums(app);
    if (process.env.PRINT_LEDGER_CHECKSUMS) console.log(JSON.stringify(first, null, 2));
    expect(first).toEqual(EXPECTED);
    await importSaft(app, 'c-havbris', synthetic);
    await importSaft(app, 'c-example', EXAMPLE_110);
    await importSaft(app, 'c-example', awkward);
    expect(await tableChecksums(app)).toEqual(first);
  });

  it('when the server refuses LOAD DATA LOCAL INFILE, the vouchers are inserted and the same rows are stored', async () => {
    // A connection that does not offer LOCAL INFILE: the server refuses the load, as MySQL 8 does with local_infile off.
    const statements = new StatementCounter();
    const options = app.opened.runtime.dataSource.options as { url: string };
    // The product's own connection options, except that the client does not offer LOCAL INFILE.
    const refusing = new DataSource({ ...createDataSource({ databaseUrl: options.url, logger: statements }).options, flags: ['-LOCAL_FILES'] } as DataSourceOptions);
    await refusing.initialize();
    try {
      const refusal = await refusing.query("LOAD DATA LOCAL INFILE 'x.tsv' INTO TABLE ledger_journals").then(() => null, (error) => error);
      expect([1148, 3948, 4166]).toContain(refusal?.driverError?.errno);
      for (const table of [...LEDGER_TABLES].reverse()) await app.sql(`DELETE FROM ${table}`);
      const ledger = new LedgerService(refusing);
      for (const [clientId, file] of [['c-havbris', synthetic], ['c-example', EXAMPLE_110], ['c-example', awkward]]) {
        await runInTransaction(refusing, (uow) => ledger.importSaftFile(uow, clientId, file));
      }
      expect(statements.statements.filter((sql) => sql.startsWith('INSERT INTO ledger_lines')).length).toBeGreaterThan(2);
      expect(await tableChecksums(app)).toEqual(EXPECTED);
    } finally {
      await refusing.destroy();
    }
  });

  it('a value too long for its column refuses the file, and nothing of it is stored', async () => {
    // Identifiers are never cut: an INSERT fails on them, and so does a load (the server's warning is the reason).
    const before = await ledgerRowCounts(app);
    const text = fs.readFileSync(synthetic, 'utf8');
    const last = text.lastIndexOf('<RecordID>');
    const long = path.join(tmp, 'long-record-id.xml');
    fs.writeFileSync(long, text.slice(0, last) + text.slice(last).replace('<RecordID>', `<RecordID>${'9'.repeat(71)}`));
    await importSaft(app, 'c-havbris', long).then(
      () => { throw new Error('the file was not refused'); },
      (error: Error) => expect(error.message).toMatch(/record_id/),
    );
    expect(await ledgerRowCounts(app)).toEqual(before);
    expect(await tableChecksums(app)).toEqual(EXPECTED);
  });
});
