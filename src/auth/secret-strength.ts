/** The secret a development start-up signs with when AUTH_JWT_SECRET is unset (warned about; refused in production). */
export const DEVELOPMENT_JWT_SECRET = 'klient-admin-development-secret-do-not-use-in-production';

/** The key a development start-up signs upload URLs with when ARCHIVE_UPLOAD_SECRET is unset (refused in production). */
export const DEVELOPMENT_UPLOAD_SECRET = 'klient-admin-development-upload-url-key-do-not-use-in-production';

/**
 * Secrets anyone can read in this product's source, tests or documentation. A token signed with one of them is a
 * token anyone can forge, however random the value looks, so production refuses them by value.
 */
const PUBLISHED_SECRETS = new Set([
  DEVELOPMENT_JWT_SECRET,
  DEVELOPMENT_UPLOAD_SECRET,
  // The test harness's secret and the "another secret" the authentication tests forge tokens with.
  'test-secret-that-is-long-enough-for-hs256-0123456789',
  'another-secret-that-is-also-long-enough-000000',
  // The benchmarks' secret before they drew a random one per run.
  'benchmark-secret-that-is-long-enough-for-hs256-0123456789',
]);

/** An HS256 key shorter than the hash's output weakens it (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;
/** What an attacker must at least guess; a random 32-byte value has about 256 bits. */
export const MIN_SECRET_ENTROPY_BITS = 128;

/**
 * An estimate of a secret's entropy in bits: the length times the Shannon entropy of the character distribution, of
 * its shortest repeating pattern (a value that repeats a pattern holds no more than the pattern). It cannot see that an
 * English sentence is guessable, but it catches what people type when asked for "32 bytes": one character repeated
 * (0 bits), a pattern (`abab…`: 2 bits), a run of a few keys. A value from `openssl rand -base64 32` (about 210 bits)
 * or `openssl rand -hex 32` (about 240) passes.
 */
export function estimatedEntropyBits(secret: string): number {
  const characters = Array.from(secret);
  const pattern = characters.slice(0, shortestPeriod(characters));
  const counts = new Map<string, number>();
  for (const c of pattern) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bitsPerCharacter = 0;
  for (const count of counts.values()) {
    const p = count / pattern.length;
    bitsPerCharacter -= p * Math.log2(p);
  }
  return pattern.length * bitsPerCharacter;
}

/** The length of the shortest pattern the text repeats (`abcabca` → 3), its whole length when it repeats none. */
function shortestPeriod(text: string[]): number {
  // Knuth–Morris–Pratt: border[i] = length of the longest proper prefix of text[0..i] that is also its suffix.
  const border = new Array<number>(text.length).fill(0);
  for (let i = 1, k = 0; i < text.length; i++) {
    while (k > 0 && text[i] !== text[k]) k = border[k - 1];
    if (text[i] === text[k]) k++;
    border[i] = k;
  }
  return text.length - (border[text.length - 1] ?? 0);
}

/**
 * Why a signing secret is not fit for production, or null when it is. The reason never contains the value, so it can
 * be printed and logged.
 */
export function secretWeakness(secret: string): string | null {
  if (PUBLISHED_SECRETS.has(secret.trim())) return "is a value published in Klient Admin's source code or documentation";
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) return `must be at least ${MIN_SECRET_BYTES} bytes long (HS256 key)`;
  if (estimatedEntropyBits(secret) < MIN_SECRET_ENTROPY_BITS) {
    return `has too little entropy (at least ${MIN_SECRET_ENTROPY_BITS} bits are needed; repeated characters and patterns count little)`;
  }
  return null;
}

/** How to make a good secret, for the messages that refuse a bad one. */
export const HOW_TO_MAKE_A_SECRET = 'generate one with `openssl rand -base64 32`';
