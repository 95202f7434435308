import { TextDecoder } from 'node:util';

/** A chunk's text; when the chunk has bytes that are not UTF-8, the text before them. */
export interface DecodedChunk {
  text: string;
  valid: boolean;
}

/**
 * Decodes a file's chunks as UTF-8, a character cut by a chunk's end carried
 * over to the next. Invalid bytes are not just an error: the text before them
 * is returned, so the reader can parse up to them and name their line and
 * column (rather than those of the chunk's start).
 */
export class Utf8Text {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** The bytes of a character cut by the previous chunk's end (the decoder holds them too). */
  private pending = new Uint8Array(0);

  decode(chunk: Uint8Array, end: boolean): DecodedChunk {
    try {
      const text = this.decoder.decode(chunk, { stream: !end });
      const joined = chunk.length >= 3 ? chunk : concat(this.pending, chunk);
      this.pending = joined.slice(joined.length - cutCharacterLength(joined));
      return { text, valid: true };
    } catch {
      return { text: textBeforeInvalidBytes(concat(this.pending, chunk)), valid: false };
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** How many bytes at the end start a character that the next chunk completes (0 when none). */
function cutCharacterLength(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead byte
    if (byte < 0xc0) return 0; // ASCII: nothing cut
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return length > back ? back : 0;
  }
  return 0;
}

/**
 * The text of the longest prefix without an invalid sequence (a character cut
 * by the end of `bytes` is not invalid). Found by halving: only read on the way
 * to a refusal.
 */
function textBeforeInvalidBytes(bytes: Uint8Array): string {
  const decodePrefix = (length: number): string | undefined => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
    } catch {
      return undefined;
    }
  };
  let valid = 0;
  let invalid = bytes.length;
  while (invalid - valid > 1) {
    const middle = (valid + invalid) >>> 1;
    if (decodePrefix(middle) === undefined) invalid = middle;
    else valid = middle;
  }
  return decodePrefix(valid) ?? '';
}
