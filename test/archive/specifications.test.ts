import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { ArchiveDocumentFormat, ArchiveDocumentKind, type ArchiveDocument } from '../../src/archive/archive-document.entity';
import { csvFile, csvRows, norwegian, pdfText, type Row } from './specification-files';
import { parseAmount, type Ore, type SaftLineTax } from '../../src/saft';
import { writeSyntheticSaftFile } from '../support/synthetic-books';
import { toGlobalId } from '../../src/common/global-id';
import { readFileIntoMemory, type BooksInMemory } from '../saft/books-in-memory';
import { startTestApp, TestApp } from '../support/test-app';
import { archivePath, documentsOf, saftDocumentsOf, endRelationship, EXAMPLE_110, EXAMPLE_130, importSaft, ledgerWorld, readArchived } from '../ledger/ledger-helpers';

/** The generated files of a fiscal year's folder besides the SAF-T file: kind and format. */
const SPECIFICATION_FILES = [
  'JOURNAL CSV',
  'GENERAL_LEDGER CSV',
  'CUSTOMER_SPECIFICATION CSV',
  'SUPPLIER_SPECIFICATION CSV',
  'TRIAL_BALANCE CSV',
  'VAT_SPECIFICATION CSV',
  'WITHDRAWAL_SPECIFICATION CSV',
  'TRIAL_BALANCE PDF',
  'VAT_SPECIFICATION PDF',
  'CUSTOMER_SPECIFICATION PDF',
  'SUPPLIER_SPECIFICATION PDF',
  'ARCHIVE_INDEX PDF',
];

