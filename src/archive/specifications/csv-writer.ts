import type { Writable } from 'node:stream';
import { BufferedTextOutput } from '../../common/buffered-text-output';
import { formatAmount, type Ore } from '../../saft';

const BOM = '\uFEFF';

/** A CSV cell: text as is, money (øre) as an amount with 2 decimals and `.` (`formatAmount`). */
export type Cell = string | number | null | undefined | { ore: Ore };

export function amount(ore: Ore): { ore: Ore } {
  return { ore };
}

const NEEDS_QUOTES = /[;"\r\n]/;

function cellText(cell: Cell): string {
  if (typeof cell === 'object' && cell !== null) return formatAmount(cell.ore);
  return csvText(cell);
}

/**
 * A text cell as a row holds it: empty for null, quoted when it holds a separator, a quote or a line break (RFC 4180).
 * With `formatAmount` for money, what a pass joins with `;` for `addJoined` is what `add` would write.
 */
export function csvText(cell: string | number | null | undefined): string {
  if (cell === null || cell === undefined) return '';
  const text = typeof cell === 'string' ? cell : String(cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes the specifications' CSV (UTF-8 with BOM, `;` separator, CRLF line ends — what Norwegian Excel opens as is)
 * to a stream, buffered, waiting for 'drain' when the stream asks for it, so memory stays flat however many rows.
 */
export class CsvWriter {
  private readonly text: BufferedTextOutput;
  rows = 0;

  constructor(output: Writable) {
    this.text = new BufferedTextOutput(output);
    this.text.write(BOM);
  }

  /** Adds a row; true when enough is buffered that the caller should `await flush()` (see `row`). */
  add(cells: Cell[]): boolean {
    let line = cells.length > 0 ? cellText(cells[0]) : '';
    for (let i = 1; i < cells.length; i++) line += ';' + cellText(cells[i]);
    this.rows++;
    return this.text.write(line + '\r\n');
  }

  /** Adds a row whose cells are already written (`csvText`, `formatAmount`) and joined with `;`: no array per row. */
  addJoined(line: string): boolean {
    this.rows++;
    return this.text.write(`${line}\r\n`);
  }

  /** Adds a row and flushes when the buffer is full. Loops over many rows may `add` and check once per batch instead. */
  async row(cells: Cell[]): Promise<void> {
    if (this.add(cells)) await this.flush();
  }

  /** Flushes when the buffer is full. */
  flushIfFull(): Promise<void> {
    return this.text.flushIfFull();
  }

  flush(): Promise<void> {
    return this.text.flush();
  }
}
