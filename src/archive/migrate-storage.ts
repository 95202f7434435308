import type { DataSource } from 'typeorm';
import type { Logger } from '../common/logger';
import { ArchiveDocument } from './archive-document.entity';
import { ArchiveExport, ArchiveExportState } from './archive-export.entity';
import { copyVerified, CopyMismatchError, hashStored, type ArchiveStorage } from './archive-storage';

export interface MigrationDeps {
  dataSource: DataSource;
  logger: Logger;
  from: ArchiveStorage;
  to: ArchiveStorage;
  /** Called after each file, for progress output. */
  onFile?: (done: number, outcome: FileOutcome, key: string) => void;
}

export type FileOutcome = 'copied' | 'already-there' | 'missing' | 'mismatch';

export interface MigrationSummary {
  files: number;
  copied: number;
  alreadyThere: number;
  /** Recorded, but not in the source: nothing to copy (the fixity check reports it). */
  missing: string[];
  /** In the source with other bytes than recorded: not copied (the fixity check reports it). */
  mismatched: string[];
  bytesCopied: number;
}

const BATCH = 500;

/**
 * Copies every recorded archive file — documents, and exports still to be downloaded — from one store to another
 * (`npm run cli -- archive migrate-storage --to s3`, DESIGN S10), verifying each: a file whose copy is already there
 * with the recorded SHA-256 is skipped, any other is copied so that the target shows it only when its bytes have the
 * recorded SHA-256. So it is idempotent, and resumable: run again after an interruption, it goes on where it stopped
 * (files done before are read back and skipped). The source is never changed.
 */
export async function migrateStorage(deps: MigrationDeps): Promise<MigrationSummary> {
  const { dataSource, logger, from, to } = deps;
  const summary: MigrationSummary = { files: 0, copied: 0, alreadyThere: 0, missing: [], mismatched: [], bytesCopied: 0 };
  const one = async (key: string, expected: { sha256: string; byteSize: number }) => {
    summary.files++;
    let outcome: FileOutcome;
    const there = await hashStored(to, key);
    if (there && there.sha256 === expected.sha256 && there.byteSize === expected.byteSize) {
      outcome = 'already-there';
      summary.alreadyThere++;
    } else if ((await from.size(key)) === null) {
      outcome = 'missing';
      summary.missing.push(key);
    } else {
      try {
        await copyVerified(from, to, key, expected);
        outcome = 'copied';
        summary.copied++;
        summary.bytesCopied += expected.byteSize;
      } catch (error) {
        if (!(error instanceof CopyMismatchError)) throw error;
        outcome = 'mismatch';
        summary.mismatched.push(key);
        logger.warn({ key, err: error }, 'not copied: the source does not have the recorded SHA-256');
      }
    }
    deps.onFile?.(summary.files, outcome, key);
  };

  let after = '0';
  for (;;) {
    const documents = await dataSource.getRepository(ArchiveDocument).createQueryBuilder('d').where('d.id > :after', { after }).orderBy('d.id', 'ASC').limit(BATCH).getMany();
    if (documents.length === 0) break;
    for (const document of documents) await one(document.storageKey, document);
    after = documents[documents.length - 1].id;
  }
  const exports = await dataSource.getRepository(ArchiveExport).find({ where: { state: ArchiveExportState.READY }, order: { id: 'ASC' } });
  for (const ready of exports) {
    if (ready.storageKey && ready.sha256 && ready.byteSize !== null) await one(ready.storageKey, { sha256: ready.sha256, byteSize: Number(ready.byteSize) });
  }
  return summary;
}