describe('the specifications next to each SAF-T file (S3)', () => {
  let app: TestApp;
  let relationshipId: string;
  let saft: BooksInMemory;
  let saftSummary: { totalDebit: Ore; totalCredit: Ore };
  const docs = async () => documentsOf(app, relationshipId);
  const documentOf = async (kind: ArchiveDocumentKind, fiscalYear: number, format = ArchiveDocumentFormat.CSV) =>
    (await docs()).find((d) => d.kind === kind && d.fiscalYear === fiscalYear && (d.format === format || kind === ArchiveDocumentKind.SAFT_FINANCIAL))!;
  const rowsOf = async (kind: ArchiveDocumentKind, fiscalYear: number): Promise<Row[]> => csvRows(app, await documentOf(kind, fiscalYear));
  const sumBy = <T>(items: T[], key: (t: T) => string, value: (t: T) => Ore) => {
    const sums = new Map<string, Ore>();
    for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + value(item));
    return sums;
  };
  const saftLines = () => saft.transactions.flatMap(({ journalId, transaction }) => transaction.lines.map((line) => ({ journalId, transaction, line })));
  const lineVat = (taxes: SaftLineTax[]) => taxes.reduce((s, t) => s + (t.debitTaxAmount ?? 0) - (t.creditTaxAmount ?? 0), 0);

  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
    await importSaft(app, 'c-example', EXAMPLE_130);
    // 2024 has no entries; 2025 is the example's year.
    relationshipId = await endRelationship(app, 'c-example', '2024-01', '2025-12', '2026-02-01');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    const file = await readFileIntoMemory(archivePath(app, await documentOf(ArchiveDocumentKind.SAFT_FINANCIAL, 2025)));
    saft = file.books;
    saftSummary = file.summary;
  });
  afterAll(async () => {
    fs.rmSync(path.resolve(app.opened.runtime.config.archiveDir), { recursive: true, force: true });
    await app.close();
  });

  it('every specification exists once per fiscal year, as CSV and PDF in the SAF-T file\'s folder, recorded with format, size and SHA-256', async () => {
    const documents = await docs();
    for (const fiscalYear of [2024, 2025]) {
      const ofYear = documents.filter((d) => d.fiscalYear === fiscalYear);
      expect(ofYear.map((d) => `${d.kind} ${d.format}`).sort()).toEqual(['SAFT_FINANCIAL XML', ...SPECIFICATION_FILES].sort());
      const saftDocument = ofYear.find((d) => d.kind === ArchiveDocumentKind.SAFT_FINANCIAL)!;
      for (const document of ofYear.filter((d) => d.kind !== ArchiveDocumentKind.SAFT_FINANCIAL)) {
        const pdf = document.format === ArchiveDocumentFormat.PDF;
        expect(document.contentType).toBe(pdf ? 'application/pdf' : 'text/csv; charset=utf-8');
        expect(document.fileName).toMatch(new RegExp(`^[A-Za-z-]+_999999999_${fiscalYear}\\.${pdf ? 'pdf' : 'csv'}$`));
        expect(document.fiscalYearEnd).toBe(`${fiscalYear}-12-31`);
        expect(path.dirname(document.storageKey)).toBe(path.dirname(saftDocument.storageKey));
        const bytes = readArchived(app, document);
        expect(document.byteSize).toBe(bytes.length);
        expect(document.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
        if (pdf) expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      }
    }
    expect((await documentOf(ArchiveDocumentKind.TRIAL_BALANCE, 2025)).fileName).toBe('Saldobalanse_999999999_2025.csv');
    expect((await documentOf(ArchiveDocumentKind.TRIAL_BALANCE, 2025, ArchiveDocumentFormat.PDF)).fileName).toBe('Saldobalanse_999999999_2025.pdf');
    expect((await documentOf(ArchiveDocumentKind.ARCHIVE_INDEX, 2025, ArchiveDocumentFormat.PDF)).fileName).toBe('Arkivindeks_999999999_2025.pdf');
  });

  it('every CSV states at its top the company, the fiscal year, the selection, the preparation date and the system', async () => {
    const [company] = await app.sql('SELECT name FROM clients WHERE id = ?', ['c-example']);
    for (const document of (await docs()).filter((d) => d.fiscalYear === 2025 && d.format === ArchiveDocumentFormat.CSV)) {
      const { identification } = csvFile(app, document);
      expect(identification).toEqual({
        Spesifikasjon: expect.any(String),
        Foretak: company.name,
        Organisasjonsnummer: '999999999',
        Regnskapsår: '2025 (2025-01-01 – 2025-12-31)',
        Utvalg: '2025-01-01 – 2025-12-31 (ansvarsperiode 2024-01 – 2025-12)',
        Utarbeidet: '2026-02-01',
        System: 'Klient Admin 1.0',
      });
    }
    expect(csvFile(app, await documentOf(ArchiveDocumentKind.JOURNAL, 2025)).identification.Spesifikasjon).toBe('Bokføringsspesifikasjon (bilagsjournal)');
  });

  it('the trial balance has the SAF-T file\'s balances per account, totals of zero and a check line that ties to the SAF-T totals', async () => {
    const rows = await rowsOf(ArchiveDocumentKind.TRIAL_BALANCE, 2025);
    const check = rows.pop()!;
    const total = rows.pop()!;
    expect(total.Konto).toBe('Sum');
    expect(check.Konto).toBe('Kontroll');
    expect(check.Kontonavn).toMatch(/^OK/);
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
    expect([parseAmount(check.Debet), parseAmount(check.Kredit)]).toEqual([saftSummary.totalDebit, saftSummary.totalCredit]);
    expect(parseAmount(check['Utgående saldo'])).toBe(0);
  });

  it('the journal has exactly the SAF-T file\'s lines in the order they were recorded, with references and VAT, and the SAF-T file\'s control totals', async () => {
    const rows = await rowsOf(ArchiveDocumentKind.JOURNAL, 2025);
    const total = rows.pop()!;
    expect(total.Registrert).toBe('Sum');
    const periodSums = rows.filter((r) => r.Registrert === 'Sum periode');
    const lines = rows.filter((r) => r.Registrert !== 'Sum periode');
    const key = (l: { voucher: string; record: string; account: string; debit: Ore; credit: Ore; journal: string; date: string; vat: string; reference: string }) =>
      `${l.journal}|${l.voucher}|${l.record}|${l.date}|${l.account}|${l.debit}|${l.credit}|${l.vat}|${l.reference}`;
    const fromCsv = lines.map((r) =>
      key({ journal: r.Journal, voucher: r.Bilagsnr, record: r['Linje-ID'], date: r.Bilagsdato, account: r.Konto, debit: parseAmount(r.Debet), credit: parseAmount(r.Kredit), vat: r['MVA-beløp'], reference: r.Referanse }),
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
        vat: line.taxInformation.length ? parseAmountText(lineVat(line.taxInformation)) : '',
        reference: line.referenceNumber ?? line.sourceDocumentId ?? transaction.sourceId ?? '',
      }),
    );
    expect(fromCsv.length).toBeGreaterThan(0);
    expect([...fromCsv].sort()).toEqual([...fromSaft].sort());
    expect(lines.map((r) => r.Registrert)).toEqual(lines.map((r) => r.Registrert).sort());
    // The control totals of the SAF-T file's GeneralLedgerEntries.
    expect([parseAmount(total.Debet), parseAmount(total.Kredit)]).toEqual([saftSummary.totalDebit, saftSummary.totalCredit]);
    expect(parseAmount(total['MVA-beløp'])).toBe(saftLines().reduce((s, { line }) => s + lineVat(line.taxInformation), 0));
    // Period totals add up to the total, each to its period's lines.
    expect(periodSums.reduce((s, r) => s + parseAmount(r.Debet), 0)).toBe(parseAmount(total.Debet));
    expect(sumBy(periodSums, (r) => r.Periode, (r) => parseAmount(r.Kredit))).toEqual(sumBy(lines, (r) => r.Periode, (r) => parseAmount(r.Kredit)));
    const taxed = saftLines().filter(({ line }) => line.taxInformation.length > 0).length;
    expect(lines.filter((r) => r['MVA-kode'] !== '').length).toBe(taxed);
  });

  it('the general ledger runs each account from its opening balance through its lines, with input and output VAT, to the trial balance\'s closing balance', async () => {
    const rows = await rowsOf(ArchiveDocumentKind.GENERAL_LEDGER, 2025);
    const trial = new Map((await rowsOf(ArchiveDocumentKind.TRIAL_BALANCE, 2025)).map((r) => [r.Konto, parseAmount(r['Utgående saldo'])]));
    const lines = saftLines();
    for (const account of saft.accounts) {
      const own = rows.filter((r) => r.Konto === account.accountId);
      expect(own[0]).toMatchObject({ Radtype: 'Inngående saldo', Saldo: parseAmountText(account.openingBalance) });
      expect(own[own.length - 1]).toMatchObject({ Radtype: 'Utgående saldo', Saldo: parseAmountText(account.closingBalance) });
      expect(parseAmount(own[own.length - 1].Saldo)).toBe(trial.get(account.accountId));
      const postings = own.slice(1, -1);
      expect(postings.every((r) => r.Radtype === 'Postering')).toBe(true);
      const ofAccount = lines.filter(({ line }) => line.accountId === account.accountId);
      expect(postings).toHaveLength(ofAccount.length);
      let balance = account.openingBalance;
      for (const r of postings) {
        balance += parseAmount(r.Debet) - parseAmount(r.Kredit);
        expect(parseAmount(r.Saldo)).toBe(balance);
      }
      expect(balance).toBe(account.closingBalance);
      expect(postings.map((r) => r.Bilagsdato)).toEqual(postings.map((r) => r.Bilagsdato).sort());
      const vat = (column: string) => postings.reduce((s, r) => s + (r[column] === '' ? 0 : parseAmount(r[column])), 0);
      expect(vat('Inngående MVA')).toBe(ofAccount.reduce((s, { line }) => s + line.taxInformation.reduce((t: Ore, x: SaftLineTax) => t + (x.debitTaxAmount ?? 0), 0), 0));
      expect(vat('Utgående MVA')).toBe(ofAccount.reduce((s, { line }) => s + line.taxInformation.reduce((t: Ore, x: SaftLineTax) => t + (x.creditTaxAmount ?? 0), 0), 0));
    }
    expect(rows.some((r) => r['Inngående MVA'] !== '' && parseAmount(r['Inngående MVA']) > 0)).toBe(true);
    expect(rows.some((r) => r['Utgående MVA'] !== '' && parseAmount(r['Utgående MVA']) > 0)).toBe(true);
  });

  it('the customer and supplier specifications close at each party\'s balance, and their open items sum to it and to the control accounts', async () => {
    const trial = new Map((await rowsOf(ArchiveDocumentKind.TRIAL_BALANCE, 2025)).map((r) => [r.Konto, parseAmount(r['Utgående saldo'])]));
    for (const [kind, parties, idColumn] of [
      [ArchiveDocumentKind.CUSTOMER_SPECIFICATION, saft.customers, 'Kunde-ID'],
      [ArchiveDocumentKind.SUPPLIER_SPECIFICATION, saft.suppliers, 'Leverandør-ID'],
    ] as const) {
      const rows = await rowsOf(kind, 2025);
      expect(parties.length).toBeGreaterThan(0);
      let closingSum = 0;
      for (const party of parties) {
        const own = rows.filter((r) => r[idColumn] === party.id && ['Inngående saldo', 'Postering', 'Utgående saldo'].includes(r.Radtype));
        expect(own[0]).toMatchObject({ Radtype: 'Inngående saldo', Navn: party.name });
        const closing = own[own.length - 1];
        expect(closing.Radtype).toBe('Utgående saldo');
        const balance = party.balanceAccounts.reduce((s, b) => s + b.closingBalance, 0);
        closingSum += balance;
        expect(parseAmount(closing.Saldo)).toBe(balance);
        expect(parseAmount(own[0].Saldo)).toBe(party.balanceAccounts.reduce((s, b) => s + b.openingBalance, 0));
        const open = rows.filter((r) => r[idColumn] === party.id && r.Radtype === 'Åpen post');
        expect(open.reduce((s, r) => s + parseAmount(r.Saldo), 0)).toBe(balance);
      }
      expect(rows.some((r) => r.Radtype === 'Postering' && r.Referanse !== '')).toBe(true);
      const control = rows.filter((r) => r.Radtype === 'Kontrollkonto');
      expect(control.length).toBeGreaterThan(0);
      const controlSum = control.reduce((s, r) => s + parseAmount(r.Saldo), 0);
      for (const r of control) expect(parseAmount(r.Saldo)).toBe(trial.get(r.Konto));
      const openSum = rows.find((r) => r.Radtype === 'Sum åpne poster')!;
      expect(parseAmount(openSum.Saldo)).toBe(closingSum);
      expect(parseAmount(openSum.Saldo)).toBe(controlSum);
      expect(rows.find((r) => r.Radtype === 'Avvik mot kontrollkontoer')!.Saldo).toBe('0.00');
    }
  });

  it('the VAT specification gives base and VAT per term (bi-monthly by default) and code, equal to the sums of the lines\' VAT, reconciled with the VAT accounts', async () => {
    const rows = await rowsOf(ArchiveDocumentKind.VAT_SPECIFICATION, 2025);
    const term = (date: string) => `${date.slice(0, 4)}-${Math.floor((Number(date.slice(5, 7)) - 1) / 2) + 1}`;
    const taxes = saftLines().flatMap(({ transaction, line }) => line.taxInformation.map((tax: SaftLineTax) => ({ term: term(transaction.transactionDate), tax })));
    expect(taxes.length).toBeGreaterThan(0);
    const totals = rows.filter((r) => r.Radtype === 'År');
    const terms = rows.filter((r) => r.Radtype === 'Termin');
    for (const [column, value] of [
      ['MVA debet', (t: SaftLineTax) => t.debitTaxAmount ?? 0],
      ['MVA kredit', (t: SaftLineTax) => t.creditTaxAmount ?? 0],
    ] as const) {
      expect(sumBy(totals, (r) => r['MVA-kode'], (r) => parseAmount(r[column]))).toEqual(sumBy(taxes, ({ tax }) => tax.taxCode, ({ tax }) => value(tax)));
      expect(sumBy(terms, (r) => `${r.Termin} ${r['MVA-kode']}`, (r) => parseAmount(r[column]))).toEqual(sumBy(taxes, ({ term: t, tax }) => `${t} ${tax.taxCode}`, ({ tax }) => value(tax)));
    }
    for (const r of terms) expect([r.Fra, r.Til].map((d) => term(d))).toEqual([r.Termin, r.Termin]);
    const base = sumBy(taxes, ({ tax }) => tax.taxCode, ({ tax }) => tax.taxBase ?? 0);
    expect(sumBy(totals, (r) => r['MVA-kode'], (r) => parseAmount(r['Grunnlag debet']) + parseAmount(r['Grunnlag kredit']))).toEqual(base);
    const codes = new Map(saft.taxCodes.map((c) => [c.code, c]));
    for (const r of [...terms, ...totals]) {
      if (codes.has(r['MVA-kode'])) expect(r['Standard MVA-kode']).toBe(codes.get(r['MVA-kode'])!.standardTaxCode);
    }
    // Reconciliation: VAT computed from the lines per term against the movement on the VAT accounts.
    const reconciliation = rows.filter((r) => r.Radtype === 'Avstemming');
    const yearRow = reconciliation.pop()!;
    expect(yearRow.Termin).toBe('Sum');
    expect(parseAmount(yearRow['Beregnet MVA'])).toBe(taxes.reduce((s, { tax }) => s + (tax.creditTaxAmount ?? 0) - (tax.debitTaxAmount ?? 0), 0));
    const vatAccounts = saftLines().filter(({ line }) => /^27[0-3]\d/.test(line.accountId));
    expect(parseAmount(yearRow['Bokført på MVA-kontoer'])).toBe(vatAccounts.reduce((s, { line }) => s + (line.creditAmount ?? 0) - (line.debitAmount ?? 0), 0));
    for (const r of [...reconciliation, yearRow]) expect(parseAmount(r.Differanse)).toBe(parseAmount(r['Bokført på MVA-kontoer']) - parseAmount(r['Beregnet MVA']));
    expect(yearRow.Differanse).toBe('0.00');
  });

  it('the PDFs have the identification on every page, "side x av y", and the totals in Norwegian number format', async () => {
    const [company] = await app.sql('SELECT name FROM clients WHERE id = ?', ['c-example']);
    const pdfs = (await docs()).filter((d) => d.fiscalYear === 2025 && d.format === ArchiveDocumentFormat.PDF);
    expect(pdfs).toHaveLength(5);
    for (const document of pdfs) {
      const { text, pages } = pdfText(app, document);
      expect(pages).toBeGreaterThan(0);
      for (let page = 1; page <= pages; page++) expect(text).toContain(`side ${page} av ${pages}`);
      expect(text.split('Organisasjonsnummer: 999999999').length - 1).toBe(pages);
      expect(text).toContain(`Foretak: ${company.name}`);
      expect(text).toContain('Regnskapsår: 2025');
      expect(text).toContain('Utarbeidet: 2026-02-01');
      expect(text).toContain('System: Klient Admin 1.0');
    }
    const trialPdf = pdfText(app, await documentOf(ArchiveDocumentKind.TRIAL_BALANCE, 2025, ArchiveDocumentFormat.PDF)).text;
    expect(trialPdf).toContain(norwegian(saftSummary.totalDebit));
    expect(trialPdf).toContain('Kontroll: OK');
    for (const account of saft.accounts) expect(trialPdf).toContain(norwegian(account.closingBalance));
    const vatPdf = pdfText(app, await documentOf(ArchiveDocumentKind.VAT_SPECIFICATION, 2025, ArchiveDocumentFormat.PDF)).text;
    const vatYear = (await rowsOf(ArchiveDocumentKind.VAT_SPECIFICATION, 2025)).filter((r) => r.Radtype === 'Avstemming').pop()!;
    expect(vatPdf).toContain(norwegian(parseAmount(vatYear['Beregnet MVA'])));
    const customerPdf = pdfText(app, await documentOf(ArchiveDocumentKind.CUSTOMER_SPECIFICATION, 2025, ArchiveDocumentFormat.PDF)).text;
    expect(customerPdf).toContain('Saldoliste per 2025-12-31');
    expect(customerPdf).toContain('Åpne poster per 2025-12-31');
    for (const c of saft.customers) expect(customerPdf).toContain(norwegian(c.balanceAccounts.reduce((s, b) => s + b.closingBalance, 0)));
  });

  it('the archive index lists every document of the folder with kind, format, size and SHA-256, what cannot be derived, and how to open the CSVs', async () => {
    const ofYear = (await docs()).filter((d) => d.fiscalYear === 2025);
    const index = ofYear.find((d) => d.kind === ArchiveDocumentKind.ARCHIVE_INDEX)!;
    const { text } = pdfText(app, index);
    for (const d of ofYear.filter((x) => x !== index)) {
      expect(text).toContain(d.fileName);
      expect(text).toContain(`${d.format} · ${d.byteSize} byte · SHA-256 ${d.sha256}`);
    }
    expect(text).toContain('ikke utledbar fra bokføringsdataene; oppbevares fra kildesystemet');
    expect(text).toContain('De første 8 linjene');
  });

  it('a year without entries still gets every specification: headers and balances only', async () => {
    const journal = await rowsOf(ArchiveDocumentKind.JOURNAL, 2024);
    expect(journal).toEqual([expect.objectContaining({ Registrert: 'Sum', Debet: '0.00', Kredit: '0.00' })]);
    expect((await rowsOf(ArchiveDocumentKind.VAT_SPECIFICATION, 2024)).map((r) => r.Radtype)).toEqual(['Avstemming']);
    const trial = await rowsOf(ArchiveDocumentKind.TRIAL_BALANCE, 2024);
    expect(trial).toHaveLength(saft.accounts.length + 2);
    expect(trial.slice(0, -1).every((r) => r['Inngående saldo'] === '0.00' && r['Utgående saldo'] === '0.00')).toBe(true);
    const ledger = await rowsOf(ArchiveDocumentKind.GENERAL_LEDGER, 2024);
    expect(ledger.map((r) => r.Radtype)).toEqual(saft.accounts.flatMap(() => ['Inngående saldo', 'Utgående saldo']));
    const customers = await rowsOf(ArchiveDocumentKind.CUSTOMER_SPECIFICATION, 2024);
    expect(customers.filter((r) => r.Radtype !== 'Kontrollkonto' && r.Radtype !== 'Sum åpne poster' && r.Radtype !== 'Avvik mot kontrollkontoer').map((r) => r.Radtype)).toEqual(
      saft.customers.flatMap(() => ['Inngående saldo', 'Utgående saldo']),
    );
    expect(customers.every((r) => r.Saldo === '0.00')).toBe(true);
  });

  it('a retry creates no duplicates, and a lost file is written again with the very same bytes', async () => {
    const before = await docs();
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    expect(await docs()).toEqual(before);

    const lost: ArchiveDocument[] = before.filter((d) => d.fiscalYear === 2025 && d.kind !== ArchiveDocumentKind.SAFT_FINANCIAL);
    const bytes = new Map(lost.map((d) => [`${d.kind} ${d.format}`, readArchived(app, d)]));
    for (const d of lost) fs.rmSync(archivePath(app, d));
    await app.sql('DELETE FROM archive_documents WHERE id = ?', [lost.find((d) => d.kind === ArchiveDocumentKind.JOURNAL)!.id]);
    app.clock.advance(86_400_000);
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);

    const after = await docs();
    expect(after).toHaveLength(before.length);
    for (const d of after.filter((x) => x.fiscalYear === 2025 && x.kind !== ArchiveDocumentKind.SAFT_FINANCIAL)) {
      expect(readArchived(app, d).equals(bytes.get(`${d.kind} ${d.format}`)!)).toBe(true);
      expect(d.sha256).toBe(lost.find((x) => x.kind === d.kind && x.format === d.format)!.sha256);
    }
    const folder = path.dirname(archivePath(app, after[after.length - 1]));
    expect(fs.readdirSync(folder).sort()).toEqual(after.filter((d) => d.fiscalYear === 2025).map((d) => d.fileName).sort());
  });

  it('a lost VAT specification is written again alone, with the same bytes; the journal sharing its pass is left as it is', async () => {
    const before = await docs();
    const of = (list: ArchiveDocument[], kind: ArchiveDocumentKind) => list.find((d) => d.fiscalYear === 2025 && d.kind === kind && d.format === ArchiveDocumentFormat.CSV)!;
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
    await app.sql("UPDATE clients SET vat_term = 'MONTHLY' WHERE id = ?", ['c-havbris']);
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    const [saftDocument] = await saftDocumentsOf(app, relationshipId);
    const { books } = await readFileIntoMemory(archivePath(app, saftDocument));
    const documents = await documentsOf(app, relationshipId);
    const rowsOf = (kind: ArchiveDocumentKind) => csvRows(app, documents.find((d) => d.kind === kind && d.format === ArchiveDocumentFormat.CSV)!);

    expect(books.accounts.some((a) => a.openingBalance !== 0)).toBe(true);
    const trial = rowsOf(ArchiveDocumentKind.TRIAL_BALANCE);
    expect(trial.pop()!.Konto).toBe('Kontroll');
    expect(trial.pop()!.Konto).toBe('Sum');
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
      const closing = customer.balanceAccounts.reduce((s, b) => s + b.closingBalance, 0);
      expect(parseAmount(own.filter((r) => r.Radtype === 'Utgående saldo')[0].Saldo)).toBe(closing);
      // Open items at the end of the selection, matched by invoice number (payments carry none): they make up the balance.
      expect(own.filter((r) => r.Radtype === 'Åpen post').reduce((s, r) => s + parseAmount(r.Saldo), 0)).toBe(closing);
    }
    const controlAccounts = customers.filter((r) => r.Radtype === 'Kontrollkonto');
    expect(controlAccounts.map((r) => r['Kunde-ID'])).toEqual(['1500']);
    expect(parseAmount(customers.find((r) => r.Radtype === 'Sum åpne poster')!.Saldo)).toBe(parseAmount(controlAccounts[0].Saldo));
    expect(customers.find((r) => r.Radtype === 'Avvik mot kontrollkontoer')!.Saldo).toBe('0.00');
    const suppliers = rowsOf(ArchiveDocumentKind.SUPPLIER_SPECIFICATION);
    expect(parseAmount(suppliers.find((r) => r.Radtype === 'Sum åpne poster')!.Saldo)).toBe(
      suppliers.filter((r) => r.Radtype === 'Kontrollkonto').reduce((s, r) => s + parseAmount(r.Saldo), 0),
    );

    // A client reporting VAT monthly: one term per month, each the sum of its lines' VAT.
    const vat = rowsOf(ArchiveDocumentKind.VAT_SPECIFICATION);
    const terms = vat.filter((r) => r.Radtype === 'Termin');
    expect([...new Set(terms.map((r) => r.Termin))]).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']);
    const lineTaxes = books.transactions
      .filter(({ transaction }) => transaction.transactionDate >= '2025-01-01')
      .flatMap(({ transaction }) => transaction.lines.map((l) => ({ month: transaction.transactionDate.slice(0, 7), taxes: l.taxInformation })));
    const perMonth = new Map<string, Ore>();
    for (const { month, taxes } of lineTaxes) for (const t of taxes) perMonth.set(month, (perMonth.get(month) ?? 0) + (t.creditTaxAmount ?? 0) - (t.debitTaxAmount ?? 0));
    const reconciliation = vat.filter((r) => r.Radtype === 'Avstemming' && r.Termin !== 'Sum');
    expect(new Map(reconciliation.map((r) => [r.Termin, parseAmount(r['Beregnet MVA'])]))).toEqual(new Map([...perMonth].map(([m, v]) => [m, v])));
    for (const r of reconciliation) expect(r.Differanse).toBe('0.00');

    // Downloaded like any archive document, as CSV.
    const journal = documents.find((d) => d.kind === ArchiveDocumentKind.JOURNAL && d.format === ArchiveDocumentFormat.CSV)!;
    const res = await fetch(`${app.url}/archive/documents/${toGlobalId('ArchiveDocument', journal.id)}`, {
      headers: { authorization: `Bearer ${await app.tokenFor('u-kari')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(Buffer.from(await res.arrayBuffer()).equals(readArchived(app, journal))).toBe(true);
  });
});

describe('specifications from a 1.10-era file (tax amounts without a side, groupings derived)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
  });
  afterAll(async () => {
    fs.rmSync(path.resolve(app.opened.runtime.config.archiveDir), { recursive: true, force: true });
    await app.close();
  });

  it('the journal totals are the SAF-T control totals, the ledgers close at the trial balance, open items at the control accounts, VAT per term is the lines\' VAT', async () => {
    await importSaft(app, 'c-example', EXAMPLE_110);
    const relationshipId = await endRelationship(app, 'c-example', '2015-01', '2015-12', '2016-11-25');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    const documents = await documentsOf(app, relationshipId);
    expect(documents.map((d) => `${d.kind} ${d.format}`).sort()).toEqual(['SAFT_FINANCIAL XML', ...SPECIFICATION_FILES].sort());
    const [saftDocument] = await saftDocumentsOf(app, relationshipId);
    const { books, summary } = await readFileIntoMemory(archivePath(app, saftDocument));
    const rowsOf = (kind: ArchiveDocumentKind) => csvRows(app, documents.find((d) => d.kind === kind && d.format === ArchiveDocumentFormat.CSV)!);

    const journal = rowsOf(ArchiveDocumentKind.JOURNAL);
    const total = journal.pop()!;
    expect([total.Registrert, parseAmount(total.Debet), parseAmount(total.Kredit)]).toEqual(['Sum', summary.totalDebit, summary.totalCredit]);
    expect(journal.filter((r) => r.Registrert !== 'Sum periode')).toHaveLength(summary.lines);

    const trial = rowsOf(ArchiveDocumentKind.TRIAL_BALANCE);
    // The example's balances do not sum to zero: the check line says so, with the SAF-T file's sum.
    const sumOfBalances = books.accounts.reduce((s, a) => s + a.closingBalance, 0);
    const check = trial.pop()!;
    expect(check.Kontonavn).toBe(sumOfBalances === 0 ? expect.stringMatching(/^OK/) : `AVVIK: summen av saldoene er ${parseAmountText(sumOfBalances)}`);
    expect([parseAmount(check.Debet), parseAmount(check.Kredit), parseAmount(check['Utgående saldo'])]).toEqual([summary.totalDebit, summary.totalCredit, sumOfBalances]);
    trial.pop();
    const closing = new Map(trial.map((r) => [r.Konto, r['Utgående saldo']]));
    const ledger = rowsOf(ArchiveDocumentKind.GENERAL_LEDGER).filter((r) => r.Radtype === 'Utgående saldo');
    expect(new Map(ledger.map((r) => [r.Konto, r.Saldo]))).toEqual(closing);

    for (const kind of [ArchiveDocumentKind.CUSTOMER_SPECIFICATION, ArchiveDocumentKind.SUPPLIER_SPECIFICATION]) {
      const rows = rowsOf(kind);
      const open = rows.filter((r) => r.Radtype === 'Åpen post').reduce((s, r) => s + parseAmount(r.Saldo), 0);
      expect(parseAmount(rows.find((r) => r.Radtype === 'Sum åpne poster')!.Saldo)).toBe(open);
      const control = rows.filter((r) => r.Radtype === 'Kontrollkonto').reduce((s, r) => s + parseAmount(r.Saldo), 0);
      const parties = rows.filter((r) => r.Radtype === 'Utgående saldo').reduce((s, r) => s + parseAmount(r.Saldo), 0);
      expect(open).toBe(parties);
      expect(parseAmount(rows.find((r) => r.Radtype === 'Avvik mot kontrollkontoer')!.Saldo)).toBe(parties - control);
    }

    const vat = rowsOf(ArchiveDocumentKind.VAT_SPECIFICATION);
    const lineVat = books.transactions.flatMap(({ transaction }) => transaction.lines.flatMap((l) => l.taxInformation)).reduce((s, t) => s + (t.creditTaxAmount ?? 0) - (t.debitTaxAmount ?? 0), 0);
    const terms = vat.filter((r) => r.Radtype === 'Avstemming' && r.Termin !== 'Sum');
    expect(terms.reduce((s, r) => s + parseAmount(r['Beregnet MVA']), 0)).toBe(lineVat);
    expect(parseAmount(vat.find((r) => r.Radtype === 'Avstemming' && r.Termin === 'Sum')!['Beregnet MVA'])).toBe(lineVat);

    const index = documents.find((d) => d.kind === ArchiveDocumentKind.ARCHIVE_INDEX)!;
    const { text } = pdfText(app, index);
    for (const d of documents.filter((x) => x !== index)) expect(text).toContain(`${d.format} · ${d.byteSize} byte · SHA-256 ${d.sha256}`);
  });
});

function parseAmountText(ore: Ore): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
