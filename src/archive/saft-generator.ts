import type { DataSource } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import { Client } from '../clients/client.entity';
import { osloToday, type Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { inReadSnapshot } from '../db/read-snapshot';
import { runInTransaction } from '../db/unit-of-work';
import { fiscalYearsToArchive, type ArchivedFiscalYear } from '../ledger/fiscal-years';
import { ledgerSaftSource } from '../ledger/ledger-source';
import { Partner } from '../partners/partner.entity';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { writeSaft, type SaftContactPerson, type SaftHeader } from '../saft';
import { User } from '../users/user.entity';
import { ArchiveDocument, ArchiveDocumentFormat, ArchiveDocumentKind } from './archive-document.entity';
import { isStored, storeFile, type ArchiveStorage } from './archive-storage';
import { recordGeneratedDocuments, type GeneratedDocument } from './generated-documents';
import type { MandatoryDataGenerator } from './mandatory-data';
import { archiveIndexFileName, writeArchiveIndex, type IndexedDocument } from './specifications/archive-index';
import { writeSpecifications } from './specifications/generator';
import type { SpecificationIdentity } from './specifications/identity';
import { PDF_CONTENT_TYPE } from './specifications/pdf-report';

export const SAFT_CONTENT_TYPE = 'application/xml';
const SOFTWARE = { softwareCompanyName: 'Klient Admin', softwareId: 'Klient Admin', softwareVersion: '1.0' };

/** `SAF-T Financial_<orgnr>_<fiscalYear>.xml` (Skatteetaten's pattern, with the fiscal year instead of a timestamp). */
export function saftFileName(organizationNumber: string, fiscalYear: number): string {
  return `SAF-T Financial_${organizationNumber}_${fiscalYear}.xml`;
}

/** The storage key: a folder per client / relationship / fiscal year. */
export function archiveKey(clientId: string, relationshipId: string, fiscalYear: number, fileName: string): string {
  return `${clientId}/${relationshipId}/${fiscalYear}/${fileName}`;
}

/** A SAF-T contact person from an unstructured name: last word as last name; one word → `NotUsed` + the name. */
export function contactPersonOf(name: string | null | undefined): SaftContactPerson {
  const words = (name ?? '').trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return { firstName: 'NotUsed', lastName: 'NotUsed' };
  if (words.length === 1) return { firstName: 'NotUsed', lastName: words[0] };
  return { firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1] };
}

export interface SaftGeneratorDeps {
  dataSource: DataSource;
  storage: ArchiveStorage;
  audit: AuditService;
  clock: Clock;
  logger: Logger;
  /**
   * False: the SAF-T file alone, without the specifications and the archive index — never in the product (the task
   * always writes the whole folder); the benchmark measures what the specifications add to the SAF-T file.
   */
  specifications?: boolean;
}

/**
 * The mandatory accounting data of an ended relationship (DESIGN S3): one SAF-T Financial 1.30 file per fiscal year
 * that overlaps the responsibility period (at most 5 years back), streamed from the books to the archive storage.
 *
 * Idempotent: a fiscal year whose document is recorded and whose file is in storage with its recorded size is
 * skipped; otherwise the file is written again (atomically: temporary name, fsync, rename) and the document upserted
 * on (relationship, kind, fiscal year). The file's creation date is the generation date, so the same books give the
 * same bytes. A file breaking the SAF-T rules (SaftIntegrityError) is discarded and the error thrown: the task fails
 * visibly and is retried.
 */
export class SaftMandatoryDataGenerator implements MandatoryDataGenerator {
  constructor(private readonly deps: SaftGeneratorDeps) {}

  async generate(relationshipId: string): Promise<void> {
    const { dataSource } = this.deps;
    const relationship = await dataSource.getRepository(CustomerRelationship).findOneBy({ id: relationshipId });
    if (!relationship) throw new Error(`no customer relationship ${relationshipId}`);
    if (!relationship.responsibilityFrom || !relationship.responsibilityTo) {
      throw new Error(`customer relationship ${relationshipId} has no responsibility period`);
    }
    const client = await dataSource.getRepository(Client).findOneByOrFail({ id: relationship.clientId });
    const partner = await dataSource.getRepository(Partner).findOneByOrFail({ id: relationship.partnerId });
    const admin = client.subscriptionAdminUserId ? await dataSource.getRepository(User).findOneBy({ id: client.subscriptionAdminUserId }) : null;
    const generationDate = relationship.generationDate ?? osloToday(this.deps.clock);

    const years = fiscalYearsToArchive(relationship.responsibilityFrom, relationship.responsibilityTo, client.fiscalYearStartMonth, generationDate);
    for (const year of years) {
      const header: SaftHeader = {
        ...SOFTWARE,
        dateCreated: generationDate,
        company: { registrationNumber: client.organizationNumber, name: client.name, contact: contactPersonOf(admin?.name) },
        defaultCurrencyCode: 'NOK',
        selectionStartDate: year.selectionStart,
        selectionEndDate: year.selectionEnd,
        headerComment: `Pliktig regnskapsdata, regnskapsår ${year.start}–${year.end}, ansvarsperiode ${relationship.responsibilityFrom}–${relationship.responsibilityTo}`,
        auditFileSender: { name: partner.name, ...(partner.organizationNumber ? { registrationNumber: partner.organizationNumber } : {}) },
      };
      const identity: SpecificationIdentity = {
        companyName: client.name,
        organizationNumber: client.organizationNumber,
        fiscalYear: year.fiscalYear,
        fiscalYearStart: year.start,
        fiscalYearEnd: year.end,
        selectionStart: year.selectionStart,
        selectionEnd: year.selectionEnd,
        responsibilityFrom: relationship.responsibilityFrom,
        responsibilityTo: relationship.responsibilityTo,
        prepared: generationDate,
        system: `${SOFTWARE.softwareId} ${SOFTWARE.softwareVersion}`,
        vatTerm: client.vatTerm,
      };
      await this.generateYear(relationship, client, year, header, identity);
    }
  }

