import { randomBytes } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { toGlobalId } from '../common/global-id';
import { WebhookEventType } from '../integrations/integration.entities';
import type { WebhookEvents } from '../integrations/webhook-events';
import { ZipFile } from 'yazl';
import { osloToday, type Clock } from '../common/clock';
import { DomainError } from '../common/domain-errors';
import type { Logger } from '../common/logger';
import { runInTransaction } from '../db/unit-of-work';
import { NotificationKind } from '../notifications/notification.entity';
import type { NotificationService } from '../notifications/notification.service';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ArchiveExport, ArchiveExportRelationship, ArchiveExportState } from './archive-export.entity';
import { exportKey } from './archive-ids';
import { storeFile, type ArchiveStorage } from './archive-storage';
import { addBag, endZip, type BagWriting } from './bagit';
import { checkFolderStored, folderBag, type FolderBag } from './packages';

/** What building an export needs. */
export interface ExportRunnerDeps {
  dataSource: DataSource;
  storage: ArchiveStorage;
  clock: Clock;
  logger: Logger;
  /** Tells the requester it is READY (ARCHIVE_EXPORT_READY). */
  notifications: NotificationService;
  /** How long a READY export can be downloaded (ARCHIVE_EXPORT_TTL). */
  exportTtlSeconds: number;
  /** Records ARCHIVE_EXPORT_READY for the webhooks of the partners whose folders the export holds. */
  webhookEvents?: WebhookEvents;
}

export type ExportRunResult = { outcome: 'ready'; export: ArchiveExport } | { outcome: 'skipped'; state: ArchiveExportState | 'MISSING' };

