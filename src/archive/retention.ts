import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import { SYSTEM_ACTOR, type AuditService } from '../audit/audit.service';
import type { Logger } from '../common/logger';
import { runInTransaction } from '../db/unit-of-work';
import { keepUntil, MINIMUM_RETENTION_YEARS } from '../ledger/fiscal-years';
import { ArchiveDocument } from './archive-document.entity';
import type { ArchiveStorage } from './archive-storage';

/** What applying retention needs. */
export interface RetentionDeps {
  dataSource: DataSource;
  /** Where the documents' files are. */
  storage: ArchiveStorage;
  /** The backup copy kept apart (ARCHIVE_BACKUP), deleted with the original: never one kept without the other (S10). */
  backup?: ArchiveStorage | null;
  audit: AuditService;
  logger: Logger;
}

export interface RetentionResult {
  deleted: number;
}

/**
 * Retention (DESIGN S5, S8): deletes the archive documents — generated and uploaded alike — kept past `keepUntil` (the
 * client's retention years) on `today` (a Europe/Oslo date), except those of clients on legal hold, each
 * with its file and the folders left empty, and audits every deletion. Run yearly on 1 January; idempotent — a run
 * that died half way is finished by the next, and a second run deletes nothing.
 *
 * The file goes first — the original and its backup copy (DESIGN S10) — then the row and its audit event in one transaction: a crash in between leaves a row whose
 * file is gone, which the next run deletes; never a file nobody knows about.
 */
export async function applyRetention(deps: RetentionDeps, today: string): Promise<RetentionResult> {
  const { dataSource, storage, audit, logger } = deps;
  const backup = deps.backup ?? null;
  // Only documents at least 5 years past their fiscal year's end can be due; the per-client duty is checked below.
  const candidateBefore = DateTime.fromISO(today, { zone: 'UTC' }).minus({ years: MINIMUM_RETENTION_YEARS }).toISODate()!;
  const candidates: Array<{ id: string; fiscal_year_end: string; retention_years: number }> = await dataSource.query(
    // A client on legal hold keeps everything, also what was due before the hold was set.
    `SELECT d.id, d.fiscal_year_end, c.retention_years FROM archive_documents d JOIN clients c ON c.id = d.client_id
      WHERE d.fiscal_year_end < ? AND c.legal_hold = 0 ORDER BY d.id`,
    [candidateBefore],
  );
  let deleted = 0;
  for (const candidate of candidates) {
    if (keepUntil(candidate.fiscal_year_end, Number(candidate.retention_years)) >= today) continue;
    const document = await dataSource.getRepository(ArchiveDocument).findOneBy({ id: String(candidate.id) });
    if (!document) continue;
    await storage.delete(document.storageKey);
    if (backup) await backup.delete(document.storageKey);
    await runInTransaction(
      dataSource,
      async (uow) => {
        const result = await uow.repo(ArchiveDocument).delete({ id: document.id });
        if (!result.affected) return;
        await audit.record(uow, SYSTEM_ACTOR, {
          action: 'ARCHIVE_DOCUMENT_DELETED',
          clientId: document.clientId,
          relationshipId: document.relationshipId,
          before: {
            kind: document.kind,
            // Uploaded documentation goes with its folder, like the generated files (S8).
            source: document.source,
            fiscalYear: document.fiscalYear,
            fiscalYearEnd: document.fiscalYearEnd,
            fileName: document.fileName,
            byteSize: document.byteSize,
            sha256: document.sha256,
          },
          after: { reason: 'retention', keptUntil: keepUntil(document.fiscalYearEnd, Number(candidate.retention_years)), today, copiesDeleted: backup ? ['original', 'backup'] : ['original'] },
        });
        deleted++;
      },
      { logger },
    );
  }
  if (deleted > 0) logger.info({ deleted, today }, 'archive retention applied');
  return { deleted };
}
