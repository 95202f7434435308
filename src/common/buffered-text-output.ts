import { once } from 'node:events';
import type { Writable } from 'node:stream';

const FLUSH_AT = 64 * 1024;

/**
 * Text for a stream, gathered and handed over as UTF-8 in pieces of about 64 KiB, waiting for 'drain' whenever the
 * stream asks for it, so memory stays flat however much is written (the SAF-T file, the specifications' CSV).
 */
export class BufferedTextOutput {
  /** The text since the last flush, appended as it comes (V8 keeps it as a rope until it is encoded). */
  private pending = '';
  private scratch = Buffer.alloc(0);
  /** UTF-8 bytes handed to the stream so far. */
  bytes = 0;

  constructor(private readonly output: Writable) {}

  /** Adds text; true when enough is buffered that the caller should `await flush()`. */
  write(text: string): boolean {
    this.pending += text;
    return this.pending.length >= FLUSH_AT;
  }

  /** True when enough is buffered that the caller should `await flush()`: a check without an `await` per item. */
  get full(): boolean {
    return this.pending.length >= FLUSH_AT;
  }

  /** Flushes when the buffer is full. */
  async flushIfFull(): Promise<void> {
    if (this.pending.length >= FLUSH_AT) await this.flush();
  }

  /**
   * Encodes the buffered text straight into a scratch buffer big enough for any text of its length (UTF-8 takes at
   * most 3 bytes per UTF-16 unit), which spares `Buffer.from` its first pass counting the bytes, and hands the stream
   * a copy of the part written.
   */
  async flush(): Promise<void> {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    if (this.scratch.length < text.length * 3) this.scratch = Buffer.allocUnsafe(text.length * 3);
    const chunk = Buffer.from(this.scratch.subarray(0, this.scratch.write(text, 0, 'utf8')));
    this.bytes += chunk.length;
    if (!this.output.write(chunk)) await once(this.output, 'drain');
  }

  /** Flushes and ends the stream, resolving once everything is written. */
  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.output.once('error', reject);
      this.output.end(() => resolve());
    });
  }
}
