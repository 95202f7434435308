import type { Writable } from 'node:stream';
import { ArchiveDocumentFormat, ArchiveDocumentKind } from '../archive-document.entity';
import { byKey } from './books';
import { CSV_IDENTIFICATION_LINES, type SpecificationIdentity } from './identity';
import { PdfReport } from './pdf-report';

export const ARCHIVE_INDEX_TITLE = 'Arkivindeks';

/** `Arkivindeks_<orgnr>_<fiscalYear>.pdf`. */
export function archiveIndexFileName(organizationNumber: string, fiscalYear: number): string {
  return `${ARCHIVE_INDEX_TITLE}_${organizationNumber}_${fiscalYear}.pdf`;
}

/** A document the index lists. */
export interface IndexedDocument {
  kind: ArchiveDocumentKind;
  format: ArchiveDocumentFormat;
  fileName: string;
  byteSize: number;
  sha256: string;
}

/** Norwegian names of the kinds, as the index shows them. */
const KIND_NAMES: Record<ArchiveDocumentKind, string> = {
  [ArchiveDocumentKind.SAFT_FINANCIAL]: 'SAF-T Financial (regnskapsdata)',
  [ArchiveDocumentKind.JOURNAL]: 'Bokføringsspesifikasjon',
  [ArchiveDocumentKind.GENERAL_LEDGER]: 'Kontospesifikasjon',
  [ArchiveDocumentKind.CUSTOMER_SPECIFICATION]: 'Kundespesifikasjon',
  [ArchiveDocumentKind.SUPPLIER_SPECIFICATION]: 'Leverandørspesifikasjon',
  [ArchiveDocumentKind.TRIAL_BALANCE]: 'Saldobalanse',
  [ArchiveDocumentKind.VAT_SPECIFICATION]: 'Mva-spesifikasjon',
  [ArchiveDocumentKind.WITHDRAWAL_SPECIFICATION]: 'Spesifikasjon av uttak',
  [ArchiveDocumentKind.ARCHIVE_INDEX]: 'Arkivindeks',
  [ArchiveDocumentKind.BANK_STATEMENT]: 'Kontoutskrifter (lastet opp)',
  [ArchiveDocumentKind.A_MELDING]: 'A-melding (lastet opp)',
  [ArchiveDocumentKind.VOUCHER_DOCUMENTATION]: 'Bilag (lastet opp)',
  [ArchiveDocumentKind.OTHER_DOCUMENTATION]: 'Annen dokumentasjon (lastet opp)',
};

/**
 * The specifications of bokføringsforskriften § 3-1 and the related documentation that the bookkeeping data (what a
 * SAF-T file carries) cannot give: the index names them so the firm knows what to keep from the source system and
 * upload into the folder. docs/archive-contents.md says why for each.
 */
export const NOT_DERIVABLE: ReadonlyArray<{ name: string; why: string }> = [
  { name: 'Spesifikasjon av salg til ledende ansatte, eiere og nærstående', why: 'bøkene merker ikke hvem kundene er i forhold til foretaket' },
  { name: 'Lønnsspesifikasjon (lønn og godtgjørelser per ansatt, a-melding)', why: 'lønnssystemets opplysninger per ansatt er ikke i SAF-T-filen' },
  { name: 'Spesifikasjon av uttak som ikke er bokført på egne uttakskontoer', why: 'uttak kjennes bare igjen på kontoer med «uttak» i navnet' },
  { name: 'Kassaoppgjør og spesifikasjon av kontantsalg', why: 'kassasystemets journal er ikke i SAF-T-filen' },
  { name: 'Varetelling og spesifikasjon av varelager', why: 'lagerbeholdning per vare er ikke i bøkene' },
];

export const NOT_DERIVABLE_NOTE = 'ikke utledbar fra bokføringsdataene; oppbevares fra kildesystemet';

/**
 * ARCHIVE_INDEX (PDF): every document in the fiscal year's folder with kind, format, size and SHA-256 (not the index
 * itself), the specifications that could not be derived, and how to open the CSV files.
 */
export async function writeArchiveIndex(output: Writable, identity: SpecificationIdentity, documents: IndexedDocument[]): Promise<void> {
  const pdf = new PdfReport(output, ARCHIVE_INDEX_TITLE, identity);
  pdf.heading('Dokumenter i mappen');
  const sorted = [...documents].sort((a, b) => byKey(a.fileName, b.fileName));
  for (const d of sorted) {
    pdf.entry(`${d.fileName}`, `${KIND_NAMES[d.kind] ?? d.kind} · ${d.format} · ${d.byteSize} byte · SHA-256 ${d.sha256}`);
  }
  pdf.heading('Spesifikasjoner som ikke kan utledes av bokføringsdataene');
  for (const s of NOT_DERIVABLE) pdf.paragraph(`${s.name}: ${NOT_DERIVABLE_NOTE} (${s.why}).`);
  pdf.heading('Slik åpnes filene');
  pdf.paragraph(
    `CSV-filene er UTF-8 med BOM, semikolon som skilletegn og linjeskift CRLF; beløp med punktum som desimaltegn (-1234.50), datoer ÅÅÅÅ-MM-DD. ` +
      `De første ${CSV_IDENTIFICATION_LINES} linjene identifiserer spesifikasjonen (foretak, regnskapsår, utvalg, utarbeidet, system); deretter kommer kolonneoverskriftene. ` +
      `Excel og LibreOffice åpner filene direkte; i et program hoppes de ${CSV_IDENTIFICATION_LINES} første linjene over. ` +
      'Bokførings- og kontospesifikasjonen finnes bare som CSV: som PDF ville de bli tusenvis av sider.',
  );
  pdf.paragraph('SAF-T-filen følger Skatteetatens format SAF-T Financial 1.30 og kan leses inn i regnskapssystemer og Skatteetatens kontrollverktøy.');
  pdf.paragraph('Kontrollsummen SHA-256 viser at en fil er uendret: beregn den (for eksempel med «certutil -hashfile <fil> SHA256» eller «sha256sum <fil>») og sammenlign.');
  await pdf.end();
}
