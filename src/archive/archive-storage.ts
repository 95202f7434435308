import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What a finished file is: its size and SHA-256 (hex). */
export interface StoredFile {
  byteSize: number;
  sha256: string;
}

/**
 * A file being written: write to `stream`, then `commit()` (atomic: the key shows the whole file or none) or
 * `discard()`. Nothing is visible under the key before commit.
 */
export interface PendingFile {
  readonly stream: Writable;
  commit(): Promise<StoredFile>;
  discard(): Promise<void>;
}

/**
 * A pass-through that counts and hashes what flows through it: both drivers' writers put it in front of their
 * destination, so the size and SHA-256 recorded are those of the bytes actually written.
 */
export function measuringStream(): { stream: Transform; measured(): StoredFile } {
  const hash = createHash('sha256');
  let byteSize = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      byteSize += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, measured: () => ({ byteSize, sha256: hash.digest('hex') }) };
}

/** What a presigned GET answers with (the API sets the same headers when it streams). */
export interface PresignedGet {
  contentDisposition: string;
  contentType: string;
  expiresInSeconds: number;
}

/** What a presigned PUT binds into its signature: the size, the type and, where the store checks it, the SHA-256. */
export interface PresignedPut {
  byteSize: number;
  contentType: string;
  /** Hex. */
  sha256: string;
  expiresInSeconds: number;
}

/**
 * Where archive files live (DESIGN S3, S10): a local folder or S3-compatible object storage. Keys are relative paths with `/` separators, e.g.
 * `<clientId>/<relationshipId>/<fiscalYear>/<fileName>`; a "folder" is a key prefix.
 */
export interface ArchiveStorage {
  create(key: string): Promise<PendingFile>;
  /** Size in bytes, or null when there is no such file. */
  size(key: string): Promise<number | null>;
  /** The bytes `start`..`end` inclusive (default: all of them). */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** Removes the file, and the folders above it that are left empty; no error when it is already gone. */
  delete(key: string): Promise<void>;
  /**
   * The keys of the committed files under a folder (`prefix` ends with `/`), in no particular order; none when there is
   * no such folder. Files being written (not yet committed) are not listed. The cleanup of expired uploads uses it to
   * find every attempt an upload's URL received (an S3 driver lists the prefix).
   */
  list(prefix: string): Promise<string[]>;
  /** Where the files are, for messages and logs (never a credential). */
  readonly description: string;
  /** A short-lived URL that GETs the file straight from the store; absent when the store has no URLs (a folder). */
  presignGet?(key: string, options: PresignedGet): Promise<string>;
  /** A short-lived URL to PUT a file's bytes straight into the store, with the headers the PUT must carry. */
  presignPut?(key: string, options: PresignedPut): Promise<{ url: string; headers: Record<string, string> }>;
  /** Copies a file to another key inside the store (server-side on S3), atomically; absent for a folder. */
  copyWithin?(fromKey: string, toKey: string): Promise<void>;
  /** Start-up check that the store answers (a bucket that exists, credentials that work); a folder needs none. */
  check?(): Promise<void>;
  /** Releases connections (an S3 client's sockets); nothing for a folder. */
  close?(): void;
}

/** Size and SHA-256 of a stored file, read whole (at most `limiter`'s rate); null when there is no such file. */
export async function hashStored(storage: ArchiveStorage, key: string, limiter?: RateLimiter): Promise<StoredFile | null> {
  if ((await storage.size(key)) === null) return null;
  const hash = createHash('sha256');
  let byteSize = 0;
  try {
    await pipeline(
      storage.read(key),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          byteSize += chunk.length;
          if (limiter) limiter.take(chunk.length).then(() => done(), done);
          else done();
        },
      }),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { byteSize, sha256: hash.digest('hex') };
}

/** The bytes did not have the SHA-256 they were copied for: nothing was written. */
export class CopyMismatchError extends Error {
  override name = 'CopyMismatchError';
}

/**
 * Copies a file from one store to another (backup, repair, migration), atomically: the target key shows the new file
 * only when its bytes have the `sha256` expected; otherwise nothing changes there and CopyMismatchError is thrown.
 */
export async function copyVerified(from: ArchiveStorage, to: ArchiveStorage, key: string, expected: { sha256: string; byteSize: number }, limiter?: RateLimiter): Promise<StoredFile> {
  const { stored } = await storeFile(to, key, async (stream) => {
    const hash = createHash('sha256');
    let byteSize = 0;
    await pipeline(
      from.read(key),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          byteSize += chunk.length;
          if (limiter) limiter.take(chunk.length).then(() => done(null, chunk), done);
          else done(null, chunk);
        },
      }),
      stream,
    );
    const sha256 = hash.digest('hex');
    if (sha256 !== expected.sha256 || byteSize !== expected.byteSize) {
      throw new CopyMismatchError(`${key}: the source has ${byteSize} bytes with SHA-256 ${sha256}, not ${expected.byteSize} bytes with ${expected.sha256}`);
    }
  });
  return stored;
}

