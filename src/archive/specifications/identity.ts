import type { VatTerm } from '../../clients/vat-term';
import type { CsvWriter } from './csv-writer';

/**
 * What every specification states at its top (bokføringsforskriften § 3-1, identified): the company, the fiscal year
 * and the selection (the part of the responsibility period in that year) it covers, the date it was prepared and the
 * system that produced it. `prepared` is the relationship's generation date, so the same books give the same bytes.
 */
export interface SpecificationIdentity {
  companyName: string;
  organizationNumber: string;
  fiscalYear: number;
  fiscalYearStart: string;
  fiscalYearEnd: string;
  selectionStart: string;
  selectionEnd: string;
  responsibilityFrom: string;
  responsibilityTo: string;
  prepared: string;
  system: string;
  vatTerm: VatTerm;
}

/** The lines of the identification, as label and value; the CSV and the PDF header show the same. */
export function identificationLines(title: string, id: SpecificationIdentity): Array<[string, string]> {
  return [
    ['Spesifikasjon', title],
    ['Foretak', id.companyName],
    ['Organisasjonsnummer', id.organizationNumber],
    ['Regnskapsår', `${id.fiscalYear} (${id.fiscalYearStart} – ${id.fiscalYearEnd})`],
    ['Utvalg', `${id.selectionStart} – ${id.selectionEnd} (ansvarsperiode ${id.responsibilityFrom} – ${id.responsibilityTo})`],
    ['Utarbeidet', id.prepared],
    ['System', id.system],
  ];
}

/**
 * Lines before a CSV's column header: the identification (two cells each: label; value) and one empty line. Always
 * this many, whatever the specification, so a program skips a fixed number of lines (pandas `skiprows=8`, Power
 * Query "Remove top rows: 8", `tail -n +9`), while a spreadsheet opening the file shows them at the top.
 */
export const CSV_IDENTIFICATION_LINES = 8;

export async function writeCsvIdentification(csv: CsvWriter, title: string, id: SpecificationIdentity): Promise<void> {
  const lines = identificationLines(title, id);
  for (const [label, value] of lines) await csv.row([label, value]);
  await csv.row([]);
  if (lines.length + 1 !== CSV_IDENTIFICATION_LINES) throw new Error('the identification has a fixed number of lines');
}
