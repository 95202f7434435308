import { contentMatches, baseContentType } from '../../src/archive/content-check';
import { isGeneratedFileName, MAX_FILE_NAME_BYTES, numberedFileName, safeFileName } from '../../src/archive/file-names';
import { checkUploadUrl, signedUploadUrl } from '../../src/archive/upload-url';

describe('file names of uploads (S8)', () => {
  it('keeps an ordinary name as it is, in NFC', () => {
    expect(safeFileName('Kontoutskrift januar 2025.pdf')).toBe('Kontoutskrift januar 2025.pdf');
    expect(safeFileName('Ble\u0301ge\u0301 Øst.pdf')).toBe('Blégé Øst.pdf');
    expect(safeFileName('Ble\u0301ge\u0301.pdf').normalize('NFC')).toBe(safeFileName('Ble\u0301ge\u0301.pdf'));
  });

  it('takes out path separators, control characters and what Windows forbids; no leading dots, no trailing dots or spaces', () => {
    expect(safeFileName('../../etc/passwd')).toBe('___.._etc_passwd');
    expect(safeFileName('C:\\Users\\kari\\bilag.pdf')).toBe('C__Users_kari_bilag.pdf');
    expect(safeFileName('a<b>c:d"e|f?g*h.pdf')).toBe('a_b_c_d_e_f_g_h.pdf');
    expect(safeFileName('linje\nskift\t.pdf')).toBe('linje_skift_.pdf');
    expect(safeFileName('.skjult')).toBe('_skjult');
    expect(safeFileName('navn. . .')).toBe('navn');
    expect(safeFileName('   ')).toBe('document');
    expect(safeFileName('')).toBe('document');
    expect(safeFileName('///')).toBe('document');
  });

  it('does not give a Windows device name', () => {
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('nul.txt')).toBe('_nul.txt');
    expect(safeFileName('lpt1.pdf')).toBe('_lpt1.pdf');
    expect(safeFileName('console.pdf')).toBe('console.pdf');
  });

  it('is at most 200 bytes, shortened before the extension without splitting a character', () => {
    const long = safeFileName(`${'å'.repeat(300)}.pdf`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(long.endsWith('.pdf')).toBe(true);
    expect(long).toBe(`${'å'.repeat(98)}.pdf`);
    const emoji = safeFileName('😀'.repeat(100));
    expect(Buffer.byteLength(emoji)).toBe(200);
    expect(emoji).toBe('😀'.repeat(50));
  });

  it('numbers a taken name before its extension, and knows the generation\'s names', () => {
    expect(numberedFileName('bilag.pdf', 1)).toBe('bilag.pdf');
    expect(numberedFileName('bilag.pdf', 2)).toBe('bilag (2).pdf');
    expect(numberedFileName('bilag', 12)).toBe('bilag (12)');
    expect(isGeneratedFileName('SAF-T Financial_999999999_2025.xml', '999999999', 2025)).toBe(true);
    expect(isGeneratedFileName('hovedbok_999999999_2025.CSV', '999999999', 2025)).toBe(true);
    expect(isGeneratedFileName('SAF-T Financial_999999999_2025 (2).xml', '999999999', 2025)).toBe(false);
    expect(isGeneratedFileName('Hovedbok_999999999_2024.csv', '999999999', 2025)).toBe(false);
  });
});

describe('content checks of uploads: a few magic bytes per type (S8)', () => {
  const cases: Array<[string, Buffer, boolean]> = [
    ['application/pdf', Buffer.from('%PDF-1.4\n'), true],
    ['application/pdf', Buffer.from('<html>'), false],
    ['image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), true],
    ['image/png', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), false],
    ['image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xdb]), true],
    ['application/zip', Buffer.from('PK\x03\x04rest', 'latin1'), true],
    ['application/zip', Buffer.from('%PDF-1.4'), false],
    ['application/xml', Buffer.from('\uFEFF  <?xml version="1.0"?><a/>'), true],
    ['text/xml', Buffer.from('<a>ø</a>'), true],
    ['application/xml', Buffer.from('not xml'), false],
    ['text/csv', Buffer.from('a;b\r\n1;2\r\n'), true],
    ['text/csv', Buffer.from('a;b\0'), false],
    ['text/plain', Buffer.from([0xc3, 0x28]), false],
    ['text/plain', Buffer.from(''), false],
    ['application/msword', Buffer.from('%PDF-'), false],
  ];
  it.each(cases)('%s %#', (type, head, expected) => {
    expect(contentMatches(type, head, true)).toBe(expected);
  });

  it('a UTF-8 character cut by the end of the head is not a reason to refuse text', () => {
    const text = Buffer.from(`${'a'.repeat(1023)}ø`);
    expect(contentMatches('text/plain', text.subarray(0, 1024), false)).toBe(true);
    expect(contentMatches('text/plain', text.subarray(0, 1024), true)).toBe(false);
  });

  it('reads a content type without its parameters, in lower case', () => {
    expect(baseContentType('Text/CSV; charset=utf-8')).toBe('text/csv');
    expect(baseContentType('nonsense')).toBeNull();
  });
});

describe('signed upload URLs (S8)', () => {
  const key = 'k'.repeat(40);
  const expiresAt = new Date('2026-11-28T13:00:00Z');
  const url = signedUploadUrl(key, 'QXJjaGl2ZVVwbG9hZDox', expiresAt);
  const [path, query] = url.split('?');
  const params = Object.fromEntries(new URLSearchParams(query));

  it('hold until they expire, and then are told apart from forged ones', () => {
    expect(checkUploadUrl(key, path, params, new Date('2026-11-28T12:59:59Z'))).toEqual({ ok: true, expiresAt });
    expect(checkUploadUrl(key, path, params, expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuse another key, path, expiry or a mangled signature', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    expect(checkUploadUrl('x'.repeat(40), path, params, now)).toEqual({ ok: false, reason: 'forged' });
    expect(checkUploadUrl(key, `${path}x`, params, now)).toEqual({ ok: false, reason: 'forged' });
    expect(checkUploadUrl(key, path, { ...params, expires: String(Number(params.expires) + 1) }, now)).toEqual({ ok: false, reason: 'forged' });
    expect(checkUploadUrl(key, path, { ...params, signature: params.signature.toUpperCase() }, now)).toEqual({ ok: false, reason: 'forged' });
    expect(checkUploadUrl(key, path, {}, now)).toEqual({ ok: false, reason: 'forged' });
  });
});