/** Bounds a reader to `bytesPerSecond` on average (the fixity check's rate): `take(n)` waits until n more bytes may go. */
export class RateLimiter {
  private started = Date.now();
  private taken = 0;

  constructor(readonly bytesPerSecond: number) {}

  async take(bytes: number): Promise<void> {
    this.taken += bytes;
    const dueMs = (this.taken / this.bytesPerSecond) * 1000;
    const waitMs = dueMs - (Date.now() - this.started);
    if (waitMs > 5) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** Whether a recorded document's file is in storage with its recorded size (then it need not be written again). */
export async function isStored(storage: ArchiveStorage, document: { storageKey: string; byteSize: number } | undefined): Promise<boolean> {
  return document !== undefined && (await storage.size(document.storageKey)) === document.byteSize;
}

/** Writes a file under `key` with `write`: committed when it resolves, discarded (nothing left) when it throws. */
export async function storeFile<R>(storage: ArchiveStorage, key: string, write: (stream: Writable) => Promise<R>): Promise<{ stored: StoredFile; result: R }> {
  const file = await storage.create(key);
  try {
    const result = await write(file.stream);
    return { stored: await file.commit(), result };
  } catch (error) {
    await file.discard();
    throw error;
  }
}

/**
 * Writes several files at once (one pass over the books that yields more than one file): all are committed when `write`
 * resolves; when it throws, none is.
 */
export async function storeFiles<R>(
  storage: ArchiveStorage,
  keys: string[],
  write: (streams: Writable[]) => Promise<R>,
): Promise<{ stored: StoredFile[]; result: R }> {
  const files: PendingFile[] = [];
  try {
    for (const key of keys) files.push(await storage.create(key));
    const result = await write(files.map((file) => file.stream));
    const stored: StoredFile[] = [];
    for (const file of files) stored.push(await file.commit());
    return { stored, result };
  } catch (error) {
    for (const file of files) await file.discard();
    throw error;
  }
}

/** A key's segments, refusing anything that could leave the archive folder. */
export function archiveKeySegments(key: string): string[] {
  const parts = key.split('/');
  if (parts.length === 0 || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) {
    throw new Error(`not a valid archive key: ${JSON.stringify(key)}`);
  }
  return parts;
}

/** Archive files in a local folder (`ARCHIVE_DIR`): temporary name, fsync, rename, fsync of the folder. */
export class LocalFolderStorage implements ArchiveStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get description(): string {
    return this.root;
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...archiveKeySegments(key));
  }

  async create(key: string): Promise<PendingFile> {
    const target = this.pathOf(key);
    const folder = path.dirname(target);
    await fsp.mkdir(folder, { recursive: true });
    // A hidden temporary name in the same folder, so the final rename is atomic (same file system).
    const temp = path.join(folder, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    const file = fs.createWriteStream(temp, { flags: 'wx' });
    const { stream: counter, measured } = measuringStream();
    const written = pipeline(counter, file);
    written.catch(() => undefined);
    let settled = false;
    const discard = async () => {
      if (settled) return;
      settled = true;
      counter.destroy();
      await written.catch(() => undefined);
      await fsp.rm(temp, { force: true });
    };
    return {
      stream: counter,
      async commit() {
        if (settled) throw new Error('the file was already committed or discarded');
        try {
          if (!counter.writableEnded) counter.end();
          await written;
          const handle = await fsp.open(temp, 'r');
          try {
            await handle.sync();
          } finally {
            await handle.close();
          }
          await fsp.rename(temp, target);
          settled = true;
          await syncFolder(folder);
          return measured();
        } catch (error) {
          await discard();
          throw error;
        }
      },
      discard,
    };
  }

  async size(key: string): Promise<number | null> {
    try {
      const stat = await fsp.stat(this.pathOf(key));
      return stat.isFile() ? stat.size : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return fs.createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
  }

  async list(prefix: string): Promise<string[]> {
    if (!prefix.endsWith('/')) throw new Error(`not a folder prefix: ${JSON.stringify(prefix)}`);
    const folder = this.pathOf(prefix.slice(0, -1));
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(folder, { withFileTypes: true, recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map((entry) => path.relative(this.root, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'));
  }

  async delete(key: string): Promise<void> {
    const target = this.pathOf(key);
    await fsp.rm(target, { force: true });
    // Remove the folders left empty, up to (not including) the root.
    let folder = path.dirname(target);
    while (folder.startsWith(this.root + path.sep)) {
      try {
        await fsp.rmdir(folder);
      } catch {
        break; // not empty (or already gone)
      }
      folder = path.dirname(folder);
    }
  }
}

async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await fsp.open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform can fsync a directory; the rename itself is still atomic.
  }
}
