import { DataSource, In, Not } from 'typeorm';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { ArchiveBackupState, ArchiveDocument, ArchiveIntegrity } from './archive-document.entity';
import { copyVerified, hashStored, type ArchiveStorage } from './archive-storage';

/** What a backup copy needs. */
export interface BackupDeps {
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  storage: ArchiveStorage;
  /** The copy kept apart (ARCHIVE_BACKUP). */
  backup: ArchiveStorage;
}

export type BackupOutcome = 'copied' | 'already-there' | 'verified-before' | 'gone';

/**
 * Copies one recorded document to the backup store and checks the copy's SHA-256 (DESIGN S10). Idempotent: a VERIFIED
 * document is left alone; a copy already there with the recorded SHA-256 is only marked. The original is read and
 * hashed on the way, so a copy is written only when the bytes are the recorded ones — otherwise the job fails (and is
 * retried), and the fixity check repairs or reports the original.
 */
export async function copyToBackup(deps: BackupDeps, documentId: string): Promise<BackupOutcome> {
  const { dataSource, clock, logger, storage, backup } = deps;
  const document = await dataSource.getRepository(ArchiveDocument).findOneBy({ id: documentId });
  if (!document) return 'gone';
  if (document.backupState === ArchiveBackupState.VERIFIED) return 'verified-before';
  const present = await hashStored(backup, document.storageKey);
  let outcome: BackupOutcome = 'already-there';
  if (!present || present.sha256 !== document.sha256 || present.byteSize !== document.byteSize) {
    await copyVerified(storage, backup, document.storageKey, document);
    outcome = 'copied';
  }
  // Only the row that still has the bytes copied: a regeneration in between made it PENDING with another SHA-256.
  const marked = await dataSource
    .getRepository(ArchiveDocument)
    .update({ id: document.id, sha256: document.sha256, backupState: ArchiveBackupState.PENDING }, { backupState: ArchiveBackupState.VERIFIED, backupVerifiedAt: clock.now() });
  if (!marked.affected && !(await dataSource.getRepository(ArchiveDocument).existsBy({ id: document.id }))) {
    // Retention deleted the document while it was copied: the copy goes too (DESIGN S10: never kept in one copy only).
    await backup.delete(document.storageKey);
    return 'gone';
  }
  logger.debug({ documentId, outcome }, 'archive backup copy verified');
  return outcome;
}

/**
 * Documents whose backup copy is still to be made, oldest first: the rows are the truth (DESIGN S2). A DAMAGED document
 * has no good copy to make one from; the fixity check makes it when the original is restored.
 */
export async function pendingBackupIds(dataSource: DataSource, limit: number): Promise<string[]> {
  const rows = await dataSource
    .getRepository(ArchiveDocument)
    .find({ select: { id: true }, where: { backupState: In([ArchiveBackupState.PENDING]), integrity: Not(ArchiveIntegrity.DAMAGED) }, order: { id: 'ASC' }, take: limit });
  return rows.map((r) => r.id);
}

/** Puts backup copies on their queue after the commit that recorded the documents; the sweeper queues what it misses. */
export interface BackupTrigger {
  queued(documentIds: string[]): Promise<void>;
}

/** For processes that run no queue, or installations without a backup store. */
export const noBackupTrigger: BackupTrigger = { queued: async () => undefined };
