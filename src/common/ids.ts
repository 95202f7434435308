/**
 * What an id, key or code may look like when it comes in from outside (a token, a global id, an import file, a
 * mutation's input). The database compares these columns byte for byte (migration BinaryIds1764900000000); refusing
 * look-alikes here as well gives the caller a clear error instead of a silent "not found", and keeps the rule on
 * servers where the binary collation pads trailing spaces.
 */

/**
 * The ids of partners, users and clients as the import file gives them, and the numeric ids of rows: ASCII letters,
 * digits, ".", "_" and "-", 1-64 characters, starting with a letter or digit. No spaces, no control characters.
 */
export const PLAUSIBLE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isPlausibleId(value: unknown): value is string {
  return typeof value === 'string' && PLAUSIBLE_ID.test(value);
}

/**
 * A key chosen by a caller (an idempotency key, an extension key): any printable text without control characters
 * (`\0`, tab, newline, ...) and without spaces at either end, since a padding collation would take `k ` for `k`.
 */
export const PLAIN_KEY = /^(?!\s)[^\p{Cc}]*(?<!\s)$/u;