  /**
   * One fiscal year: the SAF-T file and the specifications the bookkeeping regulations require
   * (src/archive/specifications), in the same folder, written at the same time on two connections — while one waits
   * for MariaDB (an aggregate, a sort), the other formats — each in its own snapshot. The year's new documents are
   * recorded together once both have succeeded; when either fails, the files the other wrote are removed again, so
   * a failed year leaves no file and no document behind, and the task's retry starts over.
   */
  private async generateYear(relationship: CustomerRelationship, client: Client, year: ArchivedFiscalYear, header: SaftHeader, identity: SpecificationIdentity): Promise<void> {
    const { dataSource, storage, logger } = this.deps;
    const keyOf = (fileName: string) => archiveKey(client.id, relationship.id, year.fiscalYear, fileName);
    const existing = await dataSource.getRepository(ArchiveDocument).findBy({ relationshipId: relationship.id, fiscalYear: year.fiscalYear });
    const written: GeneratedDocument[] = [];
    const withSpecifications = this.deps.specifications !== false;
    const outcomes = await Promise.allSettled([
      this.writeSaftFile(relationship, client, year, header, existing, keyOf, written),
      ...(withSpecifications ? [writeSpecifications(this.deps, relationship, client.id, identity, year, existing, keyOf, written)] : []),
    ]);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) {
      for (const document of written) {
        // The year's failure is what the task must report; a file that cannot be removed is only logged (the retry
        // writes it again, and an unrecorded file is never offered for download).
        await storage.delete(document.storageKey).catch((err) => logger.warn({ err, storageKey: document.storageKey }, 'could not remove a file of a failed generation'));
      }
      throw failure.reason;
    }
    try {
      if (withSpecifications) await this.writeIndex(identity, year, existing, keyOf, written);
    } catch (error) {
      for (const document of written) {
        await storage.delete(document.storageKey).catch((err) => logger.warn({ err, storageKey: document.storageKey }, 'could not remove a file of a failed generation'));
      }
      throw error;
    }
    if (written.length === 0) return;
    await runInTransaction(
      dataSource,
      (uow) => recordGeneratedDocuments(uow, this.deps, { relationshipId: relationship.id, clientId: client.id, year }, written),
      { logger },
    );
  }

  /**
   * The folder's ARCHIVE_INDEX (PDF): written when any file of the year was written now, or when it is not in storage;
   * it lists the year's documents as they will be recorded (not itself). Deterministic like the others.
   */
  private async writeIndex(identity: SpecificationIdentity, year: ArchivedFiscalYear, existing: ArchiveDocument[], keyOf: (fileName: string) => string, written: GeneratedDocument[]): Promise<void> {
    const { storage, logger } = this.deps;
    const kind = ArchiveDocumentKind.ARCHIVE_INDEX;
    const recorded = existing.find((d) => d.kind === kind);
    if (written.length === 0 && (await isStored(storage, recorded))) return;
    const same = (a: { kind: ArchiveDocumentKind; format: ArchiveDocumentFormat }, b: { kind: ArchiveDocumentKind; format: ArchiveDocumentFormat }) => a.kind === b.kind && a.format === b.format;
    const documents: IndexedDocument[] = [
      ...existing.filter((d) => d.kind !== kind && !written.some((w) => same(w, d) && d.uploadId === '0')),
      ...written.map((w) => ({ kind: w.kind, format: w.format, fileName: w.fileName, byteSize: w.stored.byteSize, sha256: w.stored.sha256 })),
    ];
    const fileName = archiveIndexFileName(identity.organizationNumber, year.fiscalYear);
    const storageKey = keyOf(fileName);
    const { stored } = await storeFile(storage, storageKey, (stream) => writeArchiveIndex(stream, identity, documents));
    written.push({ kind, format: ArchiveDocumentFormat.PDF, fileName, contentType: PDF_CONTENT_TYPE, storageKey, stored });
    logger.info({ fiscalYear: year.fiscalYear, documents: documents.length, bytes: stored.byteSize }, 'archive index written');
  }

  /** The year's SAF-T file, unless `existing` has it recorded and in storage with its recorded size; added to `written`. */
  private async writeSaftFile(
    relationship: CustomerRelationship,
    client: Client,
    year: ArchivedFiscalYear,
    header: SaftHeader,
    existing: ArchiveDocument[],
    keyOf: (fileName: string) => string,
    written: GeneratedDocument[],
  ): Promise<void> {
    const { dataSource, storage, logger } = this.deps;
    const kind = ArchiveDocumentKind.SAFT_FINANCIAL;
    if (await isStored(storage, existing.find((document) => document.kind === kind))) return;

    const fileName = saftFileName(client.organizationNumber, year.fiscalYear);
    const storageKey = keyOf(fileName);
    // One snapshot for the aggregates and the cursor, so balances, totals and vouchers agree.
    const { stored, result: summary } = await inReadSnapshot(dataSource, async (runner) => {
      const source = await ledgerSaftSource(runner, { clientId: client.id, start: year.selectionStart, end: year.selectionEnd }, header, logger);
      return storeFile(storage, storageKey, (stream) => writeSaft(stream, source));
    });
    written.push({ kind, format: ArchiveDocumentFormat.XML, fileName, contentType: SAFT_CONTENT_TYPE, storageKey, stored });
    logger.info({ relationshipId: relationship.id, fiscalYear: year.fiscalYear, transactions: summary.transactions, lines: summary.lines, bytes: stored.byteSize }, 'SAF-T file written');
  }
}
