import type { DataSource } from 'typeorm';
import { SYSTEM_ACTOR, type AuditService } from '../audit/audit.service';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { runInTransaction } from '../db/unit-of-work';
import { NotificationKind } from '../notifications/notification.entity';
import type { NotificationService } from '../notifications/notification.service';
import { PartnerMembership, PartnerRight } from '../partners/partner-membership.entity';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ArchiveBackupState, ArchiveDocument, ArchiveIntegrity } from './archive-document.entity';
import { copyVerified, hashStored, RateLimiter, type ArchiveStorage, type StoredFile } from './archive-storage';

/** What the fixity check needs. */
export interface FixityDeps {
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  audit: AuditService;
  notifications: NotificationService;
  storage: ArchiveStorage;
  /** The backup copy (ARCHIVE_BACKUP), or null. */
  backup: ArchiveStorage | null;
  /** Bytes read per second at most, over both copies (ARCHIVE_FIXITY_RATE). */
  bytesPerSecond: number;
  /** Called for each document found damaged for the first time (the worker's metric). */
  onDamaged?: () => void;
  /** Called for each copy rebuilt from the other (the worker's metric). */
  onRepaired?: (copy: 'original' | 'backup') => void;
}

export interface FixitySummary {
  documents: number;
  bytesRead: number;
  intact: number;
  /** Originals rebuilt from the backup. */
  repairedOriginals: number;
  /** Backup copies rebuilt (or first written) from the original. */
  repairedBackups: number;
  /** Documents with no intact copy (all of them, also those known before). */
  damaged: number;
  /** Of those, found damaged by this run (alerted now). */
  newlyDamaged: number;
  /** Documents that could not be read (the store did not answer); checked again next run. */
  unreadable: number;
  seconds: number;
}

const BATCH = 200;

const matches = (found: StoredFile | null, document: ArchiveDocument) => found !== null && found.sha256 === document.sha256 && found.byteSize === document.byteSize;

/**
 * The fixity check (DESIGN S10): re-reads every recorded document in both copies at a bounded rate, recomputes its
 * SHA-256, and repairs a missing or corrupt copy from the good one (a verified copy: the target shows the new file only
 * when its bytes are the recorded ones). A document with no good copy is marked DAMAGED — once, with an audit event,
 * a metric and a notification to the partner's ARCHIVE users — and stays listed. A document found intact again (a copy
 * restored by hand) is INTACT again. Idempotent; the scheduled job and `npm run cli -- archive verify` run it.
 */
export async function verifyArchive(deps: FixityDeps, options: { clientId?: string; documentId?: string } = {}): Promise<FixitySummary> {
  const { dataSource, clock, logger, backup } = deps;
  const started = Date.now();
  const limiter = new RateLimiter(deps.bytesPerSecond);
  const summary: FixitySummary = { documents: 0, bytesRead: 0, intact: 0, repairedOriginals: 0, repairedBackups: 0, damaged: 0, newlyDamaged: 0, unreadable: 0, seconds: 0 };
  let after = '0';
  for (;;) {
    const query = dataSource.getRepository(ArchiveDocument).createQueryBuilder('d').where('d.id > :after', { after }).orderBy('d.id', 'ASC').limit(BATCH);
    if (options.clientId) query.andWhere('d.client_id = :clientId', { clientId: options.clientId });
    if (options.documentId) query.andWhere('d.id = :documentId', { documentId: options.documentId });
    const documents = await query.getMany();
    if (documents.length === 0) break;
    for (const document of documents) {
      summary.documents++;
      try {
        await checkDocument(deps, document, limiter, summary);
      } catch (err) {
        summary.unreadable++;
        logger.warn({ err, documentId: document.id, storageKey: document.storageKey }, 'fixity: could not check the document; it is checked again next run');
      }
    }
    after = documents[documents.length - 1].id;
  }
  summary.seconds = (Date.now() - started) / 1000;
  logger.info({ ...summary, backup: backup !== null, now: clock.now().toISOString() }, 'archive fixity check done');
  return summary;
}

