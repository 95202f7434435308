import type { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { Ore } from '../../saft';
import { identificationLines, type SpecificationIdentity } from './identity';

export const PDF_CONTENT_TYPE = 'application/pdf';

/** 1 234 567,89 and -1 234,50: Norwegian grouping (a no-break space) and decimal comma. */
export function norwegianAmount(ore: Ore): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  const kroner = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign}${kroner},${String(abs % 100).padStart(2, '0')}`;
}

export interface PdfColumn {
  title: string;
  /** Share of the text width. */
  width: number;
  align?: 'left' | 'right';
}

const MARGIN = 40;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const SIZE = 8;
const ROW = 11;
/** Helvetica's advance widths (per 1000 em) of what amounts and dates are made of; no kerning between them matters here. */
const NUMBER_WIDTHS: Record<string, number> = { '0': 556, '1': 556, '2': 556, '3': 556, '4': 556, '5': 556, '6': 556, '7': 556, '8': 556, '9': 556, '\u00a0': 278, ',': 278, '.': 278, '-': 333 };
const NUMBER = /^[-0-9\u00a0,.]*$/;
/** No glyph of the standard fonts is wider than this (per 1000 em): shorter texts need no measuring to fit. */
const WIDEST = 1020;

/**
 * A readable rendering of a specification: A4, the identification (`SpecificationIdentity`) at the top of every page,
 * "side x av y" at the foot of every page, tables with Norwegian number formatting. pdfkit (pure JavaScript, its
 * built-in fonts: nothing to embed, no browser, no native binary).
 *
 * Deterministic: the document's dates are the preparation date, so the same books give the same bytes. Pages are held
 * until the end to number them "x av y": memory grows with the pages (the chart, the parties, the open items, the
 * codes), never with the lines; the line-level journal and ledger are not rendered.
 */
export class PdfReport {
  private readonly doc: PDFKit.PDFDocument;
  private readonly done: Promise<void>;
  private columns: PdfColumn[] = [];
  private readonly width: number;

  constructor(output: Writable, private readonly title: string, private readonly identity: SpecificationIdentity) {
    const date = new Date(`${identity.prepared}T00:00:00Z`);
    this.doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      bufferPages: true,
      autoFirstPage: false,
      info: { Title: `${title} ${identity.organizationNumber} ${identity.fiscalYear}`, Author: identity.system, Creator: identity.system, Producer: identity.system, CreationDate: date, ModDate: date },
    });
    this.width = 595.28 - 2 * MARGIN;
    // The storage's commit ends the stream; the document has been written when its readable side ends.
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', resolve);
      this.doc.on('error', reject);
      output.on('error', reject);
    });
    this.doc.pipe(output, { end: false });
    this.doc.on('pageAdded', () => this.pageHeader());
    this.doc.addPage();
  }

  private pageHeader(): void {
    const doc = this.doc;
    doc.font(BOLD).fontSize(12).text(this.title, MARGIN, MARGIN, { width: this.width });
    doc.font(FONT).fontSize(SIZE);
    for (const [label, value] of identificationLines(this.title, this.identity).slice(1)) {
      doc.text(`${label}: ${value}`, { width: this.width });
    }
    doc.moveDown(0.5);
    if (this.columns.length > 0) this.tableHeader();
  }

  private get bottom(): number {
    return this.doc.page.height - MARGIN - 2 * ROW;
  }

  private ensureRoom(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  heading(text: string): void {
    this.columns = [];
    this.ensureRoom(4 * ROW);
    this.doc.moveDown(0.5).font(BOLD).fontSize(10).text(text, MARGIN, this.doc.y, { width: this.width }).font(FONT).fontSize(SIZE).moveDown(0.3);
  }

  paragraph(text: string): void {
    this.ensureRoom(2 * ROW);
    this.doc.font(FONT).fontSize(SIZE).text(text, MARGIN, this.doc.y, { width: this.width }).moveDown(0.3);
  }

  /** Two lines kept together on a page: a bold title and a detail line. */
  entry(title: string, detail: string): void {
    this.ensureRoom(3 * ROW);
    this.doc.font(BOLD).fontSize(SIZE).text(title, MARGIN, this.doc.y, { width: this.width });
    this.doc.font(FONT).fontSize(SIZE).text(detail, MARGIN + 10, this.doc.y, { width: this.width - 10 }).moveDown(0.3);
    this.doc.x = MARGIN;
  }

  /** Starts a table; its header repeats at the top of each page it runs onto. */
  table(columns: PdfColumn[]): void {
    this.columns = columns;
    this.ensureRoom(3 * ROW);
    this.tableHeader();
  }

  private tableHeader(): void {
    this.cells(this.columns.map((c) => c.title), BOLD);
    const y = this.doc.y;
    this.doc.moveTo(MARGIN, y - 2).lineTo(MARGIN + this.width, y - 2).lineWidth(0.5).stroke();
  }

  /** A row of the current table; `bold` for sums and check lines. */
  row(cells: string[], bold = false): void {
    this.ensureRoom(ROW);
    this.cells(cells, bold ? BOLD : FONT);
  }

  /**
   * One line of cells, each cut to its column (with "…") and aligned by hand: no line wrapping, which costs more than
   * the rest of a report (thousands of open items).
   */
  private cells(cells: string[], font: string): void {
    const doc = this.doc;
    const total = this.columns.reduce((s, c) => s + c.width, 0);
    const y = doc.y;
    let x = MARGIN;
    doc.font(font).fontSize(SIZE);
    this.columns.forEach((column, i) => {
      const w = (column.width / total) * this.width - 2;
      let text = cells[i] ?? '';
      const right = column.align === 'right';
      const fits = (text.length * WIDEST * SIZE) / 1000 <= w;
      let width = text === '' || (fits && !right) ? 0 : this.widthOf(text);
      if (!fits && width > w) {
        text = text.slice(0, Math.floor((text.length * w) / width));
        while (text.length > 0 && doc.widthOfString(`${text}…`) > w) text = text.slice(0, -1);
        text = `${text}…`;
        width = doc.widthOfString(text);
      }
      if (text !== '') doc.text(text, right ? x + 1 + w - width : x + 1, y, { lineBreak: false });
      x += w + 2;
    });
    doc.x = MARGIN;
    doc.y = y + ROW;
  }

  /** A text's width at the table size: amounts and dates from the font's table, anything else measured by pdfkit. */
  private widthOf(text: string): number {
    if (!NUMBER.test(text)) return this.doc.widthOfString(text);
    let units = 0;
    for (const c of text) units += NUMBER_WIDTHS[c];
    return (units * SIZE) / 1000;
  }

  /** Numbers the pages ("side x av y") and ends the document; resolves when the output has it all. */
  async end(): Promise<void> {
    const doc = this.doc;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.font(FONT).fontSize(SIZE).text(`side ${i + 1} av ${range.count}`, MARGIN, doc.page.height - MARGIN, { width: this.width, align: 'right', lineBreak: false });
      doc.page.margins.bottom = bottomMargin;
    }
    doc.end();
    await this.done;
  }
}