/** A try that failed, with a public message (stored in `error`); `permanent` when no retry follows. */
export class ExportAttemptFailed extends DomainError {
  override name = 'ExportAttemptFailed';
  constructor(
    message: string,
    readonly permanent: boolean,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** How often, at most, progress is written while the ZIP is built. */
const PROGRESS_EVERY_MS = 1000;

/**
 * Builds one export (DESIGN S9, S2), idempotently: re-reads the row, does nothing when it is READY, EXPIRED or out of
 * tries, claims it (RUNNING, one more attempt), writes the ZIP to storage — one folder `<organizationNumber>` per
 * relationship holding its bag, `progress` updated as the payload goes by — and records READY with size, SHA-256 and
 * expiry, notifying the requester, in one transaction. The ZIP is written under a temporary name and renamed when
 * whole (the storage's `create`), so a try that dies leaves nothing under the export's key; a retry writes it anew.
 * A failure is recorded (FAILED, `error`) and thrown for the queue to retry with backoff.
 */
export async function runExport(deps: ExportRunnerDeps, exportId: string, options: { maxAttempts: number }): Promise<ExportRunResult> {
  const { dataSource, clock, logger, storage } = deps;
  const claimed = await runInTransaction(dataSource, async (uow) => {
    const row = await uow.repo(ArchiveExport).createQueryBuilder('e').setLock('pessimistic_write').where('e.id = :exportId', { exportId }).getOne();
    if (!row) return { outcome: 'skipped', state: 'MISSING' } as const;
    if (row.state === ArchiveExportState.READY || row.state === ArchiveExportState.EXPIRED) return { outcome: 'skipped', state: row.state } as const;
    if (row.state === ArchiveExportState.FAILED && row.attempts >= options.maxAttempts) return { outcome: 'skipped', state: row.state } as const;
    row.state = ArchiveExportState.RUNNING;
    row.attempts += 1;
    row.progress = 0;
    await uow.repo(ArchiveExport).update({ id: row.id }, { state: row.state, attempts: row.attempts, progress: 0 });
    return { outcome: 'claimed', row } as const;
  });
  if (claimed.outcome !== 'claimed') return claimed;
  const row = claimed.row;

  try {
    const members = await dataSource.getRepository(ArchiveExportRelationship).find({ where: { exportId }, order: { position: 'ASC' } });
    const today = osloToday(clock);
    const bags: Array<{ root: string; bag: FolderBag }> = [];
    const roots = new Map<string, number>();
    for (const member of members) {
      const relationship = await dataSource.getRepository(CustomerRelationship).findOneByOrFail({ id: member.relationshipId });
      const bag = await folderBag(dataSource.manager, relationship, today);
      // One folder per relationship, named by the organization number; a second ending of the same client gets `-2`.
      const seen = (roots.get(bag.info.organizationNumber) ?? 0) + 1;
      roots.set(bag.info.organizationNumber, seen);
      const root = `${bag.info.organizationNumber}${seen > 1 ? `-${seen}` : ''}/`;
      await checkFolderStored(storage, bag, root);
      bags.push({ root, bag });
    }

    const total = bags.reduce((sum, { bag }) => sum + bag.documents.reduce((s, d) => s + d.byteSize, 0), 0);
    let done = 0;
    let lastWritten = 0;
    const onBytes = (n: number) => {
      done += n;
      const now = Date.now();
      if (now - lastWritten < PROGRESS_EVERY_MS || total === 0) return;
      lastWritten = now;
      // Progress is for people watching; a write that fails is not worth failing the export for.
      void dataSource
        .getRepository(ArchiveExport)
        .update({ id: exportId, state: ArchiveExportState.RUNNING }, { progress: Math.min(0.99, done / total) })
        .catch((err) => logger.warn({ err, exportId }, 'could not record export progress'));
    };
    const { stored } = await storeFile(storage, exportKey(exportId), async (stream) => {
      const zip = new ZipFile();
      const writings: BagWriting[] = bags.map(({ root, bag }) => addBag(zip, root, bag.info, bag.documents, storage, onBytes));
      const failed = new Promise<never>((_resolve, reject) =>
        zip.on('error', (error: Error) => {
          for (const writing of writings) writing.stop();
          reject(error);
        }),
      );
      failed.catch(() => undefined);
      await endZip(zip);
      const written = new Promise<void>((resolve, reject) => {
        zip.outputStream.on('error', reject);
        stream.on('error', reject);
        stream.on('finish', resolve);
        zip.outputStream.pipe(stream);
      });
      await Promise.race([written, failed]);
    });

    const ready = await runInTransaction(
      dataSource,
      async (uow) => {
        const current = await uow.repo(ArchiveExport).createQueryBuilder('e').setLock('pessimistic_write').where('e.id = :exportId', { exportId }).getOne();
        if (!current || current.state !== ArchiveExportState.RUNNING) return current;
        const now = clock.now();
        const expiresAt = new Date(now.getTime() + deps.exportTtlSeconds * 1000);
        const values = { state: ArchiveExportState.READY, progress: 1, byteSize: stored.byteSize, sha256: stored.sha256, storageKey: exportKey(exportId), error: null, finishedAt: now, expiresAt };
        await uow.repo(ArchiveExport).update({ id: exportId }, values);
        await deps.notifications.notify(uow, {
          userId: current.requestedByUserId,
          kind: NotificationKind.ARCHIVE_EXPORT_READY,
          message: `Your archive export of ${current.relationshipCount} relationship${current.relationshipCount === 1 ? '' : 's'} can be downloaded until ${expiresAt.toISOString()}.`,
        });
        if (deps.webhookEvents) {
          const relationships = await uow.repo(CustomerRelationship).find({ where: { id: In(members.map((m) => m.relationshipId)) }, select: { id: true, partnerId: true } });
          for (const partnerId of new Set(relationships.map((r) => r.partnerId))) {
            await deps.webhookEvents.record(uow, partnerId, WebhookEventType.ARCHIVE_EXPORT_READY, {
              exportId: toGlobalId('ArchiveExport', exportId),
              relationshipIds: relationships.filter((r) => r.partnerId === partnerId).map((r) => toGlobalId('CustomerRelationship', r.id)),
              downloadPath: `/archive/exports/${toGlobalId('ArchiveExport', exportId)}`,
              expiresAt: expiresAt.toISOString(),
            });
          }
        }
        return Object.assign(current, values);
      },
      { logger },
    );
    logger.info({ exportId, bytes: stored.byteSize, relationships: bags.length }, 'archive export ready');
    return ready && ready.state === ArchiveExportState.READY ? { outcome: 'ready', export: ready } : { outcome: 'skipped', state: ready?.state ?? 'MISSING' };
  } catch (error) {
    const permanent = row.attempts >= options.maxAttempts;
    const reference = randomBytes(5).toString('hex');
    const message = error instanceof DomainError ? error.message.slice(0, 2000) : `Internal error while building the export (reference ${reference})`;
    if (!(error instanceof DomainError)) logger.error({ err: error, exportId, attempt: row.attempts, reference }, `archive export failed with an internal error (reference ${reference})`);
    await dataSource
      .getRepository(ArchiveExport)
      .update({ id: exportId, state: ArchiveExportState.RUNNING }, { state: ArchiveExportState.FAILED, error: message, finishedAt: clock.now() })
      .catch((err) => logger.warn({ err, exportId }, 'could not record the failed export try'));
    throw new ExportAttemptFailed(message, permanent, error);
  }
}
