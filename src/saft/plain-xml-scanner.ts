import { SaxesParser } from 'saxes';

/** Where the scanner hands the elements and texts it reads. */
export interface PlainXmlEvents {
  /** A start tag `<name>`; `line` and `column` are where the tag ends, as saxes gives them (column 1-based). */
  open(name: string, line: number, column: number): void;
  text(text: string): void;
  /** An end tag; `line` and `column` are where it ends. */
  close(line: number, column: number): void;
}

/** The longest piece (an unfinished tag or text) carried from one chunk to the next before handing over to saxes. */
const MAX_CARRIED_CHARS = 64 * 1024;

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const NL = 0x0a;
const TAB = 0x09;
const CLOSE_BRACKET = 0x5d;

/** 1 for a character that may start a name here (ASCII letter, `_`), 2 for one that may only continue it (digit, `-`, `.`). */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) NAME_CHAR[c] = 1;
  else if (/[0-9.-]/.test(ch)) NAME_CHAR[c] = 2;
}

const ENTITIES: ReadonlyArray<readonly [string, string]> = [
  ['amp;', '&'],
  ['lt;', '<'],
  ['gt;', '>'],
  ['quot;', '"'],
  ['apos;', "'"],
];

/**
 * Reads the plain XML that SAF-T files are made of, well inside a root element that saxes has opened: start tags
 * without attributes or prefixes (`<Name>`), the matching end tags, and text of ordinary characters with the five
 * predefined entities. This is most of a file, read several times faster than saxes reads it.
 *
 * Whatever else comes (a comment, CDATA, a processing instruction, attributes, a prefix, a character reference, a
 * carriage return, a character outside the Basic Multilingual Plane or not allowed in XML, a `]]>`, an end tag that
 * does not match, the root's end tag, a piece longer than `MAX_CARRIED_CHARS`) the scanner stops in front of the piece
 * it is in, having read everything before it as saxes would have, and the rest of the file goes to saxes
 * (`resumeSaxes`): saxes reads or refuses it with its own messages and positions.
 */
export class PlainXmlScanner {
  /** The start of an unfinished piece at the end of the last chunk, read again with the next one. */
  private carried = '';
  /** The file position (UTF-16 units, as saxes counts) of the first character of `carried`. */
  private position: number;
  /** The line of `position`, and the file position where that line starts. */
  private line: number;
  private lineStart: number;
  /** The open elements' names, the root (opened by saxes) first. */
  readonly open: string[];

  constructor(
    private readonly events: PlainXmlEvents,
    root: string,
    /** Where saxes stopped, just after the root's start tag. */
    at: { position: number; line: number; column: number },
  ) {
    this.position = at.position;
    this.line = at.line;
    this.lineStart = at.position - at.column;
    this.open = [root];
  }

  /** Where the text not read yet starts (for `resumeSaxes`). */
  get at(): { position: number; line: number; column: number } {
    return { position: this.position, line: this.line, column: this.position - this.lineStart };
  }

