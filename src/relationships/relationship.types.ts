import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ArchiveDocumentKind } from '../archive/archive-document.entity';
import { ClientType } from '../clients/client.types';
import { PageInfo } from '../graphql/connection';
import { NodeInterface } from '../graphql/node';
import { DateScalar, DateTimeScalar, YearMonthScalar } from '../graphql/scalars';
import { PartnerType } from '../partners/partner.types';
import { TaskKind, TaskState } from '../tasks/scheduled-task.entity';
import { UserType } from '../users/user.types';
import { RelationshipStatus } from './customer-relationship.entity';

registerEnumType(RelationshipStatus, {
  name: 'RelationshipStatus',
  description: 'Where a customer relationship stands.',
  valuesConfig: {
    ACTIVE: { description: 'The client is linked to the partner.' },
    ENDED: { description: 'Ended; waiting for the generation date.' },
    ARCHIVED: { description: 'Mandatory data generated and users deactivated.' },
    CANCELLED: { description: 'The ending was cancelled before the generation date.' },
  },
});
registerEnumType(TaskState, {
  name: 'TaskState',
  description: 'Where a scheduled task stands.',
  valuesConfig: {
    SCHEDULED: { description: 'Waiting for its due time.' },
    RUNNING: { description: 'Being carried out.' },
    SUCCEEDED: { description: 'Done.' },
    FAILED: { description: 'Failed; see lastError. Retried with backoff, then left for an operator.' },
    CANCELLED: { description: 'Will not run: the ending was cancelled.' },
  },
});
registerEnumType(TaskKind, {
  name: 'TaskKind',
  description: 'What a scheduled task does at the generation date.',
  valuesConfig: {
    GENERATE_MANDATORY_DATA: { description: 'Generate the mandatory accounting data into the archive.' },
    APPLY_DEACTIVATIONS: { description: "Deactivate the partner's users on the client." },
  },
});
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

@ObjectType('ScheduledTask', { description: 'Work the generation date sets off.' })
export class ScheduledTaskType {
  @Field(() => TaskKind, { description: 'What the task does.' })
  kind!: TaskKind;

  @Field(() => TaskState, { description: 'Where it stands.' })
  state!: TaskState;

  @Field(() => DateTimeScalar, { description: '00:00 Europe/Oslo on the generation date.' })
  dueAt!: Date;

  @Field(() => Int, { description: 'How many times it has been tried.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why the last try failed.' })
  lastError!: string | null;
}

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

@ObjectType('CustomerRelationship', { implements: NodeInterface, description: "One partner's engagement with one client." })
export class CustomerRelationshipType extends NodeInterface {
  @Field(() => ClientType, { description: 'The client.' })
  client!: ClientType;

  @Field(() => PartnerType, { description: 'The partner.' })
  partner!: PartnerType;

  @Field(() => RelationshipStatus, { description: 'Where the relationship stands.' })
  status!: RelationshipStatus;

  @Field(() => DateScalar, { nullable: true, description: 'When the partner code was put on the client (set by the system).' })
  partnerPeriodStart!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'When the partner code was removed (set by the system).' })
  partnerPeriodEnd!: string | null;

  @Field(() => YearMonthScalar, { nullable: true, description: 'First month the partner kept the books for.' })
  responsibilityFrom!: string | null;

  @Field(() => YearMonthScalar, { nullable: true, description: 'Last month the partner kept the books for.' })
  responsibilityTo!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Europe/Oslo date of generation and deactivation.' })
  generationDate!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the relationship was ended.' })
  endedAt!: Date | null;

  @Field(() => UserType, { nullable: true, description: 'Who ended it.' })
  endedBy!: UserType | null;

  @Field(() => [ScheduledTaskType], { description: 'The work scheduled for the generation date.' })
  tasks!: ScheduledTaskType[];

  @Field(() => [ArchiveDocumentType], { description: 'The mandatory accounting data generated into the archive.' })
  documents!: ArchiveDocumentType[];
}

@InputType('ArchiveFilter', { description: 'Which archived relationships to list.' })
export class ArchiveFilterInput {
  @Field(() => RelationshipStatus, { nullable: true, description: 'Only relationships in this status (ENDED or ARCHIVED).' })
  status?: RelationshipStatus | null;

  @Field(() => String, { nullable: true, description: "Matches the client's name or organization number." })
  search?: string | null;
}

@ObjectType('CustomerRelationshipEdge', { description: 'A relationship in a list.' })
export class CustomerRelationshipEdge {
  @Field({ description: 'Pass as `after` to continue after this relationship.' })
  cursor!: string;

  @Field(() => CustomerRelationshipType, { description: 'The relationship.' })
  node!: CustomerRelationshipType;
}

@ObjectType('CustomerRelationshipConnection', { description: 'A page of relationships.' })
export class CustomerRelationshipConnection {
  @Field(() => [CustomerRelationshipEdge], { description: 'The relationships on this page.' })
  edges!: CustomerRelationshipEdge[];

  @Field(() => PageInfo, { description: 'Where this page stands.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many relationships match the filter in all.' })
  totalCount!: number;
}
