import { once } from 'node:events';
import type { Writable } from 'node:stream';

const FLUSH_AT = 64 * 1024;

/**
 * Text for a stream, gathered and handed over as UTF-8 in pieces of about 64 KiB, waiting for 'drain' whenever the
 * stream asks for it, so memory stays flat however much is written (the SAF-T file, the specifications' CSV).
 */
export class BufferedTextOutput {
  private parts: string[] = [];
  private buffered = 0;
  /** UTF-8 bytes handed to the stream so far. */
  bytes = 0;

  constructor(private readonly output: Writable) {}

  /** Adds text; true when enough is buffered that the caller should `await flush()`. */
  write(text: string): boolean {
    this.parts.push(text);
    this.buffered += text.length;
    return this.buffered >= FLUSH_AT;
  }

  /** Flushes when the buffer is full. */
  async flushIfFull(): Promise<void> {
    if (this.buffered >= FLUSH_AT) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.buffered = 0;
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
