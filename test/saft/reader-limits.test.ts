import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { readSaft, SaftFormatError, type SaftReadSummary } from '../../src/saft';
import { writeSyntheticSaftFile } from '../support/synthetic-books';
import { MAX_ELEMENT_DEPTH, MAX_TEXT_CHARS } from '../../src/saft/reader-limits';
import { collectingSink } from './books-in-memory';
import { useTempDir } from './temp-dir';

/** 64 KiB of text in lines of 64 characters. */
const BLOCK = `${'x'.repeat(63)}\n`.repeat(1024);

/** Reads the pieces (strings are sent as UTF-8) as a file; the refusal, or the summary when it was read. */
async function read(pieces: Iterable<string | Buffer>): Promise<SaftFormatError | SaftReadSummary> {
  function* bytes() {
    for (const piece of pieces) yield typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
  }
  return readSaft(Readable.from(bytes()), collectingSink()).catch((error: unknown) => {
    if (error instanceof SaftFormatError) return error;
    throw error;
  });
}

async function refusal(pieces: Iterable<string | Buffer>): Promise<SaftFormatError> {
  const result = await read(pieces);
  expect(result).toBeInstanceOf(SaftFormatError);
  return result as SaftFormatError;
}

/** Line and column as the reader reports them: where the next character would be after `prefix`. */
function positionAfter(prefix: string): { line: number; column: number } {
  const lastBreak = prefix.lastIndexOf('\n');
  return { line: prefix.split('\n').length, column: prefix.length - lastBreak };
}

function inSmallChunks(bytes: Buffer, size = 333): Buffer[] {
  return Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

describe('reading limits', () => {
  const tmp = useTempDir();
  /** A small valid file, and where its root element's start tag ends. */
  let file = '';
  let afterRoot = 0;
  beforeAll(async () => {
    const at = path.join(tmp(), 'books.xml');
    await writeSyntheticSaftFile(at, { seed: 7, organizationNumber: '922333444', companyName: 'Havbris AS', fiscalYearStartMonth: 1, fromDate: '2025-01-01', toDate: '2025-01-31', targetLines: 60 });
    file = fs.readFileSync(at, 'utf8');
    afterRoot = file.indexOf('>', file.indexOf('<AuditFile')) + 1;
  });
  /** The file split where the first transaction's Description text starts and ends. */
  const aroundFirstDescription = () => {
    const start = file.indexOf('<Description>', file.indexOf('<Transaction>')) + '<Description>'.length;
    return { head: file.slice(0, start), tail: file.slice(file.indexOf('</Description>', start)) };
  };

  it(`elements nested deeper than ${MAX_ELEMENT_DEPTH} are refused at the element past the limit, with its line (40,000 levels)`, async () => {
    const levels = 40_000;
    const error = await refusal(
      (function* () {
        yield `${file.slice(0, afterRoot)}\n`;
        for (let i = 0; i < levels; i++) yield '<Nest>\n';
        for (let i = 0; i < levels; i++) yield '</Nest>\n';
        yield file.slice(afterRoot);
      })(),
    );
    expect(error.reason).toBe(`Nest is nested ${MAX_ELEMENT_DEPTH + 1} elements deep, more than ${MAX_ELEMENT_DEPTH} (the limit)`);
    // The root is the first element: the 64th Nest is the 65th.
    const past = `${file.slice(0, afterRoot)}\n${'<Nest>\n'.repeat(MAX_ELEMENT_DEPTH - 1)}<Nest>`;
    expect({ line: error.line, column: error.column }).toEqual(positionAfter(past));
  });

  it(`a file nested exactly ${MAX_ELEMENT_DEPTH} elements deep is read`, async () => {
    const nests = MAX_ELEMENT_DEPTH - 1;
    const result = await read([file.slice(0, afterRoot), '<Nest>'.repeat(nests), '</Nest>'.repeat(nests), file.slice(afterRoot)]);
    expect(result).not.toBeInstanceOf(SaftFormatError);
  });

  it('an element with more than 1 MiB of text is refused at the character past the limit, with its line, never holding the text whole (3 MiB)', async () => {
    const { head, tail } = aroundFirstDescription();
    const block = Buffer.from(BLOCK);
    const error = await refusal(
      (function* () {
        yield head;
        for (let i = 0; i < 48; i++) yield block;
        yield tail;
      })(),
    );
    expect(error.reason).toBe(`a text, tag or attribute value in Description is longer than ${MAX_TEXT_CHARS} characters (the limit)`);
    const text = BLOCK.repeat(MAX_TEXT_CHARS / BLOCK.length);
    expect({ line: error.line, column: error.column }).toEqual(positionAfter(`${head}${text}x`));
  });

  it('text split by comments counts whole: more than 1 MiB in one element is refused at that element', async () => {
    const { head, tail } = aroundFirstDescription();
    const half = 'y'.repeat(MAX_TEXT_CHARS / 2 + 1);
    const error = await refusal([head, half, '<!-- a comment -->', half, tail]);
    expect(error.reason).toBe(`the text of Description is longer than ${MAX_TEXT_CHARS} characters (the limit)`);
    expect({ line: error.line, column: error.column }).toEqual(positionAfter(head));
  });

  it('an attribute value longer than 1 MiB is refused', async () => {
    const error = await refusal([`${file.slice(0, afterRoot)}\n<Note text="`, 'z'.repeat(2 * MAX_TEXT_CHARS), `"/>${file.slice(afterRoot)}`]);
    expect(error.reason).toBe(`a text, tag or attribute value in AuditFile is longer than ${MAX_TEXT_CHARS} characters (the limit)`);
    expect(error.line).toBe(positionAfter(file.slice(0, afterRoot)).line + 1);
  });

  it('a file without a Header is refused at its end, not at line 1', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<AuditFile xmlns="urn:StandardAuditFile-Taxation-Financial:NO">\n  <MasterFiles/>\n</AuditFile>\n`;
    const error = await refusal([xml]);
    expect(error.reason).toBe('the file has no Header');
    expect({ line: error.line, column: error.column }).toEqual(positionAfter(xml));
  });

  it('bytes that are not UTF-8 are refused at their line and column, wherever the chunks end', async () => {
    const { head, tail } = aroundFirstDescription();
    const before = `${head}Blåbær og ${'ø'.repeat(500)}\n  `;
    const bytes = Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(tail)]);
    const error = await refusal(inSmallChunks(bytes));
    expect(error.reason).toBe('the file is not valid UTF-8');
    expect({ line: error.line, column: error.column }).toEqual(positionAfter(before));
  });

  it('a refusal that quotes the file is one line, however long the quoted text', async () => {
    const version = file.indexOf('<AuditFileVersion>') + '<AuditFileVersion>'.length;
    const error = await refusal([file.slice(0, version), `1.30\n${'9'.repeat(100_000)}\r\n`, file.slice(file.indexOf('</AuditFileVersion>'))]);
    expect(error.reason).toMatch(/^AuditFileVersion 1\.30\\u000a9+… \(\d+ characters left out\) …9+ is not supported \(accepted: 1\.10, 1\.20, 1\.30\)$/);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.reason.length).toBeLessThanOrEqual(500);
  });
});
