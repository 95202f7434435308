import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { readSaft, SaftFormatError, type SaftReadSummary } from '../../src/saft';
import { MAX_TEXT_CHARS } from '../../src/saft/reader-limits';
import { collectingSink, type BooksInMemory } from './books-in-memory';
import { SAFT_REFERENCE } from './xsd';

/**
 * The reader's plain scanner reads the bulk of a file and hands anything else to saxes where it stands. Whatever the
 * file, reading it with the scanner must give what saxes alone gives: the same records, or the same refusal at the
 * same line and column, wherever the input's chunks end.
 */

const EXAMPLES = path.join(SAFT_REFERENCE, 'examples');
const EXAMPLE = fs.readFileSync(path.join(EXAMPLES, 'generated_auditfile_formatted_v_1.30.xml'), 'utf8');

type Outcome =
  | { read: { books: BooksInMemory; summary: SaftReadSummary } }
  | { refused: { line: number; column: number; reason: string } };

async function outcome(bytes: Buffer, chunkBytes: number, plainScanner: boolean): Promise<Outcome> {
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunkBytes) }, (_, i) => bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes));
  const sink = collectingSink();
  try {
    const summary = await readSaft(Readable.from(chunks), sink, { plainScanner });
    return { read: { books: sink.books, summary } };
  } catch (error) {
    if (!(error instanceof SaftFormatError)) throw error;
    return { refused: { line: error.line, column: error.column, reason: error.reason } };
  }
}

/**
 * Reads `file` both ways in chunks of several sizes (saxes places a few refusals differently by where its chunks end,
 * so each size is compared with saxes reading the same chunks); returns saxes's outcome for the whole file at once.
 */
async function sameBothWays(file: string | Buffer, chunkSizes = [1, 13, 333]): Promise<Outcome> {
  const bytes = typeof file === 'string' ? Buffer.from(file, 'utf8') : file;
  for (const chunkBytes of [...chunkSizes, bytes.length]) {
    const expected = await outcome(bytes, chunkBytes, false);
    expect({ chunkBytes, ...(await outcome(bytes, chunkBytes, true)) }).toEqual({ chunkBytes, ...expected });
  }
  return outcome(bytes, bytes.length, false);
}

/** The example with the `occurrence`-th (1-based) `from` replaced by `to`. */
function mutate(from: string, to: string, occurrence = 1, xml = EXAMPLE): string {
  let index = -1;
  for (let i = 0; i < occurrence; i++) index = xml.indexOf(from, index + 1);
  if (index < 0) throw new Error(`"${from}" not in the example`);
  return xml.slice(0, index) + to + xml.slice(index + from.length);
}

function refusedWith(result: Outcome): { line: number; column: number; reason: string } {
  if (!('refused' in result)) throw new Error('the file was read');
  return result.refused;
}

/** The last transaction's description: deep in the file, where the scanner reads. */
const DEEP = '<Description>Transaction A1003</Description>';

describe('the plain scanner reads as saxes does', () => {
  it.each(fs.readdirSync(EXAMPLES).filter((name) => name.endsWith('.xml')))('the example file %s', async (name) => {
    await sameBothWays(fs.readFileSync(path.join(EXAMPLES, name)));
  });

  it('the 1.30 example is read, not refused (the comparison compares records)', async () => {
    const result = await sameBothWays(EXAMPLE);
    expect('read' in result && result.read.books.transactions.length).toBeGreaterThan(0);
  });

  it.each([
    ['predefined entities', DEEP, '<Description>A &amp; B &lt;1&gt; &quot;q&quot; &apos;a&apos;</Description>'],
    ['character references', DEEP, '<Description>&#65;&#x42;</Description>'],
    ['a CDATA section', DEEP, '<Description><![CDATA[a & b <c>]]></Description>'],
    ['a comment inside a record', DEEP, '<Description>Trans<!-- note -->action</Description>'],
    ['a processing instruction inside a record', DEEP, '<Description>x<?app data?>y</Description>'],
    ['carriage returns and CRLF line ends', DEEP, '<Description>a\r\nb\rc</Description>\r\n'],
    ['characters beyond the Basic Multilingual Plane', DEEP, '<Description>\u{1F600} ø æ å \u{10000}</Description>'],
    ['a > and a lone ] in text', DEEP, '<Description>a > b ] c ]] d</Description>'],
    ['an attribute on an inner element', DEEP, '<Description xml:lang="no">Transaction A1003</Description>'],
    ['a self-closing element', DEEP, '<Description>x</Description><BatchID/>'],
    ['white space inside tags', DEEP, '<Description >x</Description >'],
    ['an element in a prefixed namespace', DEEP, '<s:Description xmlns:s="urn:StandardAuditFile-Taxation-Financial:NO">x</s:Description>'],
    ['a tab and non-ASCII names of unknown elements', DEEP, '<Description>\tx</Description><Ærend>y</Ærend>'],
  ])('a file with %s', async (_, from, to) => {
    await sameBothWays(mutate(from, to));
  });

  it('a record refusal after a region saxes read is given at the same line and column', async () => {
    const crlf = mutate('<Description>Transaction A1002</Description>', '<Description>\u{1F600}\r\n</Description>');
    const refused = refusedWith(await sameBothWays(mutate('<Amount>2500.00</Amount>', '<Amount>2500.001</Amount>', 1, crlf)));
    expect(refused.reason).toBe('Amount is not an amount with at most 2 decimals: "2500.001"');
  });
});

