/** A partner code (partnerkode) as written: ASCII letters, digits, "_" and "-", at most 32. */
export const PARTNER_CODE = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Partner codes are kept upper case and compared exactly (byte for byte), so a code is found in whatever case it was
 * imported or typed.
 */
export function storedPartnerCode(code: string): string {
  return code.toUpperCase();
}

/**
 * The stored form of a code someone typed: any case and spaces around it are forgiven; anything else (a control
 * character, a letter outside ASCII such as `ſ`, which JavaScript upper-cases to `S`) is no code and gives null. The
 * check comes before upper-casing so that no look-alike can turn into a code.
 */
export function normalizePartnerCode(typed: string): string | null {
  const code = typed.trim();
  return PARTNER_CODE.test(code) ? storedPartnerCode(code) : null;
}
