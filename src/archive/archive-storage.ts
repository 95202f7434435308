import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
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
 * Where archive files live (DESIGN S3). Keys are relative paths with `/` separators, e.g.
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
function segments(key: string): string[] {
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

  private pathOf(key: string): string {
    return path.join(this.root, ...segments(key));
  }

  async create(key: string): Promise<PendingFile> {
    const target = this.pathOf(key);
    const folder = path.dirname(target);
    await fsp.mkdir(folder, { recursive: true });
    // A hidden temporary name in the same folder, so the final rename is atomic (same file system).
    const temp = path.join(folder, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    const file = fs.createWriteStream(temp, { flags: 'wx' });
    const hash = createHash('sha256');
    let byteSize = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        byteSize += chunk.length;
        done(null, chunk);
      },
    });
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
          return { byteSize, sha256: hash.digest('hex') };
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