async function checkDocument(deps: FixityDeps, document: ArchiveDocument, limiter: RateLimiter, summary: FixitySummary): Promise<void> {
  const { dataSource, clock, storage, backup } = deps;
  const original = await hashStored(storage, document.storageKey, limiter);
  const copy = backup ? await hashStored(backup, document.storageKey, limiter) : null;
  summary.bytesRead += (original?.byteSize ?? 0) + (copy?.byteSize ?? 0);
  const originalGood = matches(original, document);
  const copyGood = backup ? matches(copy, document) : false;
  const now = clock.now();
  const problem = (found: StoredFile | null) => (found === null ? 'missing' : `${found.byteSize} bytes with SHA-256 ${found.sha256}`);

  if (!originalGood && !copyGood) {
    summary.damaged++;
    if (document.integrity === ArchiveIntegrity.DAMAGED) {
      await dataSource.getRepository(ArchiveDocument).update({ id: document.id }, { integrityCheckedAt: now });
      return;
    }
    summary.newlyDamaged++;
    await markDamaged(deps, document, { original: problem(original), backup: backup ? problem(copy) : 'no backup store' });
    deps.onDamaged?.();
    return;
  }

  const repaired: string[] = [];
  if (!originalGood) {
    await copyVerified(backup!, storage, document.storageKey, document, limiter);
    repaired.push('original');
    summary.repairedOriginals++;
    deps.onRepaired?.('original');
  }
  const wasVerified = document.backupState === ArchiveBackupState.VERIFIED;
  if (backup && !copyGood) {
    await copyVerified(storage, backup, document.storageKey, document, limiter);
    // A copy not made yet (PENDING) is made here too; only a lost or changed verified copy is a repair.
    if (wasVerified) {
      repaired.push('backup');
      summary.repairedBackups++;
      deps.onRepaired?.('backup');
    }
  }
  summary.intact++;
  await runInTransaction(dataSource, async (uow) => {
    await uow.repo(ArchiveDocument).update(
      { id: document.id, sha256: document.sha256 },
      {
        integrity: ArchiveIntegrity.INTACT,
        integrityCheckedAt: now,
        ...(backup ? { backupState: ArchiveBackupState.VERIFIED, backupVerifiedAt: now } : {}),
      },
    );
    if (repaired.length > 0 || document.integrity === ArchiveIntegrity.DAMAGED) {
      await deps.audit.record(uow, SYSTEM_ACTOR, {
        action: 'ARCHIVE_DOCUMENT_REPAIRED',
        clientId: document.clientId,
        relationshipId: document.relationshipId,
        before: { integrity: document.integrity, original: originalGood ? 'intact' : problem(original), backup: backup ? (copyGood ? 'intact' : problem(copy)) : null },
        after: { integrity: ArchiveIntegrity.INTACT, repaired, fileName: document.fileName, fiscalYear: document.fiscalYear, sha256: document.sha256 },
      });
    }
  }, { logger: deps.logger });
}

/** DAMAGED, audited, and the partner's ARCHIVE users notified, in one transaction (DESIGN S10, A4, S6). */
async function markDamaged(deps: FixityDeps, document: ArchiveDocument, found: { original: string; backup: string }): Promise<void> {
  const { dataSource, clock, logger } = deps;
  logger.error({ documentId: document.id, storageKey: document.storageKey, ...found }, 'fixity: no intact copy of an archive document');
  await runInTransaction(dataSource, async (uow) => {
    await uow.repo(ArchiveDocument).update({ id: document.id }, { integrity: ArchiveIntegrity.DAMAGED, integrityCheckedAt: clock.now() });
    await deps.audit.record(uow, SYSTEM_ACTOR, {
      action: 'ARCHIVE_DOCUMENT_DAMAGED',
      clientId: document.clientId,
      relationshipId: document.relationshipId,
      before: { integrity: document.integrity },
      after: { integrity: ArchiveIntegrity.DAMAGED, fileName: document.fileName, fiscalYear: document.fiscalYear, sha256: document.sha256, ...found },
    });
    const relationship = await uow.repo(CustomerRelationship).findOneBy({ id: document.relationshipId });
    if (!relationship) return;
    const members = await uow.repo(PartnerMembership).findBy({ partnerId: relationship.partnerId });
    const archivists = members.filter((m) => m.rights.includes(PartnerRight.ARCHIVE)).map((m) => m.userId).sort();
    const name = relationship.clientName ?? document.clientId;
    await deps.notifications.notify(
      uow,
      ...archivists.map((userId) => ({
        userId,
        kind: NotificationKind.ARCHIVE_DOCUMENT_DAMAGED,
        clientId: document.clientId,
        message: `The archive document ${document.fileName} (fiscal year ${document.fiscalYear}) of ${name} is damaged: no copy has its recorded SHA-256. It stays listed; restore it from another backup.`,
      })),
    );
  }, { logger });
}
