import type { Writable } from 'node:stream';
import { BufferedTextOutput } from '../../common/buffered-text-output';
import { formatAmount, type Ore } from '../../saft';

const BOM = '\uFEFF';

/** A CSV cell: text as is, money (øre) as an amount with 2 decimals and `.` (`formatAmount`). */
export type Cell = string | number | null | undefined | { ore: Ore };

export function amount(ore: Ore): { ore: Ore } {
  return { ore };
}

function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'object') return formatAmount(cell.ore);
  const text = String(cell);
  // RFC 4180 quoting: a separator, a quote or a line break inside a cell.
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
