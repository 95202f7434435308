import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { SaftIntegrityError, type SaftTransaction } from '../../src/saft';
import { writeSyntheticSaftFile } from '../support/synthetic-books';
import { readFileIntoMemory } from '../saft/books-in-memory';
import { expectValidSaft130 } from '../saft/xsd';
import { startTestApp, TestApp } from '../support/test-app';
import { archivePath, documentsOf, saftDocumentsOf, endRelationship, EXAMPLE_110, EXAMPLE_130, importSaft, ledgerWorld, readArchived } from './ledger-helpers';

const byId = (a: { transaction: SaftTransaction }, b: { transaction: SaftTransaction }) => a.transaction.transactionId.localeCompare(b.transaction.transactionId);

describe('mandatory accounting data from the books (S3)', () => {
  let app: TestApp;
  let tmp: string;
  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-gen-'));
  });
  afterAll(async () => {
    fs.rmSync(path.resolve(app.opened.runtime.config.archiveDir), { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
    await app.close();
  });

  it('the official 1.30 example, imported and generated again, has the same transactions, lines, totals and balances', async () => {
    await importSaft(app, 'c-example', EXAMPLE_130);
    // Responsibility over 2024 and 2025: 2024 has no entries and still gets its file.
    const relationshipId = await endRelationship(app, 'c-example', '2024-01', '2025-12', '2026-02-01');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);

    const documents = await saftDocumentsOf(app, relationshipId);
    expect(documents.map((d) => [d.fiscalYear, d.fiscalYearEnd, d.fileName, d.contentType])).toEqual([
      [2024, '2024-12-31', 'SAF-T Financial_999999999_2024.xml', 'application/xml'],
      [2025, '2025-12-31', 'SAF-T Financial_999999999_2025.xml', 'application/xml'],
    ]);
    for (const document of documents) {
      const bytes = readArchived(app, document);
      expect(document.byteSize).toBe(bytes.length);
      expect(document.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(document.storageKey).toBe(`c-example/${relationshipId}/${document.fiscalYear}/${document.fileName}`);
      await expectValidSaft130(archivePath(app, document));
    }

    const { books: source, summary: sourceSummary } = await readFileIntoMemory(EXAMPLE_130);
    const { books: copy, summary } = await readFileIntoMemory(archivePath(app, documents[1]), { expectedOrganizationNumber: '999999999' });
    expect({ ...summary, version: '1.30' }).toEqual(sourceSummary);
    expect([...copy.transactions].sort(byId)).toEqual([...source.transactions].sort(byId));
    const balances = (accounts: typeof source.accounts) =>
      accounts.map((a) => [a.accountId, a.groupingCategory, a.groupingCode, a.openingBalance, a.closingBalance]).sort();
    expect(balances(copy.accounts)).toEqual(balances(source.accounts));
    expect(copy.customers).toEqual(source.customers);
    expect(copy.suppliers).toEqual(source.suppliers);
    expect([...copy.taxCodes].sort((a, b) => a.code.localeCompare(b.code))).toEqual([...source.taxCodes].sort((a, b) => a.code.localeCompare(b.code)));
    expect(copy.analysisTypes).toEqual(source.analysisTypes);
    expect(copy.header).toMatchObject({
      dateCreated: '2026-02-01',
      selectionStartDate: '2025-01-01',
      selectionEndDate: '2025-12-31',
      company: { registrationNumber: '999999999', name: 'Eksempel AS', contact: { firstName: 'Ola', lastName: 'Bakke' } },
      auditFileSender: { name: 'Nordlys Regnskap AS', registrationNumber: '912345678' },
    });

    const { books: empty, summary: emptySummary } = await readFileIntoMemory(archivePath(app, documents[0]));
    expect(emptySummary).toMatchObject({ transactions: 0, lines: 0, totalDebit: 0, totalCredit: 0, accounts: 7 });
    expect(empty.accounts.every((a) => a.openingBalance === 0 && a.closingBalance === 0)).toBe(true);
    expect(await app.opened.runtime.services.ledger.derivedGroupingAccounts('c-example')).toEqual([]);
  });

  it('running generation again changes nothing, and a regenerated file is byte-identical', async () => {
    const [{ id: relationshipId }] = await app.sql("SELECT id FROM customer_relationships WHERE client_id = 'c-example'");
    const before = await saftDocumentsOf(app, String(relationshipId));
    const firstBytes = readArchived(app, before[1]);
    await app.opened.runtime.mandatoryDataGenerator.generate(String(relationshipId));
    const again = await saftDocumentsOf(app, String(relationshipId));
    expect(again).toEqual(before);

    // Lose the file and the row (a crash, a restore): the retry writes the very same bytes.
    fs.rmSync(archivePath(app, before[1]));
    await app.sql('DELETE FROM archive_documents WHERE id = ?', [before[1].id]);
    app.clock.advance(86_400_000);
    await app.opened.runtime.mandatoryDataGenerator.generate(String(relationshipId));
    const regenerated = await saftDocumentsOf(app, String(relationshipId));
    expect(regenerated).toHaveLength(2);
    expect(readArchived(app, regenerated[1]).equals(firstBytes)).toBe(true);
    expect(regenerated[1].sha256).toBe(before[1].sha256);
    // No temporary files are left behind (the folder also holds the year's specifications).
    const folder = path.dirname(archivePath(app, regenerated[1]));
    expect(fs.readdirSync(folder).sort()).toEqual((await documentsOf(app, String(relationshipId))).filter((d) => d.fiscalYear === regenerated[1].fiscalYear).map((d) => d.fileName).sort());
    expect(fs.readdirSync(folder)).toContain(regenerated[1].fileName);
  });

  it('a fiscal year from July is filed under the year it closes', async () => {
    const file = path.join(tmp, 'havbris.xml');
    await writeSyntheticSaftFile(file, {
      seed: 7,
      organizationNumber: '922333444',
      companyName: 'Havbris Sjømat AS',
      fiscalYearStartMonth: 7,
      fromDate: '2024-07-01',
      toDate: '2025-06-30',
      targetLines: 400,
    });
    const imported = await importSaft(app, 'c-havbris', file);
    const relationshipId = await endRelationship(app, 'c-havbris', '2024-07', '2025-06', '2025-09-01');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);

    const [document] = await saftDocumentsOf(app, relationshipId);
    expect(await saftDocumentsOf(app, relationshipId)).toHaveLength(1);
    expect([document.fiscalYear, document.fiscalYearEnd]).toEqual([2025, '2025-06-30']);
    expect(document.storageKey).toBe(`c-havbris/${relationshipId}/2025/SAF-T Financial_922333444_2025.xml`);
    await expectValidSaft130(archivePath(app, document));
    const { books, summary } = await readFileIntoMemory(archivePath(app, document));
    expect(summary).toMatchObject({ transactions: imported.transactions, lines: imported.lines, totalDebit: imported.totalDebit, totalCredit: imported.totalCredit });
    expect(books.header).toMatchObject({ selectionStartDate: '2024-07-01', selectionEndDate: '2025-06-30', company: { contact: { firstName: 'Kari', lastName: 'Nordmann' } } });
    // Customers' balances on the control account add up to it (the writer checks; here they are present).
    expect(books.customers.some((c) => c.balanceAccounts.some((b) => b.accountId === '1500' && b.closingBalance !== 0))).toBe(true);
  });

  it('a responsibility period inside a fiscal year gives a file for that part, with balances carried in', async () => {
    const [row] = await app.sql("SELECT id FROM customer_relationships WHERE client_id = 'c-havbris'");
    await app.sql("UPDATE customer_relationships SET responsibility_from = '2025-01', responsibility_to = '2025-06' WHERE id = ?", [row.id]);
    await app.sql('DELETE FROM archive_documents WHERE relationship_id = ?', [row.id]);
    await app.opened.runtime.mandatoryDataGenerator.generate(String(row.id));
    const [document] = await saftDocumentsOf(app, String(row.id));
    await expectValidSaft130(archivePath(app, document));
    const { books } = await readFileIntoMemory(archivePath(app, document));
    expect(books.header).toMatchObject({ selectionStartDate: '2025-01-01', selectionEndDate: '2025-06-30' });
    expect(books.accounts.some((a) => a.openingBalance !== 0)).toBe(true);
    expect(books.transactions.every((t) => t.transaction.transactionDate >= '2025-01-01')).toBe(true);
  });
});

