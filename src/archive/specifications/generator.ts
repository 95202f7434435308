import type { Writable } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
import type { Logger } from '../../common/logger';
import { inReadSnapshot } from '../../db/read-snapshot';
import type { ArchivedFiscalYear } from '../../ledger/fiscal-years';
import type { CustomerRelationship } from '../../relationships/customer-relationship.entity';
import { ArchiveDocumentFormat, ArchiveDocumentKind, type ArchiveDocument } from '../archive-document.entity';
import { isStored, storeFiles, type ArchiveStorage } from '../archive-storage';
import type { GeneratedDocument } from '../generated-documents';
import { readOpeningBooks, type SpecificationBooks } from './books';
import { CsvWriter } from './csv-writer';
import { writeCsvIdentification, type SpecificationIdentity } from './identity';
import { PDF_CONTENT_TYPE, PdfReport } from './pdf-report';
import { writeCustomerSpecification, writeFirstPass, writeGeneralLedger, writeSupplierSpecification, writeTrialBalance } from './specifications';

export const SPECIFICATION_CONTENT_TYPE = 'text/csv; charset=utf-8';

export interface SpecificationFile {
  kind: ArchiveDocumentKind;
  format: ArchiveDocumentFormat.CSV | ArchiveDocumentFormat.PDF;
  /** The file name's first part. */
  name: string;
  /** The specification's name at its top (bokføringsforskriften § 3-1). */
  title: string;
}

/** Each specification file: its document kind, format, file name's first part and title. */
export const SPECIFICATIONS: readonly SpecificationFile[] = [
  { kind: ArchiveDocumentKind.JOURNAL, format: ArchiveDocumentFormat.CSV, name: 'Bilagsjournal', title: 'Bokføringsspesifikasjon (bilagsjournal)' },
  { kind: ArchiveDocumentKind.GENERAL_LEDGER, format: ArchiveDocumentFormat.CSV, name: 'Hovedbok', title: 'Kontospesifikasjon (hovedbok)' },
  { kind: ArchiveDocumentKind.CUSTOMER_SPECIFICATION, format: ArchiveDocumentFormat.CSV, name: 'Kundespesifikasjon', title: 'Kundespesifikasjon' },
  { kind: ArchiveDocumentKind.SUPPLIER_SPECIFICATION, format: ArchiveDocumentFormat.CSV, name: 'Leverandorspesifikasjon', title: 'Leverandørspesifikasjon' },
  { kind: ArchiveDocumentKind.TRIAL_BALANCE, format: ArchiveDocumentFormat.CSV, name: 'Saldobalanse', title: 'Saldobalanse (balansespesifikasjon)' },
  { kind: ArchiveDocumentKind.VAT_SPECIFICATION, format: ArchiveDocumentFormat.CSV, name: 'Mva-spesifikasjon', title: 'Mva-spesifikasjon per termin' },
  { kind: ArchiveDocumentKind.WITHDRAWAL_SPECIFICATION, format: ArchiveDocumentFormat.CSV, name: 'Uttaksspesifikasjon', title: 'Spesifikasjon av uttak' },
  { kind: ArchiveDocumentKind.TRIAL_BALANCE, format: ArchiveDocumentFormat.PDF, name: 'Saldobalanse', title: 'Saldobalanse (balansespesifikasjon)' },
  { kind: ArchiveDocumentKind.VAT_SPECIFICATION, format: ArchiveDocumentFormat.PDF, name: 'Mva-spesifikasjon', title: 'Mva-spesifikasjon per termin' },
  { kind: ArchiveDocumentKind.CUSTOMER_SPECIFICATION, format: ArchiveDocumentFormat.PDF, name: 'Kundespesifikasjon', title: 'Kundespesifikasjon: saldoliste og åpne poster' },
  { kind: ArchiveDocumentKind.SUPPLIER_SPECIFICATION, format: ArchiveDocumentFormat.PDF, name: 'Leverandorspesifikasjon', title: 'Leverandørspesifikasjon: saldoliste og åpne poster' },
];

const EXTENSION = { [ArchiveDocumentFormat.CSV]: 'csv', [ArchiveDocumentFormat.PDF]: 'pdf' } as const;
const CONTENT_TYPE = { [ArchiveDocumentFormat.CSV]: SPECIFICATION_CONTENT_TYPE, [ArchiveDocumentFormat.PDF]: PDF_CONTENT_TYPE } as const;

/** `Saldobalanse_<orgnr>_<fiscalYear>.csv`, like the SAF-T file's name. */
export function specificationFileName(name: string, organizationNumber: string, fiscalYear: number, extension = 'csv'): string {
  return `${name}_${organizationNumber}_${fiscalYear}.${extension}`;
}

export interface SpecificationDeps {
  dataSource: DataSource;
  storage: ArchiveStorage;
  logger: Logger;
}

/** The writers of one pass: by kind, a CSV writer and a PDF report for the files of the pass that are due. */
interface Outputs {
  csv: Partial<Record<ArchiveDocumentKind, CsvWriter>>;
  pdf: Partial<Record<ArchiveDocumentKind, PdfReport>>;
}

/**
 * How the specifications are written. The first pass reads the lines in the order they were recorded: it always runs,
 * because it sums the movements the others need, and writes the journal, the VAT specification (CSV and PDF) and the
 * withdrawals when they are due. Each pass after it writes one kind's files from the finished books (the ledgers read
 * the lines again, each in its own order; the party passes then stream the open items).
 */
