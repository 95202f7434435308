/**
 * Names of uploaded files (DESIGN S8), made safe for every file system and for ZIP: the name a file is stored and
 * packaged under in its folder. The name the uploader gave is kept beside it, unchanged.
 */

/** The longest stored name, in UTF-8 bytes (most file systems allow 255; room is left for a " (n)" suffix). */
export const MAX_FILE_NAME_BYTES = 200;

/** What an empty or entirely unusable name becomes. */
const FALLBACK = 'document';

/** Names Windows reserves for devices, with or without an extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/** The extension, with its dot, when it looks like one (`.pdf`, `.tar.gz` counts as `.gz`); '' otherwise. */
function extensionOf(name: string): string {
  const match = /\.[A-Za-z0-9]{1,10}$/.exec(name);
  return match && match.index > 0 ? match[0] : '';
}

/** Cuts `text` to at most `bytes` UTF-8 bytes without splitting a character (NFC keeps most letters one code point). */
function truncateToBytes(text: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character);
    if (used + size > bytes) break;
    out += character;
    used += size;
  }
  return out;
}

/**
 * A file name safe on Windows, macOS and Linux and in a ZIP: NFC; no path separators, control characters or the
 * characters Windows forbids (each becomes `_`); no leading dots (hidden files, and `..`), no trailing dots or spaces;
 * not a Windows device name; at most MAX_FILE_NAME_BYTES bytes, shortened before the extension so it keeps its type.
 */
export function safeFileName(original: string): string {
  let name = original
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '_')
    .replace(/[/\\<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length))
    .replace(/[. ]+$/, '');
  if (name === '' || /^_*$/.test(name)) name = FALLBACK;
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  if (Buffer.byteLength(name) > MAX_FILE_NAME_BYTES) {
    const extension = extensionOf(name);
    const stem = name.slice(0, name.length - extension.length);
    name = truncateToBytes(stem, MAX_FILE_NAME_BYTES - Buffer.byteLength(extension)).replace(/[. ]+$/, '') + extension;
  }
  return name;
}

/** `report.pdf`, 2 → `report (2).pdf`: the n-th name tried when the name is taken in the folder. */
export function numberedFileName(name: string, n: number): string {
  if (n <= 1) return name;
  const extension = extensionOf(name);
  const suffix = ` (${n})`;
  const stem = name.slice(0, name.length - extension.length);
  return truncateToBytes(stem, MAX_FILE_NAME_BYTES + 20 - Buffer.byteLength(suffix + extension)) + suffix + extension;
}

/**
 * Names the generation gives its files: `<what>_<organization number>_<fiscal year>.<ext>` (the SAF-T file, the
 * specifications, and whatever else it writes into the folder later). An uploaded file never takes one, so a
 * generation that runs after an upload always finds its names free.
 */
export function isGeneratedFileName(name: string, organizationNumber: string, fiscalYear: number): boolean {
  return name.toLowerCase().endsWith(`_${organizationNumber}_${fiscalYear}`.toLowerCase() + extensionOf(name).toLowerCase()) && extensionOf(name) !== '';
}