describe('a 1.10-era file', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
  });
  afterAll(async () => {
    fs.rmSync(path.resolve(app.opened.runtime.config.archiveDir), { recursive: true, force: true });
    await app.close();
  });

  it('imports with derived groupings flagged and comes out as valid 1.30', async () => {
    const summary = await importSaft(app, 'c-example', EXAMPLE_110);
    expect(summary.version).toBe('1.10');
    const derived = await app.opened.runtime.services.ledger.derivedGroupingAccounts('c-example');
    expect(derived.map((d) => d.accountId)).toEqual([...summary.derivedGroupingAccountIds].sort());
    expect(derived.length).toBeGreaterThan(0);

    const relationshipId = await endRelationship(app, 'c-example', '2015-01', '2015-12', '2016-11-25');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    const [document] = await saftDocumentsOf(app, relationshipId);
    expect(document.fiscalYear).toBe(2015);
    await expectValidSaft130(archivePath(app, document));
    const { summary: copy } = await readFileIntoMemory(archivePath(app, document));
    expect(copy).toMatchObject({ version: '1.30', transactions: summary.transactions, lines: summary.lines, totalDebit: summary.totalDebit, totalCredit: summary.totalCredit });
  });

  it('fiscal years ending more than 5 years before the generation date are not generated', async () => {
    const [row] = await app.sql("SELECT id FROM customer_relationships WHERE client_id = 'c-example'");
    await app.sql("UPDATE customer_relationships SET responsibility_from = '2015-01', responsibility_to = '2021-12', generation_date = '2022-03-01' WHERE id = ?", [row.id]);
    await app.sql('DELETE FROM archive_documents WHERE relationship_id = ?', [row.id]);
    await app.opened.runtime.mandatoryDataGenerator.generate(String(row.id));
    // 2016 ended 2016-12-31, more than 5 years before 2022-03-01; 2017 is still kept.
    expect((await saftDocumentsOf(app, String(row.id))).map((d) => d.fiscalYear)).toEqual([2017, 2018, 2019, 2020, 2021]);
  });

  it('a TransactionID that occurs twice in a year fails the generation; ids that differ only in case do not', async () => {
    const [row] = await app.sql("SELECT id FROM customer_relationships WHERE client_id = 'c-example'");
    await app.sql("UPDATE customer_relationships SET responsibility_from = '2015-01', responsibility_to = '2015-12', generation_date = '2016-11-25' WHERE id = ?", [row.id]);
    const vouchers: Array<{ id: string; transaction_id: string }> = await app.sql(
      "SELECT id, transaction_id FROM ledger_transactions WHERE client_id = 'c-example' AND transaction_date BETWEEN '2015-01-01' AND '2015-12-31' ORDER BY id LIMIT 2",
    );
    const [first, second] = vouchers;
    const generateAgain = async () => {
      await app.sql('DELETE FROM archive_documents WHERE relationship_id = ?', [row.id]);
      return app.opened.runtime.mandatoryDataGenerator.generate(String(row.id));
    };
    try {
      await app.sql('UPDATE ledger_transactions SET transaction_id = ? WHERE id = ?', [first.transaction_id, second.id]);
      const failure = await generateAgain().then(() => null, (error: unknown) => error);
      expect(failure).toBeInstanceOf(SaftIntegrityError);
      expect((failure as SaftIntegrityError).problems).toContain(`TransactionID ${first.transaction_id} occurs more than once`);
      expect(await documentsOf(app, String(row.id))).toEqual([]);

      // The same letters in another case are another id for SAF-T, though the column's collation takes them for one.
      const variant = `${first.transaction_id}x`;
      await app.sql('UPDATE ledger_transactions SET transaction_id = ? WHERE id = ?', [variant.toLowerCase(), first.id]);
      await app.sql('UPDATE ledger_transactions SET transaction_id = ? WHERE id = ?', [variant.toUpperCase(), second.id]);
      await generateAgain();
      expect((await saftDocumentsOf(app, String(row.id))).map((d) => d.fiscalYear)).toEqual([2015]);
    } finally {
      await app.sql('UPDATE ledger_transactions SET transaction_id = ? WHERE id = ?', [first.transaction_id, first.id]);
      await app.sql('UPDATE ledger_transactions SET transaction_id = ? WHERE id = ?', [second.transaction_id, second.id]);
    }
  });

  it('books that break the SAF-T rules fail the generation visibly and leave no file or document behind', async () => {
    const [row] = await app.sql("SELECT id FROM customer_relationships WHERE client_id = 'c-example'");
    await app.sql("UPDATE customer_relationships SET responsibility_from = '2015-01', responsibility_to = '2015-12', generation_date = '2016-11-25' WHERE id = ?", [row.id]);
    await app.sql('DELETE FROM archive_documents WHERE relationship_id = ?', [row.id]);
    await app.sql("UPDATE ledger_accounts SET grouping_code = '0001' WHERE client_id = 'c-example' ORDER BY account_id LIMIT 1");
    await expect(app.opened.runtime.mandatoryDataGenerator.generate(String(row.id))).rejects.toBeInstanceOf(SaftIntegrityError);
    expect(await documentsOf(app, String(row.id))).toEqual([]);
    const folder = path.join(path.resolve(app.opened.runtime.config.archiveDir), 'c-example', String(row.id), '2015');
    // No temporary file, and no specification either, although those were written while the SAF-T file failed (the
    // SAF-T file an earlier generation left in this folder is not this run's to remove).
    expect(fs.readdirSync(folder).filter((f) => f.endsWith('.tmp') || f.endsWith('.csv'))).toEqual([]);
  });
});
