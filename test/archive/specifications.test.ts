import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { ArchiveDocumentKind, type ArchiveDocument } from '../../src/archive/archive-document.entity';
import { parseAmount, type Ore, type SaftLineTax } from '../../src/saft';
import { writeSyntheticSaftFile } from '../support/synthetic-books';
import { toGlobalId } from '../../src/common/global-id';
import { readFileIntoMemory, type BooksInMemory } from '../saft/books-in-memory';
import { startTestApp, TestApp } from '../support/test-app';
import { archivePath, documentsOf, saftDocumentsOf, endRelationship, EXAMPLE_130, importSaft, ledgerWorld, readArchived } from '../ledger/ledger-helpers';

const SPECIFICATION_KINDS = [
  ArchiveDocumentKind.JOURNAL,
  ArchiveDocumentKind.GENERAL_LEDGER,
  ArchiveDocumentKind.CUSTOMER_SPECIFICATION,
  ArchiveDocumentKind.SUPPLIER_SPECIFICATION,
  ArchiveDocumentKind.TRIAL_BALANCE,
  ArchiveDocumentKind.VAT_SPECIFICATION,
];

/** RFC 4180 with `;`: quoted cells may hold `;`, `"` (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      (row = []), (cell = ''), i++;
    } else cell += c;
  }
  expect(row).toEqual([]);
  expect(cell).toBe('');
  return rows;
}

type Row = Record<string, string>;

/** An archived CSV's rows as objects by the header's names (the header row is checked to come first, after the BOM). */
function csvRows(app: TestApp, document: ArchiveDocument): Row[] {
  const bytes = readArchived(app, document);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
  for (const row of rows) expect(row).toHaveLength(header.length);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

describe('the specifications next to each SAF-T file (S3)', () => {
  let app: TestApp;
  let relationshipId: string;
  let saft: BooksInMemory;
  const docs = async () => documentsOf(app, relationshipId);
  const documentOf = async (kind: ArchiveDocumentKind, fiscalYear: number) => (await docs()).find((d) => d.kind === kind && d.fiscalYear === fiscalYear)!;
  const rowsOf = async (kind: ArchiveDocumentKind, fiscalYear: number): Promise<Row[]> => csvRows(app, await documentOf(kind, fiscalYear));
  const sumBy = <T>(items: T[], key: (t: T) => string, value: (t: T) => Ore) => {
    const sums = new Map<string, Ore>();
    for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + value(item));
    return sums;
  };
  const saftLines = () => saft.transactions.flatMap(({ journalId, transaction }) => transaction.lines.map((line) => ({ journalId, transaction, line })));

  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
    await importSaft(app, 'c-example', EXAMPLE_130);
    // 2024 has no entries; 2025 is the example's year.
    relationshipId = await endRelationship(app, 'c-example', '2024-01', '2025-12', '2026-02-01');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    saft = (await readFileIntoMemory(archivePath(app, await documentOf(ArchiveDocumentKind.SAFT_FINANCIAL, 2025)))).books;
  });
  afterAll(async () => {
    fs.rmSync(path.resolve(app.opened.runtime.config.archiveDir), { recursive: true, force: true });
    await app.close();
  });

  it('every specification exists once per fiscal year, as CSV in the SAF-T file\'s folder, recorded with size and SHA-256', async () => {
    const documents = await docs();
    for (const fiscalYear of [2024, 2025]) {
      const ofYear = documents.filter((d) => d.fiscalYear === fiscalYear);
      expect(ofYear.map((d) => d.kind).sort()).toEqual([ArchiveDocumentKind.SAFT_FINANCIAL, ...SPECIFICATION_KINDS].sort());
      const saftDocument = ofYear.find((d) => d.kind === ArchiveDocumentKind.SAFT_FINANCIAL)!;
      for (const document of ofYear.filter((d) => d.kind !== ArchiveDocumentKind.SAFT_FINANCIAL)) {
        expect(document.contentType).toBe('text/csv; charset=utf-8');
        expect(document.fileName).toMatch(new RegExp(`^[A-Za-z-]+_999999999_${fiscalYear}\\.csv$`));
        expect(document.fiscalYearEnd).toBe(`${fiscalYear}-12-31`);
        expect(path.dirname(document.storageKey)).toBe(path.dirname(saftDocument.storageKey));
        const bytes = readArchived(app, document);
        expect(document.byteSize).toBe(bytes.length);
        expect(document.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      }
    }
    expect((await documentOf(ArchiveDocumentKind.TRIAL_BALANCE, 2025)).fileName).toBe('Saldobalanse_999999999_2025.csv');
  });

  it('the trial balance has the SAF-T file\'s opening and closing balances per account, and its totals are zero', async () => {
    const rows = await rowsOf(ArchiveDocumentKind.TRIAL_BALANCE, 2025);
    const total = rows.pop()!;
    expect(total.Konto).toBe('Sum');
    const balances = (r: Row) => [r.Konto, parseAmount(r['Inngående saldo']), parseAmount(r['Utgående saldo'])];
    expect(rows.map(balances)).toEqual(
      saft.accounts.map((a) => [a.accountId, a.openingBalance, a.closingBalance]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    for (const r of rows) {
      expect(parseAmount(r['Inngående saldo']) + parseAmount(r.Debet) - parseAmount(r.Kredit)).toBe(parseAmount(r['Utgående saldo']));
    }
    expect(rows.reduce((s, r) => s + parseAmount(r['Utgående saldo']), 0)).toBe(0);
    expect(parseAmount(total['Utgående saldo'])).toBe(0);
    expect(parseAmount(total['Inngående saldo'])).toBe(0);
    expect(total.Debet).toBe(total.Kredit);
  });

  it('the journal has exactly the SAF-T file\'s lines, in date order, and its totals', async () => {
    const rows = await rowsOf(ArchiveDocumentKind.JOURNAL, 2025);
    const total = rows.pop()!;
    expect(total.Dato).toBe('Sum');
    const key = (l: { voucher: string; record: string; account: string; debit: Ore; credit: Ore; journal: string; date: string }) =>
      `${l.journal}|${l.voucher}|${l.record}|${l.date}|${l.account}|${l.debit}|${l.credit}`;
    const fromCsv = rows.map((r) =>
      key({ journal: r.Journal, voucher: r.Bilagsnr, record: r['Linje-ID'], date: r.Dato, account: r.Konto, debit: parseAmount(r.Debet), credit: parseAmount(r.Kredit) }),
    );
    const fromSaft = saftLines().map(({ journalId, transaction, line }) =>
      key({
        journal: journalId,
        voucher: transaction.transactionId,
        record: line.recordId,
        date: transaction.transactionDate,
        account: line.accountId,
        debit: line.debitAmount ?? 0,
        credit: line.creditAmount ?? 0,
      }),
    );
    expect(fromCsv.length).toBeGreaterThan(0);
    expect([...fromCsv].sort()).toEqual([...fromSaft].sort());
    expect(rows.map((r) => r.Dato)).toEqual(rows.map((r) => r.Dato).sort());
    const totalDebit = saftLines().reduce((s, { line }) => s + (line.debitAmount ?? 0), 0);
    const totalCredit = saftLines().reduce((s, { line }) => s + (line.creditAmount ?? 0), 0);
    expect([parseAmount(total.Debet), parseAmount(total.Kredit)]).toEqual([totalDebit, totalCredit]);
    // Tax codes of the lines are on them.
    const taxed = saftLines().filter(({ line }) => line.taxInformation.length > 0).length;
    expect(rows.filter((r) => r['MVA-kode'] !== '').length).toBe(taxed);
  });

  it('the general ledger runs each account from its opening balance through its lines to its closing balance', async () => {
    const rows = await rowsOf(ArchiveDocumentKind.GENERAL_LEDGER, 2025);
    const lines = saftLines();
    for (const account of saft.accounts) {
      const own = rows.filter((r) => r.Konto === account.accountId);
      expect(own[0]).toMatchObject({ Radtype: 'Inngående saldo', Saldo: parseAmountText(account.openingBalance) });
      expect(own[own.length - 1]).toMatchObject({ Radtype: 'Utgående saldo', Saldo: parseAmountText(account.closingBalance) });
      const postings = own.slice(1, -1);
      expect(postings.every((r) => r.Radtype === 'Postering')).toBe(true);
      expect(postings).toHaveLength(lines.filter(({ line }) => line.accountId === account.accountId).length);
      let balance = account.openingBalance;
      for (const r of postings) {
        balance += parseAmount(r.Debet) - parseAmount(r.Kredit);
        expect(parseAmount(r.Saldo)).toBe(balance);
      }
      expect(balance).toBe(account.closingBalance);
      expect(postings.map((r) => r.Dato)).toEqual(postings.map((r) => r.Dato).sort());
    }
  });

  it('the customer and supplier specifications close at each party\'s balance in the SAF-T file', async () => {
    for (const [kind, parties, idColumn] of [
      [ArchiveDocumentKind.CUSTOMER_SPECIFICATION, saft.customers, 'Kunde-ID'],
      [ArchiveDocumentKind.SUPPLIER_SPECIFICATION, saft.suppliers, 'Leverandør-ID'],
    ] as const) {
      const rows = await rowsOf(kind, 2025);
      expect(parties.length).toBeGreaterThan(0);
      for (const party of parties) {
        const own = rows.filter((r) => r[idColumn] === party.id);
        expect(own[0]).toMatchObject({ Radtype: 'Inngående saldo', Navn: party.name });
        const closing = own[own.length - 1];
        expect(closing.Radtype).toBe('Utgående saldo');
        expect(parseAmount(closing.Saldo)).toBe(party.balanceAccounts.reduce((s, b) => s + b.closingBalance, 0));
        expect(parseAmount(own[0].Saldo)).toBe(party.balanceAccounts.reduce((s, b) => s + b.openingBalance, 0));
      }
      expect(rows.some((r) => r.Radtype === 'Postering')).toBe(true);
    }
  });

  it('the VAT specification\'s tax amounts are the sums of the lines\' tax amounts per code, month by month', async () => {
    const rows = await rowsOf(ArchiveDocumentKind.VAT_SPECIFICATION, 2025);
    const taxes = saftLines().flatMap(({ transaction, line }) => line.taxInformation.map((tax: SaftLineTax) => ({ month: transaction.transactionDate.slice(0, 7), tax })));
    expect(taxes.length).toBeGreaterThan(0);
    const totals = rows.filter((r) => r.Periode === 'Sum');
    const months = rows.filter((r) => r.Periode !== 'Sum');
    for (const [column, value] of [
      ['MVA debet', (t: SaftLineTax) => t.debitTaxAmount ?? 0],
      ['MVA kredit', (t: SaftLineTax) => t.creditTaxAmount ?? 0],
    ] as const) {
      expect(sumBy(totals, (r) => r['MVA-kode'], (r) => parseAmount(r[column]))).toEqual(sumBy(taxes, ({ tax }) => tax.taxCode, ({ tax }) => value(tax)));
      expect(sumBy(months, (r) => `${r.Periode} ${r['MVA-kode']}`, (r) => parseAmount(r[column]))).toEqual(
        sumBy(taxes, ({ month, tax }) => `${month} ${tax.taxCode}`, ({ tax }) => value(tax)),
      );
    }
    const base = sumBy(taxes, ({ tax }) => tax.taxCode, ({ tax }) => tax.taxBase ?? 0);
    expect(sumBy(totals, (r) => r['MVA-kode'], (r) => parseAmount(r['Grunnlag debet']) + parseAmount(r['Grunnlag kredit']))).toEqual(base);
    const codes = new Map(saft.taxCodes.map((c) => [c.code, c]));
    for (const r of rows) {
      if (codes.has(r['MVA-kode'])) expect(r['Standard MVA-kode']).toBe(codes.get(r['MVA-kode'])!.standardTaxCode);
    }
  });

  it('a year without entries still gets every specification: headers and balances only', async () => {
    const journal = await rowsOf(ArchiveDocumentKind.JOURNAL, 2024);
    expect(journal).toEqual([expect.objectContaining({ Dato: 'Sum', Debet: '0.00', Kredit: '0.00' })]);
    expect(await rowsOf(ArchiveDocumentKind.VAT_SPECIFICATION, 2024)).toEqual([]);
    const trial = await rowsOf(ArchiveDocumentKind.TRIAL_BALANCE, 2024);
    expect(trial).toHaveLength(saft.accounts.length + 1);
    expect(trial.every((r) => r['Inngående saldo'] === '0.00' && r['Utgående saldo'] === '0.00')).toBe(true);
    const ledger = await rowsOf(ArchiveDocumentKind.GENERAL_LEDGER, 2024);
    expect(ledger.map((r) => r.Radtype)).toEqual(saft.accounts.flatMap(() => ['Inngående saldo', 'Utgående saldo']));
    const customers = await rowsOf(ArchiveDocumentKind.CUSTOMER_SPECIFICATION, 2024);
    expect(customers.map((r) => r.Radtype)).toEqual(saft.customers.flatMap(() => ['Inngående saldo', 'Utgående saldo']));
    expect(customers.every((r) => r.Saldo === '0.00')).toBe(true);
  });

  it('a retry creates no duplicates, and a lost file is written again with the very same bytes', async () => {
    const before = await docs();
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    expect(await docs()).toEqual(before);

    const lost: ArchiveDocument[] = before.filter((d) => d.fiscalYear === 2025 && d.kind !== ArchiveDocumentKind.SAFT_FINANCIAL);
    const bytes = new Map(lost.map((d) => [d.kind, readArchived(app, d)]));
    for (const d of lost) fs.rmSync(archivePath(app, d));
    await app.sql('DELETE FROM archive_documents WHERE id = ?', [lost.find((d) => d.kind === ArchiveDocumentKind.JOURNAL)!.id]);
    app.clock.advance(86_400_000);
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);

    const after = await docs();
    expect(after).toHaveLength(before.length);
    for (const d of after.filter((x) => x.fiscalYear === 2025 && x.kind !== ArchiveDocumentKind.SAFT_FINANCIAL)) {
      expect(readArchived(app, d).equals(bytes.get(d.kind)!)).toBe(true);
      expect(d.sha256).toBe(lost.find((x) => x.kind === d.kind)!.sha256);
    }
    const folder = path.dirname(archivePath(app, after[after.length - 1]));
    expect(fs.readdirSync(folder).sort()).toEqual(after.filter((d) => d.fiscalYear === 2025).map((d) => d.fileName).sort());
  });

  it('a lost VAT specification is written again alone, with the same bytes; the journal sharing its pass is left as it is', async () => {
    const before = await docs();
    const of = (list: ArchiveDocument[], kind: ArchiveDocumentKind) => list.find((d) => d.fiscalYear === 2025 && d.kind === kind)!;
    const vat = of(before, ArchiveDocumentKind.VAT_SPECIFICATION);
    const journal = of(before, ArchiveDocumentKind.JOURNAL);
    const vatBytes = readArchived(app, vat);
    const journalInode = fs.statSync(archivePath(app, journal)).ino;
    fs.rmSync(archivePath(app, vat));

    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);

    const after = await docs();
    expect(after).toHaveLength(before.length);
    expect(readArchived(app, of(after, ArchiveDocumentKind.VAT_SPECIFICATION)).equals(vatBytes)).toBe(true);
    expect(of(after, ArchiveDocumentKind.VAT_SPECIFICATION).sha256).toBe(vat.sha256);
    // Not rewritten: a rewrite renames a new file into place, which changes the inode.
    expect(fs.statSync(archivePath(app, of(after, ArchiveDocumentKind.JOURNAL))).ino).toBe(journalInode);
  });
});

