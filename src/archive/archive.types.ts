import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NodeInterface } from '../graphql/node';
import { DateTimeScalar } from '../graphql/scalars';
import { RelationshipStatus } from '../relationships/customer-relationship.entity';
import { ArchiveDocumentKind } from './archive-document.entity';

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
  },
});

@ObjectType('ArchiveDocument', { implements: NodeInterface, description: 'A file of mandatory accounting data in the archive.' })
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

  @Field(() => DateTimeScalar, { description: 'When it was generated.' })
  createdAt!: Date;

  @Field({ description: 'Path on this server; GET it with the same bearer token to download.' })
  downloadPath!: string;
}

@InputType('ArchiveFilter', { description: 'Which archived relationships to list.' })
export class ArchiveFilterInput {
  @Field(() => RelationshipStatus, { nullable: true, description: 'Only relationships in this status (ENDED or ARCHIVED).' })
  status?: RelationshipStatus | null;

  @Field(() => String, { nullable: true, description: "Matches the client's name or organization number." })
  search?: string | null;
}
