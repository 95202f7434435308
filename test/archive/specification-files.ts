import { execFileSync } from 'node:child_process';
import { ArchiveDocumentFormat, type ArchiveDocument } from '../../src/archive/archive-document.entity';
import { CSV_IDENTIFICATION_LINES } from '../../src/archive/specifications/identity';
import type { TestApp } from '../support/test-app';
import { readArchived } from '../ledger/ledger-helpers';

/** RFC 4180 with `;`: quoted cells may hold `;`, `"` (doubled) and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      (row = []), (cell = ''), i++;
    } else cell += c;
  }
  expect(row).toEqual([]);
  expect(cell).toBe('');
  return rows;
}

export type Row = Record<string, string>;

/** An archived CSV: its identification (label → value) and its rows as objects by the column header's names. */
export function csvFile(app: TestApp, document: ArchiveDocument): { identification: Record<string, string>; rows: Row[] } {
  expect(document.format).toBe(ArchiveDocumentFormat.CSV);
  const bytes = readArchived(app, document);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const all = parseCsv(bytes.subarray(3).toString('utf8'));
  const identification = all.slice(0, CSV_IDENTIFICATION_LINES);
  expect(identification.map((r) => r[0])).toEqual(['Spesifikasjon', 'Foretak', 'Organisasjonsnummer', 'Regnskapsår', 'Utvalg', 'Utarbeidet', 'System', '']);
  const [header, ...rows] = all.slice(CSV_IDENTIFICATION_LINES);
  for (const row of rows) expect(row).toHaveLength(header.length);
  return {
    identification: Object.fromEntries(identification.slice(0, -1).map(([label, value]) => [label, value])),
    rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))),
  };
}

export function csvRows(app: TestApp, document: ArchiveDocument): Row[] {
  return csvFile(app, document).rows;
}

/**
 * The text of an archived PDF, extracted with pdf-parse (pdf.js) in a child process (pdf.js is an ES module with a
 * worker, which the test runner's module system does not load), with its page count. No-break spaces as spaces.
 */
export function pdfText(app: TestApp, document: ArchiveDocument): { text: string; pages: number } {
  expect(document.format).toBe(ArchiveDocumentFormat.PDF);
  const script = `
    const { PDFParse } = require('pdf-parse');
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c)).on('end', async () => {
      const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
      const result = await parser.getText();
      await parser.destroy();
      process.stdout.write(JSON.stringify({ text: result.text, pages: result.total }));
    });`;
  const out = execFileSync(process.execPath, ['-e', script], { input: readArchived(app, document), cwd: process.cwd(), maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  const { text, pages } = JSON.parse(out) as { text: string; pages: number };
  return { text: text.replace(/\u00a0/g, ' '), pages };
}

/** 1 234,50 as the PDFs write it (with a plain space). */
export function norwegian(ore: number): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  return `${sign}${String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${String(abs % 100).padStart(2, '0')}`;
}