const FIRST_PASS_KINDS = [ArchiveDocumentKind.JOURNAL, ArchiveDocumentKind.VAT_SPECIFICATION, ArchiveDocumentKind.WITHDRAWAL_SPECIFICATION];
const LATER_PASSES: ReadonlyArray<{ kind: ArchiveDocumentKind; write: (out: Outputs, runner: QueryRunner, books: SpecificationBooks) => Promise<void> }> = [
  { kind: ArchiveDocumentKind.GENERAL_LEDGER, write: (out, runner, books) => writeGeneralLedger(out.csv.GENERAL_LEDGER!, runner, books) },
  { kind: ArchiveDocumentKind.CUSTOMER_SPECIFICATION, write: (out, runner, books) => writeCustomerSpecification(out.csv.CUSTOMER_SPECIFICATION, out.pdf.CUSTOMER_SPECIFICATION, runner, books) },
  { kind: ArchiveDocumentKind.SUPPLIER_SPECIFICATION, write: (out, runner, books) => writeSupplierSpecification(out.csv.SUPPLIER_SPECIFICATION, out.pdf.SUPPLIER_SPECIFICATION, runner, books) },
  { kind: ArchiveDocumentKind.TRIAL_BALANCE, write: (out, _runner, books) => writeTrialBalance(out.csv.TRIAL_BALANCE, out.pdf.TRIAL_BALANCE, books) },
];

/**
 * Writes the specifications of one archived fiscal year (DESIGN S3) that are due (not in `existing`, the year's
 * recorded documents, with their file in storage), next to its SAF-T file in the same folder, over the same
 * selection, and adds each stored file to `written`; the caller records them (or removes them when the year's
 * generation fails). All are read in one REPEATABLE READ snapshot, so they agree with each other. Each states
 * `identity` at its top.
 *
 * Idempotent like the SAF-T file: a file whose document is recorded and whose file is in storage with its recorded
 * size is skipped; the others are written again (atomically, through the storage). Nothing in a file depends on when
 * it is written, so the same books give the same bytes.
 */
export async function writeSpecifications(
  deps: SpecificationDeps,
  relationship: CustomerRelationship,
  clientId: string,
  identity: SpecificationIdentity,
  year: ArchivedFiscalYear,
  existing: ArchiveDocument[],
  storageKeyOf: (fileName: string) => string,
  written: GeneratedDocument[],
): Promise<void> {
  const { dataSource, storage, logger } = deps;
  const todo: Array<SpecificationFile & { fileName: string; storageKey: string }> = [];
  for (const spec of SPECIFICATIONS) {
    if (await isStored(storage, existing.find((d) => d.kind === spec.kind && d.format === spec.format))) continue;
    const fileName = specificationFileName(spec.name, identity.organizationNumber, year.fiscalYear, EXTENSION[spec.format]);
    todo.push({ ...spec, fileName, storageKey: storageKeyOf(fileName) });
  }
  if (todo.length === 0) return;

  type Due = (typeof todo)[number];
  // Writes the due files of one pass; `write` runs even when none is due (the first pass sums the movements).
  const writePass = async (due: Due[], write: (out: Outputs) => Promise<void>) => {
    const { stored, result: rows } = await storeFiles(
      storage,
      due.map((spec) => spec.storageKey),
      async (streams: Writable[]) => {
        const out: Outputs = { csv: {}, pdf: {} };
        const csvWriters: Array<CsvWriter | undefined> = [];
        const reports: Array<PdfReport | undefined> = [];
        for (const [i, spec] of due.entries()) {
          if (spec.format === ArchiveDocumentFormat.CSV) {
            const csv = new CsvWriter(streams[i]);
            await writeCsvIdentification(csv, spec.title, identity);
            out.csv[spec.kind] = csvWriters[i] = csv;
          } else {
            out.pdf[spec.kind] = reports[i] = new PdfReport(streams[i], spec.title, identity);
          }
        }
        await write(out);
        for (const csv of csvWriters) await csv?.flush();
        for (const pdf of reports) await pdf?.end();
        return csvWriters.map((csv) => csv?.rows ?? null);
      },
    );
    due.forEach(({ kind, format, fileName, storageKey }, i) => {
      written.push({ kind, format, fileName, contentType: CONTENT_TYPE[format], storageKey, stored: stored[i] });
      logger.info({ relationshipId: relationship.id, fiscalYear: year.fiscalYear, kind, format, rows: rows[i], bytes: stored[i].byteSize }, 'specification written');
    });
  };

  await inReadSnapshot(dataSource, async (runner) => {
    const opening = await readOpeningBooks(runner, { clientId, start: year.selectionStart, end: year.selectionEnd });
    const chart: Array<{ account_id: string; description: string }> = await runner.query('SELECT account_id, description FROM ledger_accounts WHERE client_id = ?', [clientId]);
    const accountNames = new Map(chart.map((a) => [a.account_id, a.description]));
    const first = todo.filter((spec) => FIRST_PASS_KINDS.includes(spec.kind));
    await writePass(first, (out) =>
      writeFirstPass(
        { journal: out.csv.JOURNAL, vat: out.csv.VAT_SPECIFICATION, vatPdf: out.pdf.VAT_SPECIFICATION, withdrawals: out.csv.WITHDRAWAL_SPECIFICATION },
        runner,
        opening,
        identity.vatTerm,
        accountNames,
      ),
    );
    const books = opening.finish();
    for (const pass of LATER_PASSES) {
      const due = todo.filter((spec) => spec.kind === pass.kind);
      if (due.length > 0) await writePass(due, (out) => pass.write(out, runner, books));
    }
  });
}
