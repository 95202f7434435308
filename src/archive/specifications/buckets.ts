import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A bucket's text is written to the spill file once it holds this many characters… */
const SPILL_AT = 16 * 1024;
/** …and every bucket's, when all of them together hold this many. */
const SPILL_ALL_AT = 8 * 1024 * 1024;

interface Bucket {
  text: string;
  rows: number;
  /** Where the bucket's earlier text is in the spill file, in order. */
  segments: Array<{ offset: number; length: number }>;
}

/**
 * Rendered rows grouped by key as they come, to be read back key by key: a bucket sort whose buckets stay small in
 * memory and spill to one temporary file (appended to, read back by offset), so memory grows with the keys, never
 * with the rows. Each key's rows come back in the order they were added. `close` removes the file.
 */
export class RowBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private buffered = 0;
  private folder: string | undefined;
  private fd: number | undefined;
  private end = 0;

  add(key: string, text: string): void {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { text: '', rows: 0, segments: [] }));
    bucket.text += text;
    bucket.rows++;
    this.buffered += text.length;
    if (bucket.text.length >= SPILL_AT) this.spill(bucket);
    if (this.buffered >= SPILL_ALL_AT) for (const b of this.buckets.values()) this.spill(b);
  }

  private spill(bucket: Bucket): void {
    if (bucket.text === '') return;
    if (this.fd === undefined) {
      this.folder = fs.mkdtempSync(path.join(os.tmpdir(), 'klientadmin-rows-'));
      this.fd = fs.openSync(path.join(this.folder, 'rows'), 'w+');
    }
    const bytes = Buffer.from(bucket.text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written, this.end + written);
    bucket.segments.push({ offset: this.end, length: bytes.length });
    this.end += bytes.length;
    this.buffered -= bucket.text.length;
    bucket.text = '';
  }

  /** How many rows `key` has. */
  rows(key: string): number {
    return this.buckets.get(key)?.rows ?? 0;
  }

  /** The rows of `key` (none if it has none), in the order they were added: the spilled parts as bytes, then the rest as text. */
  *take(key: string): Iterable<Buffer | string> {
    const bucket = this.buckets.get(key);
    if (!bucket) return;
    this.buckets.delete(key);
    for (const { offset, length } of bucket.segments) {
      const bytes = Buffer.allocUnsafe(length);
      let read = 0;
      while (read < length) {
        const n = fs.readSync(this.fd!, bytes, read, length - read, offset + read);
        if (n === 0) throw new Error('the spilled rows are shorter than written');
        read += n;
      }
      yield bytes;
    }
    this.buffered -= bucket.text.length;
    if (bucket.text !== '') yield bucket.text;
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
