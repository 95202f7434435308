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
const CLOSE_BRACKET = 0x5d;
const NL = 0x0a;
const TAB = 0x09;

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

/** The predefined entity whose name (with its `;`) starts at `at`. */
function entityAt(s: string, at: number): readonly [string, string] | undefined {
  for (const entity of ENTITIES) if (s.startsWith(entity[0], at)) return entity;
  return undefined;
}

/** `s` from `from` to `to` with its predefined entities replaced (all of them are, as `scan` checked). */
function decodeEntities(s: string, from: number, to: number): string {
  let decoded = '';
  let copied = from;
  for (let at = s.indexOf('&', from); at >= 0 && at < to; at = s.indexOf('&', at + 1)) {
    const [name, value] = entityAt(s, at + 1)!;
    decoded += s.slice(copied, at) + value;
    copied = at + 1 + name.length;
  }
  return decoded + s.slice(copied, to);
}

/**
 * The names of the elements read, each kept once as an internalized string: the tags of a file repeat a few dozen
 * names, so a name is found again from the characters of its tag without cutting a new string out of the chunk (which
 * would keep the chunk alive and compare character by character with the names the reader looks for).
 */
class ElementNames {
  private readonly slots: Array<string | undefined> = new Array<string | undefined>(1024).fill(undefined);

  /** The name in `s` from `from` to `to`, whose characters hash to `hash`. */
  name(s: string, from: number, to: number, hash: number): string {
    const slot = hash & 1023;
    const known = this.slots[slot];
    if (known !== undefined && known.length === to - from) {
      let k = 0;
      while (k < known.length && known.charCodeAt(k) === s.charCodeAt(from + k)) k++;
      if (k === known.length) return known;
    }
    // A property key is internalized: two such strings are equal only when they are the same string.
    const name = Object.keys({ [s.slice(from, to)]: 0 })[0];
    this.slots[slot] = name;
    return name;
  }
}

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
  private readonly names = new ElementNames();
  /** Whether the last piece read was a text (saxes hands a text over once it has read the `<` after it). */
  afterText = false;

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
    // Joined into one flat string: reading characters out of a concatenation costs more, at each character.
    const s = this.carried.length === 0 ? text : [this.carried, text].join('');
    const base = this.position;
    const read = this.scan(s, base);
    const i = read < 0 ? -1 - read : read;
    this.position = base + i;
    const rest = i === 0 && this.carried.length === 0 ? text : s.slice(i);
    if (read < 0 || rest.length > MAX_CARRIED_CHARS) {
      this.carried = '';
      return rest;
    }
    this.carried = rest;
    return undefined;
  }

  /**
   * Reads `s` (its first character at file position `base`) up to an unfinished piece at its end; returns where it
   * stopped, or -1 minus that where a piece for saxes starts. Only the loop is here: V8 compiles it while it runs, and
   * code after it that has not run yet would make that compiled code be thrown away again at each chunk.
   */
  private scan(s: string, base: number): number {
    const n = s.length;
    const events = this.events;
    const open = this.open;
    const nameChar = NAME_CHAR;
    // `i` always stands at the start of a piece (a tag or a text).
    let i = 0;
    while (i < n) {
      if (s.charCodeAt(i) === LT) {
        if (i + 1 >= n) return i;
        if (s.charCodeAt(i + 1) === SLASH) {
          const top = open[open.length - 1];
          const from = i + 2;
          const end = from + top.length;
          let k = 0;
          while (k < top.length && from + k < n && s.charCodeAt(from + k) === top.charCodeAt(k)) k++;
          if (from + k >= n && k <= top.length) return i; // cut by the chunk's end, the same so far
          // The root's end and anything unusual are left to saxes.
          if (k !== top.length || s.charCodeAt(end) !== GT || open.length === 1) return -1 - i;
          open.pop();
          i = end + 1;
          this.afterText = false;
          events.close(this.line, base + i - this.lineStart + 1);
        } else {
          const first = s.charCodeAt(i + 1);
          if (first >= 128 || nameChar[first] !== 1) return -1 - i;
          let j = i + 2;
          let c = 0;
          let hash = first;
          while (j < n) {
            c = s.charCodeAt(j);
            if (c >= 128 || nameChar[c] === 0) break;
            hash = (hash * 31 + c) | 0;
            j++;
          }
          if (j >= n) return i;
          if (c !== GT || j - i > MAX_CARRIED_CHARS) return -1 - i;
          const name = this.names.name(s, i + 1, j, hash);
          open.push(name);
          i = j + 1;
          this.afterText = false;
          events.open(name, this.line, base + i - this.lineStart + 1);
        }
        continue;
      }
      // A text, up to the next tag: read whole or not at all.
      let lines = 0;
      let lastBreak = 0;
      let entities = false;
      let j = i;
      for (; j < n; j++) {
        const c = s.charCodeAt(j);
        if (c > CLOSE_BRACKET) {
          if (c < 0xd800 || (c >= 0xe000 && c <= 0xfffd)) continue;
          return -1 - i;
        }
        if (c >= 0x20) {
          if (c === LT) break;
          if (c === AMP) {
            const entity = entityAt(s, j + 1);
            // Not one of the five (saxes reads it), unless cut by the chunk's end.
            if (entity === undefined) return n - j <= 5 ? i : -1 - i;
            entities = true;
            j += entity[0].length;
          } else if (c === CLOSE_BRACKET) {
            if (j + 2 >= n) return i;
            if (s.charCodeAt(j + 1) === CLOSE_BRACKET && s.charCodeAt(j + 2) === GT) return -1 - i;
          }
        } else if (c === NL) {
          lines++;
          lastBreak = j;
        } else if (c !== TAB) return -1 - i;
      }
      if (j >= n) return i;
      // A long text goes to saxes, which holds the reader's limit on it.
      if (j - i > MAX_CARRIED_CHARS) return -1 - i;
      if (lines > 0) {
        this.line += lines;
        this.lineStart = base + lastBreak + 1;
      }
      this.afterText = true;
      events.text(entities ? decodeEntities(s, i, j) : s.slice(i, j));
      i = j;
    }
    return i;
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
