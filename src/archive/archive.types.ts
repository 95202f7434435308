import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NodeInterface } from '../graphql/node';
import { DateTimeScalar } from '../graphql/scalars';
import { RelationshipStatus } from '../relationships/customer-relationship.entity';
import { UserType } from '../users/user.types';
import { ArchiveDocumentFormat, ArchiveDocumentKind, ArchiveDocumentSource, ArchiveIntegrity } from './archive-document.entity';

registerEnumType(ArchiveDocumentKind, {
  name: 'ArchiveDocumentKind',
  description: 'What an archive document holds.',
  valuesConfig: {
    SAFT_FINANCIAL: { description: 'A SAF-T Financial 1.30 file for one fiscal year.' },
    JOURNAL: { description: 'Bokføringsspesifikasjon (CSV): every voucher line of the fiscal year in the order it was recorded, with VAT and period totals.' },
    GENERAL_LEDGER: { description: 'Kontospesifikasjon (CSV): per account, opening balance, every line with input and output VAT and the running balance, closing balance.' },
    CUSTOMER_SPECIFICATION: {
      description: 'Kundespesifikasjon: per customer, opening balance, lines with the running balance, closing balance and open items (CSV); the balance list with open items (PDF).',
    },
    SUPPLIER_SPECIFICATION: {
      description: 'Leverandørspesifikasjon: per supplier, opening balance, lines with the running balance, closing balance and open items (CSV); the balance list with open items (PDF).',
    },
    TRIAL_BALANCE: { description: 'Saldobalanse (CSV and PDF): per account, opening balance, debit and credit movement, closing balance, with totals and a check line.' },
    VAT_SPECIFICATION: { description: "Mva-spesifikasjon (CSV and PDF): per VAT term of the client and per year, base and VAT per code and rate, reconciled with the VAT accounts." },
    WITHDRAWAL_SPECIFICATION: { description: 'Spesifikasjon av uttak (CSV): the lines on the accounts the books mark as withdrawals.' },
    ARCHIVE_INDEX: { description: 'A readable index of the folder: every document with its size and SHA-256 (PDF).' },
    BANK_STATEMENT: { description: 'Uploaded: bank statements.' },
    A_MELDING: { description: 'Uploaded: A-melding receipts and reports (A03, A07).' },
    VOUCHER_DOCUMENTATION: { description: 'Uploaded: vouchers and their attachments (invoices, receipts).' },
    OTHER_DOCUMENTATION: { description: 'Uploaded: anything else the firm keeps for the client.' },
  },
});

registerEnumType(ArchiveDocumentFormat, {
  name: 'ArchiveDocumentFormat',
  description: 'The file format of an archive document.',
  valuesConfig: {
    XML: { description: 'XML (the SAF-T file).' },
    CSV: { description: 'CSV: UTF-8 with BOM, semicolon-separated, with identification lines at the top.' },
    PDF: { description: 'PDF, for reading and printing.' },
    OTHER: { description: 'Any other format (uploaded documentation).' },
  },
});

registerEnumType(ArchiveDocumentSource, {
  name: 'ArchiveDocumentSource',
  description: 'Where an archive document came from.',
  valuesConfig: {
    GENERATED: { description: 'Generated from the books at the generation date.' },
    UPLOADED: { description: "Uploaded by a user with ARCHIVE in the relationship's partner." },
  },
});

/** What the archive shows of a document's backup copy: the row's state, or NO_BACKUP where none is configured. */
export enum ArchiveBackupStatus {
  NO_BACKUP = 'NO_BACKUP',
  PENDING = 'PENDING',
  VERIFIED = 'VERIFIED',
}

registerEnumType(ArchiveBackupStatus, {
  name: 'ArchiveBackupStatus',
  description: 'Whether an archive document has a backup copy kept apart from the original, checked against its SHA-256.',
  valuesConfig: {
    NO_BACKUP: { description: 'This installation keeps no backup copy (ARCHIVE_BACKUP=none).' },
    PENDING: { description: 'The copy is queued or being written.' },
    VERIFIED: { description: 'The copy is written and has the recorded SHA-256.' },
  },
});

registerEnumType(ArchiveIntegrity, {
  name: 'ArchiveIntegrity',
  description: 'What the last fixity check of an archive document found.',
  valuesConfig: {
    UNCHECKED: { description: 'Not checked since it was stored.' },
    INTACT: { description: 'Every copy has the recorded SHA-256 (a missing or corrupt copy was rebuilt from a good one).' },
    DAMAGED: { description: 'No copy has the recorded SHA-256. The document stays listed; the partner is alerted.' },
  },
});

@ObjectType('ArchiveDocument', { simpleResolvers: true, implements: NodeInterface, description: 'A file in an archive folder: mandatory accounting data generated from the books, or documentation uploaded into the folder.' })
export class ArchiveDocumentType extends NodeInterface {
  @Field(() => ArchiveDocumentKind, { description: 'What the file holds.' })
  kind!: ArchiveDocumentKind;

  @Field(() => Int, { description: 'The fiscal year the document belongs to, named by the year it closes.' })
  fiscalYear!: number;

  @Field({ description: 'File name for saving.' })
  fileName!: string;

  @Field({ description: 'MIME type.' })
  contentType!: string;

  @Field(() => ArchiveDocumentFormat, { description: 'The file format: a specification may be in the folder both as CSV and as PDF.' })
  format!: ArchiveDocumentFormat;

  @Field(() => Float, { description: 'Size in bytes.' })
  byteSize!: number;

  @Field({ description: 'SHA-256 of the content, hex.' })
  sha256!: string;

  @Field(() => DateTimeScalar, { description: 'When it was generated or uploaded.' })
  createdAt!: Date;

  @Field({ description: 'Path on this server; GET it with the same bearer token to download.' })
  downloadPath!: string;

  @Field(() => ArchiveDocumentSource, { description: 'Generated from the books, or uploaded.' })
  source!: ArchiveDocumentSource;

  @Field(() => UserType, { nullable: true, description: 'Who uploaded it; null for generated documents.' })
  uploadedBy!: UserType | null;

  @Field(() => ArchiveBackupStatus, { description: 'Whether its backup copy, kept apart from the original, is written and verified.' })
  backupStatus!: ArchiveBackupStatus;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the backup copy's SHA-256 was last found right; null until then." })
  backupVerifiedAt!: Date | null;

  @Field(() => ArchiveIntegrity, { description: 'What the last scheduled fixity check found.' })
  integrity!: ArchiveIntegrity;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the fixity check last read it; null until then.' })
  integrityCheckedAt!: Date | null;
}

@InputType('ArchiveFilter', { description: 'Which archived relationships to list.' })
export class ArchiveFilterInput {
  @Field(() => RelationshipStatus, { nullable: true, description: 'Only relationships in this status (ENDED or ARCHIVED).' })
  status?: RelationshipStatus | null;

  @Field(() => String, { nullable: true, description: "Matches the client's name or organization number." })
  search?: string | null;
}
