import type { ArchiveStorageConfig } from '../config/config';
import { LocalFolderStorage, type ArchiveStorage } from './archive-storage';
import { S3ObjectStorage } from './s3-storage';

/** The storage a configuration names (DESIGN S10): ARCHIVE_STORAGE for the original, ARCHIVE_BACKUP for the copy. */
export function createArchiveStorage(config: ArchiveStorageConfig): ArchiveStorage {
  return config.kind === 's3' ? new S3ObjectStorage(config.s3) : new LocalFolderStorage(config.dir);
}
