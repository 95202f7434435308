import type { SaxesParser } from 'saxes';
import { SaftFormatError } from './errors';

/**
 * How deep elements may nest. SAF-T Financial nests about 8–10 elements deep
 * (AuditFile/GeneralLedgerEntries/Journal/Transaction/Line/TaxInformation/
 * TaxAmount/Amount); 64 leaves room for any honest file. The limit is what keeps
 * a file of deeply nested elements cheap: the parser resolves each element's
 * namespace by walking the open elements (and the reader joins their names
 * into a path), so without it 40,000 nested elements cost time quadratic in
 * their depth: half a minute and more.
 */
export const MAX_ELEMENT_DEPTH = 64;

/**
 * The most characters of one element's text, and of any other piece the
 * parser holds whole until it ends: a start tag with its attributes, an end
 * tag, a comment (a processing instruction or DOCTYPE counts together with
 * what follows it). The schema caps SAF-T's texts at 256 characters or less,
 * apart from a few free-form ones (a party's Notes); 1 MiB is generous, and
 * keeps one huge element from being joined into one string (a 700 MB element
 * otherwise exceeds what a JavaScript string can hold).
 */
export const MAX_TEXT_CHARS = 1024 * 1024;

/**
 * Writes the file's text to the parser without letting it hold more than
 * `maxChars` characters of one piece. saxes keeps a text node (and a tag, an
 * attribute value, a comment) in one string until the piece ends and is handed
 * over, so counting the text handed to the handlers would come too late: the
 * string is joined before anything is emitted. Instead the reader marks where
 * the parser last handed something over (`handedOver`, called from the
 * handlers of text, CDATA, comments, start and end tags), and never writes past
 * one character beyond the limit from that mark: a piece that crosses the
 * limit is refused at the character that crosses it, with at most the limit
 * held in memory.
 */
export class PieceLimit {
  /** The parser's position at its last event: every piece it still holds began there or later. */
  private lastHandedOver = 0;
  /**
   * Characters written so far. Kept here because saxes's `position` is only
   * right inside its event handlers: between writes it adds the last chunk twice.
   */
  private written = 0;

  constructor(
    private readonly parser: SaxesParser,
    private readonly maxChars: number,
    /** The innermost open element, to say where the refused piece is. */
    private readonly openElement: () => string | undefined,
  ) {}

  /** Called from every parser event: what the parser held so far has been handed over. */
  handedOver(): void {
    this.lastHandedOver = this.parser.position;
  }

  /** Where the next character written is in the file (saxes counts the same way: UTF-16 units). */
  get position(): number {
    return this.written;
  }

  /**
   * The parser was moved on to `position` (the file up to there was read without it), where it holds nothing; the
   * pieces it holds count from `handedOver`, where it would have handed over its last one.
   */
  resumeAt(position: number, handedOver = position): void {
    this.written = position;
    this.lastHandedOver = handedOver;
  }

  /** Writes `text` from `from` up to `end` or the limit's edge (at least one character); returns where it stopped. */
  write(text: string, from: number, end = text.length): number {
    const room = this.lastHandedOver + this.maxChars + 1 - this.written;
    const to = Math.min(end, from + Math.max(room, 1));
    this.parser.write(from === 0 && to === text.length ? text : text.slice(from, to));
    this.written += to - from;
    if (this.written - this.lastHandedOver > this.maxChars) {
      const element = this.openElement();
      throw new SaftFormatError(
        this.parser.line,
        this.parser.column + 1,
        `a text, tag or attribute value${element ? ` in ${element}` : ''} is longer than ${this.maxChars} characters (the limit)`,
      );
    }
    return to;
  }
}
