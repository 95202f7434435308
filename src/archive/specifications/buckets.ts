import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Bytes a key keeps in memory before they go to the spill file: memory is this times the keys, whatever the rows. */
const CHUNK = 8 * 1024;
/** Bytes `take` reads back and hands on at a time. */
const READ_BACK = 64 * 1024;

interface Bucket {
  chunk: Buffer;
  used: number;
  rows: number;
  /** Where the key's earlier bytes are in the spill file, in order. */
  segments: Array<{ offset: number; length: number }>;
}

/**
 * Rendered rows grouped by key as they come, to be read back key by key: a bucket sort whose buckets are small buffers
 * (each row encoded as UTF-8 as it is added) that spill to one temporary file (appended to, read back by offset), so
 * memory grows with the keys, never with the rows, and no row stays behind as a string. Each key's rows come back in
 * the order they were added. `close` removes the file.
 */
export class RowBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private folder: string | undefined;
  private fd: number | undefined;
  private end = 0;

  add(key: string, text: string): void {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { chunk: Buffer.allocUnsafe(CHUNK), used: 0, rows: 0, segments: [] }));
    bucket.rows++;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: a text that may not fit in the rest of the chunk spills it first.
    if (text.length * 3 > CHUNK - bucket.used) {
      this.spill(bucket, bucket.chunk.subarray(0, bucket.used));
      bucket.used = 0;
      if (text.length * 3 > CHUNK) return this.spill(bucket, Buffer.from(text, 'utf8'));
    }
    bucket.used += bucket.chunk.write(text, bucket.used, 'utf8');
  }

  private spill(bucket: Bucket, bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.fd === undefined) {
      this.folder = fs.mkdtempSync(path.join(os.tmpdir(), 'klientadmin-rows-'));
      this.fd = fs.openSync(path.join(this.folder, 'rows'), 'w+');
    }
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written, this.end + written);
    bucket.segments.push({ offset: this.end, length: bytes.length });
    this.end += bytes.length;
  }

  /** How many rows `key` has. */
  rows(key: string): number {
    return this.buckets.get(key)?.rows ?? 0;
  }

  /** The rows of `key` (none if it has none) as UTF-8, in the order they were added, in pieces of up to 64 KiB. */
  *take(key: string): Iterable<Buffer> {
    const bucket = this.buckets.get(key);
    if (!bucket) return;
    this.buckets.delete(key);
    let piece = Buffer.allocUnsafe(READ_BACK);
    let filled = 0;
    for (const { offset, length } of bucket.segments) {
      if (filled + length > READ_BACK && filled > 0) {
        yield piece.subarray(0, filled);
        piece = Buffer.allocUnsafe(READ_BACK);
        filled = 0;
      }
      const target = length > READ_BACK ? Buffer.allocUnsafe(length) : piece;
      const at = target === piece ? filled : 0;
      let read = 0;
      while (read < length) {
        const n = fs.readSync(this.fd!, target, at + read, length - read, offset + read);
        if (n === 0) throw new Error('the spilled rows are shorter than written');
        read += n;
      }
      if (target === piece) filled += length;
      else yield target;
    }
    if (filled > 0) yield piece.subarray(0, filled);
    if (bucket.used > 0) yield bucket.chunk.subarray(0, bucket.used);
  }

  /** Keys that have rows and were not taken. */
  keys(): string[] {
    return [...this.buckets.keys()];
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    if (this.folder !== undefined) fs.rmSync(this.folder, { recursive: true, force: true });
    this.fd = undefined;
    this.folder = undefined;
    this.buckets.clear();
  }
}
