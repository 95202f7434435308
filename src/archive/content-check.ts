/**
 * What the archive accepts as uploaded documentation, and how it tells that the bytes are what they claim to be
 * (DESIGN S8): a few magic bytes per type, checked by hand — the `file-type` package is ESM-only in its current major
 * version, and six types need only a few bytes each. Text types (CSV, plain text) have no magic: their first bytes
 * must be UTF-8 without NUL or other control characters than tab, line feed, form feed and carriage return.
 */

/** The content types the server can check, as sent in `contentType` (lower case, without parameters). */
export const CHECKABLE_CONTENT_TYPES = ['application/pdf', 'application/xml', 'text/xml', 'text/csv', 'text/plain', 'image/png', 'image/jpeg', 'application/zip'] as const;

/** How many leading bytes `contentMatches` looks at. */
export const HEAD_BYTES = 1024;

/** `Text/CSV; charset=utf-8` → `text/csv`; null when it is not a type/subtype. */
export function baseContentType(contentType: string): string | null {
  const base = contentType.split(';')[0].trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/.test(base) ? base : null;
}

const startsWith = (head: Buffer, bytes: number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Text: UTF-8 (a sequence cut at the end of the head is allowed), no NUL and no control characters but \t \n \f \r. */
function isText(head: Buffer, complete: boolean): boolean {
  let text = head;
  if (!complete) {
    // Leave out a multi-byte sequence the head may cut in two (at most 3 bytes of it).
    let cut = text.length;
    for (let i = text.length - 1; i >= Math.max(0, text.length - 3); i--) {
      const byte = text[i];
      if ((byte & 0xc0) === 0x80) continue;
      if (byte >= 0xc0) {
        const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
        if (i + length > text.length) cut = i;
      }
      break;
    }
    text = text.subarray(0, cut);
  }
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(decoded);
}

/**
 * Whether the first bytes of a file (`head`, up to HEAD_BYTES; `complete` when that is the whole file) are of the
 * content type. A type the server cannot check is never matched.
 */
export function contentMatches(contentType: string, head: Buffer, complete: boolean): boolean {
  switch (contentType) {
    case 'application/pdf':
      return startsWith(head, [...Buffer.from('%PDF-')]);
    case 'image/png':
      return startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'image/jpeg':
      return startsWith(head, [0xff, 0xd8, 0xff]);
    case 'application/zip':
      // A local file header, or the end record of an empty archive.
      return startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]);
    case 'application/xml':
    case 'text/xml': {
      const body = startsWith(head, UTF8_BOM) ? head.subarray(3) : head;
      return isText(body, complete) && /^\s*<[?!A-Za-z_]/.test(body.toString('utf8'));
    }
    case 'text/csv':
    case 'text/plain':
      return head.length > 0 && isText(startsWith(head, UTF8_BOM) ? head.subarray(3) : head, complete);
    default:
      return false;
  }
}