  /**
   * Reads `text`, the file's next characters. Returns undefined when it read all of it (an unfinished piece at its
   * end is kept for the next chunk), otherwise the text from where it stopped, for saxes (`at` is where that starts).
   */
  write(text: string): string | undefined {
    const s = this.carried.length === 0 ? text : this.carried + text;
    const n = s.length;
    const events = this.events;
    const open = this.open;
    // The file position of s[0]; `i` always stands at the start of a piece (a tag or a text).
    const base = this.position;
    let line = this.line;
    let lineStart = this.lineStart;
    let i = 0;
    let stop = false;
    while (i < n) {
      if (s.charCodeAt(i) === LT) {
        if (i + 1 >= n) break;
        const second = s.charCodeAt(i + 1);
        if (second === SLASH) {
          const from = i + 2;
          let j = from;
          while (j < n) {
            const c = s.charCodeAt(j);
            if (c >= 128 || NAME_CHAR[c] === 0) break;
            j++;
          }
          if (j >= n) break;
          const top = open[open.length - 1];
          // The root's end and anything unusual are left to saxes.
          if (s.charCodeAt(j) !== GT || open.length === 1 || j - from !== top.length || !s.startsWith(top, from)) {
            stop = true;
            break;
          }
          open.pop();
          i = j + 1;
          events.close(line, base + i - lineStart + 1);
        } else {
          if (second >= 128 || NAME_CHAR[second] !== 1) {
            stop = true;
            break;
          }
          let j = i + 2;
          while (j < n) {
            const c = s.charCodeAt(j);
            if (c >= 128 || NAME_CHAR[c] === 0) break;
            j++;
          }
          if (j >= n) break;
          if (s.charCodeAt(j) !== GT) {
            stop = true;
            break;
          }
          const name = s.slice(i + 1, j);
          open.push(name);
          i = j + 1;
          events.open(name, line, base + i - lineStart + 1);
        }
        continue;
      }
      // A text, up to the next tag: read whole or not at all.
      const end = s.indexOf('<', i);
      if (end < 0) break;
      let textLine = line;
      let textLineStart = lineStart;
      let decoded: string | undefined;
      let copiedTo = i;
      let j = i;
      for (; j < end; j++) {
        const c = s.charCodeAt(j);
        if (c >= 0x20) {
          if (c < 0xd800) {
            if (c === AMP) {
              const entity = ENTITIES.find(([name]) => s.startsWith(name, j + 1));
              if (entity === undefined) break;
              decoded = (decoded ?? '') + s.slice(copiedTo, j) + entity[1];
              j += entity[0].length;
              copiedTo = j + 1;
            } else if (c === CLOSE_BRACKET && s.startsWith(']]>', j)) break;
          } else if (c < 0xe000 || c > 0xfffd) break;
        } else if (c === NL) {
          textLine++;
          textLineStart = base + j + 1;
        } else if (c !== TAB) break;
      }
      if (j < end) {
        stop = true;
        break;
      }
      line = textLine;
      lineStart = textLineStart;
      if (end > i) events.text(decoded === undefined ? s.slice(i, end) : decoded + s.slice(copiedTo, end));
      i = end;
    }
    this.line = line;
    this.lineStart = lineStart;
    this.position = base + i;
    const rest = i === 0 && this.carried.length === 0 ? text : s.slice(i);
    if (stop || rest.length > MAX_CARRIED_CHARS) {
      this.carried = '';
      return rest;
    }
    this.carried = rest;
    return undefined;
  }

  /** The unfinished piece carried at the end of the input, for saxes (`at` is where it starts). */
  takeCarried(): string {
    const rest = this.carried;
    this.carried = '';
    return rest;
  }
}

/** saxes's state while reading text, read from a parser that starts there (a fragment parser). */
const SAXES_TEXT_STATE = (new SaxesParser({ fragment: true }) as unknown as { state: unknown }).state;

/** The fields of saxes 6's parser that `resumeSaxes` sets. */
interface SaxesInternals {
  state: unknown;
  tags: Array<{ name: string; ns?: Record<string, string> }>;
  tag: unknown;
  topNS: unknown;
  text: string;
  forbiddenState: number;
  chunkPosition: number;
  i: number;
  prevI: number;
  line: number;
  column: number;
  positionAtNewLine: number;
  carriedFromPrevious: string | undefined;
  closedRoot: boolean;
}

/**
 * Whether `parser` is a saxes parser this module knows how to resume (saxes 6): reading the root element's content
 * with nothing held, the root's start tag just read. Otherwise the scanner is not used.
 */
export function canScanAfter(parser: SaxesParser): boolean {
  const p = parser as unknown as Partial<SaxesInternals>;
  return (
    SAXES_TEXT_STATE !== undefined &&
    p.state === SAXES_TEXT_STATE &&
    Array.isArray(p.tags) &&
    p.tags.length === 1 &&
    typeof p.tags[0].ns === 'object' &&
    p.text === '' &&
    p.forbiddenState === 0 &&
    typeof p.chunkPosition === 'number' &&
    typeof p.i === 'number' &&
    typeof p.positionAtNewLine === 'number' &&
    p.carriedFromPrevious === undefined &&
    p.closedRoot === false
  );
}

/**
 * Puts `parser` where the scanner stopped: the scanner's open elements (below the root, which saxes opened) become
 * saxes's open elements, in the root's default namespace (they had neither prefix nor attributes), and its position,
 * line and column are the scanner's. saxes then reads on as if it had read the file itself up to there.
 */
export function resumeSaxes(parser: SaxesParser, scanner: PlainXmlScanner): void {
  const p = parser as unknown as SaxesInternals;
  const uri = parser.resolve('') ?? '';
  for (const name of scanner.open.slice(1)) {
    p.tags.push({ name, prefix: '', local: name, uri, attributes: Object.create(null), ns: Object.create(null), isSelfClosing: false } as never);
  }
  const { position, line, column } = scanner.at;
  p.tag = p.tags[p.tags.length - 1];
  p.topNS = p.tags[p.tags.length - 1].ns;
  p.state = SAXES_TEXT_STATE;
  p.text = '';
  p.forbiddenState = 0;
  p.chunkPosition = position;
  p.i = 0;
  p.prevI = 0;
  p.line = line;
  p.column = column;
  p.positionAtNewLine = position - column;
}
