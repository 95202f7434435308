import { DataSource, IsNull, LessThanOrEqual } from 'typeorm';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { ArchiveExport, ArchiveExportState } from './archive-export.entity';
import { uploadFolderKey } from './archive-ids';
import type { ArchiveStorage } from './archive-storage';
import { ArchiveUpload } from './archive-upload.entity';

export interface CleanupDeps {
  dataSource: DataSource;
  storage: ArchiveStorage;
  clock: Clock;
  logger: Logger;
}

export interface CleanupResult {
  /** Expired uploads that were never completed, removed with their bytes. */
  uploadsRemoved: number;
  /** READY exports past their expiry, whose ZIP was removed (now EXPIRED). */
  exportsExpired: number;
}

/** Rows looked at per run, per kind; the next run takes the rest. */
const CLEANUP_BATCH = 500;

/**
 * The archive's scheduled cleanup (DESIGN S8, S9), idempotent like retention: bytes first, then the row, so a run that
 * dies half way leaves a row the next run finishes, never bytes nobody knows about.
 * - Uploads past their expiry and never completed: every attempt their URL stored (a listing of the upload's folder,
 *   so bytes of a PUT whose process died before recording them go too), then the row.
 * - READY exports past their expiry: the ZIP, then the row becomes EXPIRED.
 * Expiry is decided by the process clock, passed to SQL (S7).
 */
export async function cleanUpArchive(deps: CleanupDeps): Promise<CleanupResult> {
  const { dataSource, storage, clock, logger } = deps;
  const now = clock.now();
  const result: CleanupResult = { uploadsRemoved: 0, exportsExpired: 0 };

  const uploads = await dataSource.getRepository(ArchiveUpload).find({ where: { completedAt: IsNull(), expiresAt: LessThanOrEqual(now) }, order: { id: 'ASC' }, take: CLEANUP_BATCH });
  for (const upload of uploads) {
    for (const key of await storage.list(`${uploadFolderKey(upload)}/`)) await storage.delete(key);
    if (upload.receivedKey) await storage.delete(upload.receivedKey);
    const deleted = await dataSource.getRepository(ArchiveUpload).delete({ id: upload.id, completedAt: IsNull() });
    if (deleted.affected) result.uploadsRemoved++;
  }

  const expiredExports = await dataSource.getRepository(ArchiveExport).find({ where: { state: ArchiveExportState.READY, expiresAt: LessThanOrEqual(now) }, order: { id: 'ASC' }, take: CLEANUP_BATCH });
  for (const expired of expiredExports) {
    if (expired.storageKey) await storage.delete(expired.storageKey);
    const updated = await dataSource.getRepository(ArchiveExport).update({ id: expired.id, state: ArchiveExportState.READY }, { state: ArchiveExportState.EXPIRED, storageKey: null });
    if (updated.affected) result.exportsExpired++;
  }
  if (result.uploadsRemoved || result.exportsExpired) logger.info({ ...result }, 'archive cleaned up');
  return result;
}
