import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { copyVerified, CopyMismatchError, hashStored, LocalFolderStorage, storeFile, storeFiles, type ArchiveStorage } from '../../src/archive/archive-storage';
import { S3ObjectStorage } from '../../src/archive/s3-storage';
import { startS3Server, TEST_BUCKET, type TestS3Server } from '../support/s3-server';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The same storage contract (DESIGN S3, S10), for the local folder and for S3-compatible object storage. */
describe.each(['local', 's3'] as const)('archive storage contract: %s driver', (driver) => {
  let storage: ArchiveStorage;
  let folder: string | null = null;
  let s3: TestS3Server | null = null;

  beforeAll(async () => {
    if (driver === 'local') {
      folder = mkdtempSync(path.join(tmpdir(), 'storage-contract-'));
      storage = new LocalFolderStorage(folder);
    } else {
      s3 = await startS3Server();
      storage = new S3ObjectStorage({ endpoint: s3.endpoint, region: 'us-east-1', bucket: TEST_BUCKET, prefix: 'contract/', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
    }
  });
  afterAll(async () => {
    storage.close?.();
    if (folder) rmSync(folder, { recursive: true, force: true });
    await s3?.close();
  });

  it('S10: a committed file is recorded with its size and SHA-256, and read whole or by range', async () => {
    const { stored } = await storeFile(storage, 'c-1/7/2025/a.txt', async (stream) => {
      stream.write('hello ');
      stream.end('world');
    });
    expect(stored).toEqual({ byteSize: 11, sha256: sha256('hello world') });
    expect(await storage.size('c-1/7/2025/a.txt')).toBe(11);
    expect(await text(storage.read('c-1/7/2025/a.txt'))).toBe('hello world');
    expect(await text(storage.read('c-1/7/2025/a.txt', { start: 6, end: 10 }))).toBe('world');
    expect(await hashStored(storage, 'c-1/7/2025/a.txt')).toEqual(stored);
  });

  it('S10: a write that fails leaves nothing under its key, and an earlier file there stays whole', async () => {
    await expect(storeFile(storage, 'c-1/7/2025/b.txt', async (stream) => {
      stream.write('half');
      throw new Error('the books could not be read');
    })).rejects.toThrow('the books could not be read');
    expect(await storage.size('c-1/7/2025/b.txt')).toBeNull();
    expect(await storage.list('c-1/7/2025/')).toEqual(['c-1/7/2025/a.txt']);

    await expect(storeFiles(storage, ['c-1/7/2025/a.txt', 'c-1/7/2025/c.txt'], async ([a, c]) => {
      a.write('replaced');
      c.write('new');
      throw new Error('failed half way');
    })).rejects.toThrow('failed half way');
    expect(await text(storage.read('c-1/7/2025/a.txt'))).toBe('hello world');
    expect(await storage.size('c-1/7/2025/c.txt')).toBeNull();
  });

  it('S10: a large file is streamed (multipart on S3) and hashed as written', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const { stored } = await storeFile(storage, 'c-1/7/2025/large.bin', async (stream) => {
      for (let i = 0; i < 18; i++) if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
      stream.end();
    });
    expect(stored.byteSize).toBe(18 * 1024 * 1024);
    expect(await storage.size('c-1/7/2025/large.bin')).toBe(18 * 1024 * 1024);
    expect((await hashStored(storage, 'c-1/7/2025/large.bin'))!.sha256).toBe(stored.sha256);
    await storage.delete('c-1/7/2025/large.bin');
  });

  it('lists a folder, deletes (twice without error), and refuses keys that leave the archive', async () => {
    await storeFile(storage, 'c-1/8/2024/uploads/3/x', async (s) => s.end('x'));
    expect((await storage.list('c-1/')).sort()).toEqual(['c-1/7/2025/a.txt', 'c-1/8/2024/uploads/3/x']);
    expect(await storage.list('c-none/')).toEqual([]);
    await storage.delete('c-1/8/2024/uploads/3/x');
    await storage.delete('c-1/8/2024/uploads/3/x');
    expect(await storage.size('c-1/8/2024/uploads/3/x')).toBeNull();
    await expect(storage.create('../outside')).rejects.toThrow('not a valid archive key');
    expect(() => storage.read('a//b')).toThrow('not a valid archive key');
  });

  it('S10: a verified copy writes only the bytes with the expected SHA-256', async () => {
    const other = new LocalFolderStorage(mkdtempSync(path.join(tmpdir(), 'storage-copy-')));
    try {
      await copyVerified(storage, other, 'c-1/7/2025/a.txt', { byteSize: 11, sha256: sha256('hello world') });
      expect(await hashStored(other, 'c-1/7/2025/a.txt')).toEqual({ byteSize: 11, sha256: sha256('hello world') });
      await expect(copyVerified(storage, other, 'c-1/7/2025/a.txt', { byteSize: 11, sha256: sha256('something else') })).rejects.toBeInstanceOf(CopyMismatchError);
      expect(await text(other.read('c-1/7/2025/a.txt'))).toBe('hello world');
    } finally {
      rmSync((other as LocalFolderStorage).root, { recursive: true, force: true });
    }
  });

  it('reading a missing file fails with ENOENT', async () => {
    await expect(text(storage.read('c-1/none.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
