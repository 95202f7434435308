import { SYSTEM_ACTOR, type AuditService } from '../audit/audit.service';
import type { Clock } from '../common/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import type { ArchivedFiscalYear } from '../ledger/fiscal-years';
import type { ArchiveDocumentKind } from './archive-document.entity';
import type { StoredFile } from './archive-storage';

/** A file the generation wrote into the archive storage, to be recorded as an ArchiveDocument. */
export interface GeneratedDocument {
  kind: ArchiveDocumentKind;
  fileName: string;
  contentType: string;
  storageKey: string;
  stored: StoredFile;
}

/**
 * Records generated files of one fiscal year as archive documents, each with an audit event (DESIGN S3, A4). An upsert
 * by (relationship, kind, fiscal year): a retry that wrote a file again updates its row, never duplicates it; other bytes
 * than recorded make its backup copy PENDING again (DESIGN S10; the assignments run in order, before `sha256` changes).
 */
export async function recordGeneratedDocuments(
  uow: UnitOfWork,
  deps: { audit: AuditService; clock: Clock },
  owner: { relationshipId: string; clientId: string; year: ArchivedFiscalYear },
  documents: GeneratedDocument[],
): Promise<void> {
  const { relationshipId, clientId, year } = owner;
  for (const { kind, fileName, contentType, storageKey, stored } of documents) {
    await uow.manager.query(
      `INSERT INTO archive_documents (relationship_id, client_id, kind, fiscal_year, fiscal_year_end, file_name, content_type, byte_size, sha256, storage_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE backup_state = IF(sha256 = VALUES(sha256), backup_state, 'PENDING'), integrity = IF(sha256 = VALUES(sha256), integrity, 'UNCHECKED'),
         fiscal_year_end = VALUES(fiscal_year_end), file_name = VALUES(file_name), content_type = VALUES(content_type),
         byte_size = VALUES(byte_size), sha256 = VALUES(sha256), storage_key = VALUES(storage_key)`,
      [relationshipId, clientId, kind, year.fiscalYear, year.end, fileName, contentType, stored.byteSize, stored.sha256, storageKey, deps.clock.now()],
    );
    await deps.audit.record(uow, SYSTEM_ACTOR, {
      action: 'ARCHIVE_DOCUMENT_GENERATED',
      clientId,
      relationshipId,
      after: { kind, fiscalYear: year.fiscalYear, selectionStart: year.selectionStart, selectionEnd: year.selectionEnd, fileName, byteSize: stored.byteSize, sha256: stored.sha256 },
    });
  }
}
