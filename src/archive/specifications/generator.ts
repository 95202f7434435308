import type { DataSource, QueryRunner } from 'typeorm';
import type { AuditService } from '../../audit/audit.service';
import type { Client } from '../../clients/client.entity';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { inReadSnapshot } from '../../db/read-snapshot';
import { runInTransaction } from '../../db/unit-of-work';
import type { ArchivedFiscalYear } from '../../ledger/fiscal-years';
import type { CustomerRelationship } from '../../relationships/customer-relationship.entity';
import { ArchiveDocument, ArchiveDocumentKind } from '../archive-document.entity';
import { storeFile, type ArchiveStorage, type StoredFile } from '../archive-storage';
import { recordGeneratedDocuments } from '../generated-documents';
import { readSpecificationBooks, type SpecificationBooks } from './books';
import { CsvWriter } from './csv-writer';
import {
  writeCustomerSpecification,
  writeGeneralLedger,
  writeJournal,
  writeSupplierSpecification,
  writeTrialBalance,
  writeVatSpecification,
} from './specifications';

export const SPECIFICATION_CONTENT_TYPE = 'text/csv; charset=utf-8';

type Write = (csv: CsvWriter, runner: QueryRunner, books: SpecificationBooks) => Promise<void>;

/** Each specification: its document kind, its file name's first part, and how it is written. */
export const SPECIFICATIONS: ReadonlyArray<{ kind: ArchiveDocumentKind; name: string; write: Write }> = [
  { kind: ArchiveDocumentKind.JOURNAL, name: 'Bilagsjournal', write: writeJournal },
  { kind: ArchiveDocumentKind.GENERAL_LEDGER, name: 'Hovedbok', write: writeGeneralLedger },
  { kind: ArchiveDocumentKind.CUSTOMER_SPECIFICATION, name: 'Kundespesifikasjon', write: writeCustomerSpecification },
  { kind: ArchiveDocumentKind.SUPPLIER_SPECIFICATION, name: 'Leverandorspesifikasjon', write: writeSupplierSpecification },
  { kind: ArchiveDocumentKind.TRIAL_BALANCE, name: 'Saldobalanse', write: writeTrialBalance },
  { kind: ArchiveDocumentKind.VAT_SPECIFICATION, name: 'Mva-spesifikasjon', write: writeVatSpecification },
];

/** `Saldobalanse_<orgnr>_<fiscalYear>.csv`, like the SAF-T file's name. */
export function specificationFileName(name: string, organizationNumber: string, fiscalYear: number): string {
  return `${name}_${organizationNumber}_${fiscalYear}.csv`;
}

export interface SpecificationDeps {
  dataSource: DataSource;
  storage: ArchiveStorage;
  audit: AuditService;
  clock: Clock;
  logger: Logger;
}

/**
 * The specifications of one archived fiscal year (DESIGN S3), next to its SAF-T file in the same folder, over the same
 * selection. All are read in one REPEATABLE READ snapshot, so they agree with each other.
 *
 * Idempotent like the SAF-T file: a kind whose document is recorded and whose file is in storage with its recorded
 * size is skipped; the others are written again (atomically, through the storage) and upserted on (relationship,
 * kind, fiscal year). Nothing in a file depends on when it is written, so the same books give the same bytes.
 */
export async function generateSpecifications(
  deps: SpecificationDeps,
  relationship: CustomerRelationship,
  client: Client,
  year: ArchivedFiscalYear,
  storageKeyOf: (fileName: string) => string,
): Promise<void> {
  const { dataSource, storage, logger } = deps;
  const existing = await dataSource.getRepository(ArchiveDocument).findBy({ relationshipId: relationship.id, fiscalYear: year.fiscalYear });
  const todo: Array<(typeof SPECIFICATIONS)[number] & { fileName: string; storageKey: string }> = [];
  for (const spec of SPECIFICATIONS) {
    const document = existing.find((d) => d.kind === spec.kind);
    if (document && (await storage.size(document.storageKey)) === document.byteSize) continue;
    const fileName = specificationFileName(spec.name, client.organizationNumber, year.fiscalYear);
    todo.push({ ...spec, fileName, storageKey: storageKeyOf(fileName) });
  }
  if (todo.length === 0) return;

  const written: Array<(typeof todo)[number] & { stored: StoredFile }> = [];
  await inReadSnapshot(dataSource, async (runner) => {
    const books = await readSpecificationBooks(runner, { clientId: client.id, start: year.selectionStart, end: year.selectionEnd });
    for (const spec of todo) {
      const { stored, result: rows } = await storeFile(storage, spec.storageKey, async (stream) => {
        const csv = new CsvWriter(stream);
        await spec.write(csv, runner, books);
        await csv.flush();
        return csv.rows;
      });
      written.push({ ...spec, stored });
      logger.info({ relationshipId: relationship.id, fiscalYear: year.fiscalYear, kind: spec.kind, rows, bytes: stored.byteSize }, 'specification archived');
    }
  });

  await runInTransaction(
    dataSource,
    (uow) =>
      recordGeneratedDocuments(
        uow,
        deps,
        { relationshipId: relationship.id, clientId: client.id, year },
        written.map(({ kind, fileName, storageKey, stored }) => ({ kind, fileName, contentType: SPECIFICATION_CONTENT_TYPE, storageKey, stored })),
      ),
    { logger },
  );
}
