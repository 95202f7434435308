import { buffer } from 'node:stream/consumers';
import { storeFile } from '../../src/archive/archive-storage';
import type { TestApp } from './test-app';

/** A stored archive file's bytes, through the storage interface (local folder or S3 alike); null when missing. */
export async function storedBytes(app: TestApp, key: string, storage = app.opened.runtime.services.archiveStorage): Promise<Buffer | null> {
  if ((await storage.size(key)) === null) return null;
  return buffer(storage.read(key));
}

/** Replaces a stored file's bytes (a disk or a bucket gone bad, for the tests). */
export async function overwriteStored(app: TestApp, key: string, bytes: Buffer, storage = app.opened.runtime.services.archiveStorage): Promise<void> {
  await storeFile(storage, key, async (stream) => void stream.end(bytes));
}
