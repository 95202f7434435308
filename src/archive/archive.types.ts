import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NodeInterface } from '../graphql/node';
import { DateTimeScalar } from '../graphql/scalars';
import { RelationshipStatus } from '../relationships/customer-relationship.entity';
import { UserType } from '../users/user.types';
import { ArchiveDocumentKind, ArchiveDocumentSource } from './archive-document.entity';

registerEnumType(ArchiveDocumentKind, {
  name: 'ArchiveDocumentKind',
  description: 'What an archive document holds.',
  valuesConfig: {
    SAFT_FINANCIAL: { description: 'A SAF-T Financial 1.30 file for one fiscal year.' },
    JOURNAL: { description: 'Bilagsjournal (CSV): every voucher line of the fiscal year in voucher order, with totals.' },
    GENERAL_LEDGER: { description: 'Hovedbok (CSV): per account, opening balance, every line with the running balance, closing balance.' },
    CUSTOMER_SPECIFICATION: { description: 'Kundespesifikasjon (CSV): per customer, opening balance, lines with the running balance, closing balance.' },
    SUPPLIER_SPECIFICATION: { description: 'Leverandørspesifikasjon (CSV): per supplier, opening balance, lines with the running balance, closing balance.' },
    TRIAL_BALANCE: { description: 'Saldobalanse (CSV): per account, opening balance, debit and credit movement, closing balance, with totals.' },
    VAT_SPECIFICATION: { description: 'Mva-spesifikasjon (CSV): per month and tax code, base and tax amounts on debit and credit, with totals per code.' },
    BANK_STATEMENT: { description: 'Uploaded: bank statements.' },
    A_MELDING: { description: 'Uploaded: A-melding receipts and reports (A03, A07).' },
    VOUCHER_DOCUMENTATION: { description: 'Uploaded: vouchers and their attachments (invoices, receipts).' },
    OTHER_DOCUMENTATION: { description: 'Uploaded: anything else the firm keeps for the client.' },
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

@ObjectType('ArchiveDocument', { implements: NodeInterface, description: 'A file in an archive folder: mandatory accounting data generated from the books, or documentation uploaded into the folder.' })
export class ArchiveDocumentType extends NodeInterface {
  @Field(() => ArchiveDocumentKind, { description: 'What the file holds.' })
  kind!: ArchiveDocumentKind;

  @Field(() => Int, { description: 'The fiscal year the document belongs to, named by the year it closes.' })
  fiscalYear!: number;

  @Field({ description: 'File name for saving.' })
  fileName!: string;

  @Field({ description: 'MIME type.' })
  contentType!: string;

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
}

@InputType('ArchiveFilter', { description: 'Which archived relationships to list.' })
export class ArchiveFilterInput {
  @Field(() => RelationshipStatus, { nullable: true, description: 'Only relationships in this status (ENDED or ARCHIVED).' })
  status?: RelationshipStatus | null;

  @Field(() => String, { nullable: true, description: "Matches the client's name or organization number." })
  search?: string | null;
}