describe('specifications of a part of a fiscal year, with balances carried in', () => {
  let app: TestApp;
  let tmp: string;
  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'specifications-'));
  });
  afterAll(async () => {
    fs.rmSync(path.resolve(app.opened.runtime.config.archiveDir), { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
    await app.close();
  });

  it('the trial balance, general ledger and party specifications open and close where the SAF-T file does', async () => {
    const file = path.join(tmp, 'havbris.xml');
    await writeSyntheticSaftFile(file, {
      seed: 11,
      organizationNumber: '922333444',
      companyName: 'Havbris Sjømat AS',
      fiscalYearStartMonth: 7,
      fromDate: '2024-07-01',
      toDate: '2025-06-30',
      targetLines: 600,
    });
    await importSaft(app, 'c-havbris', file);
    // The second half of the fiscal year July 2024 – June 2025: the first half is carried in as opening balances.
    const relationshipId = await endRelationship(app, 'c-havbris', '2025-01', '2025-06', '2025-09-01');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    const [saftDocument] = await saftDocumentsOf(app, relationshipId);
    const { books } = await readFileIntoMemory(archivePath(app, saftDocument));
    const documents = await documentsOf(app, relationshipId);
    const rowsOf = (kind: ArchiveDocumentKind) => csvRows(app, documents.find((d) => d.kind === kind)!);

    expect(books.accounts.some((a) => a.openingBalance !== 0)).toBe(true);
    const trial = rowsOf(ArchiveDocumentKind.TRIAL_BALANCE);
    trial.pop();
    const byAccount = (rows: Array<[string, Ore, Ore]>) => [...rows].sort((a, b) => a[0].localeCompare(b[0]));
    expect(byAccount(trial.map((r) => [r.Konto, parseAmount(r['Inngående saldo']), parseAmount(r['Utgående saldo'])]))).toEqual(
      byAccount(books.accounts.map((a) => [a.accountId, a.openingBalance, a.closingBalance])),
    );

    const ledger = rowsOf(ArchiveDocumentKind.GENERAL_LEDGER);
    for (const account of books.accounts) {
      const own = ledger.filter((r) => r.Konto === account.accountId);
      expect(parseAmount(own[0].Saldo)).toBe(account.openingBalance);
      let balance = account.openingBalance;
      for (const r of own.slice(1, -1)) {
        balance += parseAmount(r.Debet) - parseAmount(r.Kredit);
        expect(parseAmount(r.Saldo)).toBe(balance);
      }
      expect([balance, parseAmount(own[own.length - 1].Saldo)]).toEqual([account.closingBalance, account.closingBalance]);
    }

    const customers = rowsOf(ArchiveDocumentKind.CUSTOMER_SPECIFICATION);
    expect(books.customers.some((c) => c.balanceAccounts.some((b) => b.openingBalance !== 0))).toBe(true);
    for (const customer of books.customers) {
      const own = customers.filter((r) => r['Kunde-ID'] === customer.id);
      expect(parseAmount(own[0].Saldo)).toBe(customer.balanceAccounts.reduce((s, b) => s + b.openingBalance, 0));
      expect(parseAmount(own[own.length - 1].Saldo)).toBe(customer.balanceAccounts.reduce((s, b) => s + b.closingBalance, 0));
    }

    // Downloaded like any archive document, as CSV.
    const journal = documents.find((d) => d.kind === ArchiveDocumentKind.JOURNAL)!;
    const res = await fetch(`${app.url}/archive/documents/${toGlobalId('ArchiveDocument', journal.id)}`, {
      headers: { authorization: `Bearer ${await app.tokenFor('u-kari')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(Buffer.from(await res.arrayBuffer()).equals(readArchived(app, journal))).toBe(true);
  });
});

function parseAmountText(ore: Ore): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
