import type { DataSource, QueryRunner } from 'typeorm';
import type { Client } from '../../clients/client.entity';
import type { Logger } from '../../common/logger';
import { inReadSnapshot } from '../../db/read-snapshot';
import type { ArchivedFiscalYear } from '../../ledger/fiscal-years';
import type { CustomerRelationship } from '../../relationships/customer-relationship.entity';
import { ArchiveDocumentKind, type ArchiveDocument } from '../archive-document.entity';
import { isStored, storeFiles, type ArchiveStorage } from '../archive-storage';
import type { GeneratedDocument } from '../generated-documents';
import { readOpeningBooks, type SpecificationBooks } from './books';
import { CsvWriter } from './csv-writer';
import { writeCustomerSpecification, writeGeneralLedger, writeJournalAndVat, writeSupplierSpecification, writeTrialBalance } from './specifications';

export const SPECIFICATION_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** Each specification: its document kind and its file name's first part. */
export const SPECIFICATIONS: ReadonlyArray<{ kind: ArchiveDocumentKind; name: string }> = [
  { kind: ArchiveDocumentKind.JOURNAL, name: 'Bilagsjournal' },
  { kind: ArchiveDocumentKind.GENERAL_LEDGER, name: 'Hovedbok' },
  { kind: ArchiveDocumentKind.CUSTOMER_SPECIFICATION, name: 'Kundespesifikasjon' },
  { kind: ArchiveDocumentKind.SUPPLIER_SPECIFICATION, name: 'Leverandorspesifikasjon' },
  { kind: ArchiveDocumentKind.TRIAL_BALANCE, name: 'Saldobalanse' },
  { kind: ArchiveDocumentKind.VAT_SPECIFICATION, name: 'Mva-spesifikasjon' },
];

type Outputs = Partial<Record<ArchiveDocumentKind, CsvWriter>>;

/**
 * How the specifications are written. The first pass reads the lines in voucher order: it always runs, because it
 * sums the movements the others need, and writes the journal and the VAT specification when they are due. Each pass
 * after it writes one file from the finished books (the ledgers read the lines again, each in its own order).
 */
const FIRST_PASS_KINDS = [ArchiveDocumentKind.JOURNAL, ArchiveDocumentKind.VAT_SPECIFICATION];
const LEDGER_PASSES: ReadonlyArray<{ kind: ArchiveDocumentKind; write: (csv: CsvWriter, runner: QueryRunner, books: SpecificationBooks) => Promise<void> }> = [
  { kind: ArchiveDocumentKind.GENERAL_LEDGER, write: writeGeneralLedger },
  { kind: ArchiveDocumentKind.CUSTOMER_SPECIFICATION, write: writeCustomerSpecification },
  { kind: ArchiveDocumentKind.SUPPLIER_SPECIFICATION, write: writeSupplierSpecification },
  { kind: ArchiveDocumentKind.TRIAL_BALANCE, write: (csv, _runner, books) => writeTrialBalance(csv, books) },
];

/** `Saldobalanse_<orgnr>_<fiscalYear>.csv`, like the SAF-T file's name. */
export function specificationFileName(name: string, organizationNumber: string, fiscalYear: number): string {
  return `${name}_${organizationNumber}_${fiscalYear}.csv`;
}

export interface SpecificationDeps {
  dataSource: DataSource;
  storage: ArchiveStorage;
  logger: Logger;
}

/**
 * Writes the specifications of one archived fiscal year (DESIGN S3) that are due (not in `existing`, the year's
 * recorded documents, with their file in storage), next to its SAF-T file in the same
 * folder, over the same selection, and adds each stored file to `written`; the caller records them (or removes them
 * when the year's generation fails). All are read in one REPEATABLE READ snapshot, so they agree with each other.
 *
 * Idempotent like the SAF-T file: a kind whose document is recorded and whose file is in storage with its recorded
 * size is skipped; the others are written again (atomically, through the storage). Nothing in a file depends on when
 * it is written, so the same books give the same bytes.
 */
export async function writeSpecifications(
  deps: SpecificationDeps,
  relationship: CustomerRelationship,
  client: Client,
  year: ArchivedFiscalYear,
  existing: ArchiveDocument[],
  storageKeyOf: (fileName: string) => string,
  written: GeneratedDocument[],
): Promise<void> {
  const { dataSource, storage, logger } = deps;
  const todo: Array<(typeof SPECIFICATIONS)[number] & { fileName: string; storageKey: string }> = [];
  for (const spec of SPECIFICATIONS) {
    if (await isStored(storage, existing.find((d) => d.kind === spec.kind))) continue;
    const fileName = specificationFileName(spec.name, client.organizationNumber, year.fiscalYear);
    todo.push({ ...spec, fileName, storageKey: storageKeyOf(fileName) });
  }
  if (todo.length === 0) return;

  type Due = (typeof todo)[number];
  // Writes the due files of one pass; `write` runs even when none is due (the first pass sums the movements).
  const writePass = async (runner: QueryRunner, due: Due[], write: (csv: Outputs) => Promise<void>) => {
    const { stored, result: rows } = await storeFiles(
      storage,
      due.map((spec) => spec.storageKey),
      async (streams) => {
        const writers = due.map((_, i) => new CsvWriter(streams[i]));
        await write(Object.fromEntries(due.map((spec, i) => [spec.kind, writers[i]])));
        for (const csv of writers) await csv.flush();
        return writers.map((csv) => csv.rows);
      },
    );
    due.forEach(({ kind, fileName, storageKey }, i) => {
      written.push({ kind, fileName, contentType: SPECIFICATION_CONTENT_TYPE, storageKey, stored: stored[i] });
      logger.info({ relationshipId: relationship.id, fiscalYear: year.fiscalYear, kind, rows: rows[i], bytes: stored[i].byteSize }, 'specification written');
    });
  };

  await inReadSnapshot(dataSource, async (runner) => {
    const opening = await readOpeningBooks(runner, { clientId: client.id, start: year.selectionStart, end: year.selectionEnd });
    const first = todo.filter((spec) => FIRST_PASS_KINDS.includes(spec.kind));
    await writePass(runner, first, (csv) => writeJournalAndVat(csv.JOURNAL, csv.VAT_SPECIFICATION, runner, opening));
    const books = opening.finish();
    for (const pass of LEDGER_PASSES) {
      const due = todo.filter((spec) => spec.kind === pass.kind);
      if (due.length > 0) await writePass(runner, due, (csv) => pass.write(csv[pass.kind]!, runner, books));
    }
  });
}