describe('the plain scanner refuses as saxes does', () => {
  it.each([
    ['a mismatched end tag', '</Description>', '</Descriptoin>', 'unexpected close tag.'],
    ['an unclosed element', DEEP, '<Description>Transaction A1003', undefined],
    ['an undefined entity', DEEP, '<Description>a &nbsp; b</Description>', 'undefined entity.'],
    ['an entity without its semicolon', DEEP, '<Description>a &amp b</Description>', undefined],
    ['a lone ampersand', DEEP, '<Description>a & b</Description>', undefined],
    ['a character reference to a character XML does not allow', DEEP, '<Description>&#0;</Description>', 'malformed character entity.'],
    [']]> in text', DEEP, '<Description>a ]]> b</Description>', 'the string "]]>" is disallowed in char data.'],
    ['a control character in text', DEEP, '<Description>a\u0001b</Description>', 'disallowed character.'],
    ['U+FFFE in text', DEEP, '<Description>a\ufffeb</Description>', 'disallowed character.'],
    ['a comment with --', DEEP, '<Description>a<!-- x -- y -->b</Description>', undefined],
    ['an unterminated CDATA section', DEEP, '<Description><![CDATA[a</Description>', undefined],
    ['a DOCTYPE inside the root', DEEP, '<!DOCTYPE x><Description>x</Description>', undefined],
    ['a name starting with a digit', DEEP, '<1Description>x</1Description>', undefined],
    ['a space after <', DEEP, '< Description>x</Description>', undefined],
    ['an unbound prefix', DEEP, '<y:Description>x</y:Description>', 'unbound namespace prefix: "y".'],
    ['an element in another namespace', DEEP, '<o:Description xmlns:o="urn:other">x</o:Description>', undefined],
    ['a duplicate attribute', DEEP, '<Description a="1" a="2">x</Description>', undefined],
    ['an end tag for the root inside a record', DEEP, '</AuditFile>', undefined],
    ['text after the root element', '</AuditFile>', '</AuditFile>\ntrailing', undefined],
    ['a second root element', '</AuditFile>', '</AuditFile><AuditFile></AuditFile>', undefined],
    ['a file cut in the middle of a tag', DEEP, '<Descrip', undefined],
  ])('%s', async (_, from, to, reason) => {
    let xml = mutate(from, to);
    if (to === '<Descrip') xml = xml.slice(0, xml.indexOf('<Descrip') + '<Descrip'.length);
    const refused = refusedWith(await sameBothWays(xml));
    if (reason !== undefined) expect(refused.reason).toBe(`not well-formed XML: ${reason}`);
  });

  it.each([
    ['a start tag after a text', '<Description>x<Descr' + 'i'.repeat(MAX_TEXT_CHARS) + '>y</Description>'],
    ['a start tag after an end tag', '<Description>x</Description><Descr' + 'i'.repeat(MAX_TEXT_CHARS) + '>'],
    ['an attribute after a text', '<Description>x<D a="' + 'v'.repeat(MAX_TEXT_CHARS) + '"/></Description>'],
    ['a text after a start tag', '<Description>' + 'x'.repeat(MAX_TEXT_CHARS + 1) + '</Description>'],
  ])('a piece longer than the limit deep in the file: %s', async (_, to) => {
    const refused = refusedWith(await sameBothWays(mutate(DEEP, to), [333, 65536]));
    expect(refused.reason).toMatch(/is longer than/);
  });

  it('a DOCTYPE that defines an entity, the entity used in a record', async () => {
    const xml = mutate('<AuditFile', '<!DOCTYPE AuditFile [<!ENTITY boom "x">]>\n<AuditFile').replace(DEEP, '<Description>&boom;</Description>');
    refusedWith(await sameBothWays(xml));
  });

  it('bytes that are not UTF-8 deep in the file', async () => {
    const bytes = Buffer.from(EXAMPLE, 'utf8');
    const at = bytes.indexOf(Buffer.from(DEEP)) + '<Description>Trans'.length;
    const refused = refusedWith(await sameBothWays(Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28]), bytes.subarray(at)])));
    expect(refused.reason).toBe('the file is not valid UTF-8');
  });

  it('a file that ends inside the root element', async () => {
    refusedWith(await sameBothWays(EXAMPLE.slice(0, EXAMPLE.indexOf(DEEP))));
  });
});
