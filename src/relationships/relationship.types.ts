import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ArchiveDocumentType } from '../archive/archive.types';
import { ClientType } from '../clients/client.types';
import { PageInfo } from '../graphql/connection';
import { NodeInterface } from '../graphql/node';
import { DateScalar, DateTimeScalar, YearMonthScalar } from '../graphql/scalars';
import { PartnerType } from '../partners/partner.types';
import { ScheduledTaskType } from '../tasks/task.types';
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
@ObjectType('CustomerRelationship', { simpleResolvers: true, implements: NodeInterface, description: "One partner's engagement with one client." })
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

@ObjectType('CustomerRelationshipEdge', { simpleResolvers: true, description: 'A relationship in a list.' })
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

  @Field(() => [CustomerRelationshipType], { description: 'The relationships on this page, without their cursors.' })
  nodes!: CustomerRelationshipType[];

  @Field(() => PageInfo, { description: 'Where this page stands.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many relationships match the filter in all.' })
  totalCount!: number;
}
