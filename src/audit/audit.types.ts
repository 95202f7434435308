import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { NodeInterface } from '../graphql/node';
import { PageInfo } from '../graphql/connection';
import { DateTimeScalar } from '../graphql/scalars';
import { UserType } from '../users/user.types';

@ObjectType('AuditEvent', { simpleResolvers: true, implements: NodeInterface, description: 'Who changed what on a client, when, before and after, under which request.' })
export class AuditEventType extends NodeInterface {
  @Field({ description: 'What was done, e.g. RELATIONSHIP_ENDED.' })
  action!: string;

  @Field(() => UserType, { nullable: true, description: 'Who did it; null for the system (a scheduled task, an import).' })
  actor!: UserType | null;

  @Field(() => DateTimeScalar, { description: 'When.' })
  createdAt!: Date;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The values before the change.' })
  before!: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The values after the change.' })
  after!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'The request it was made under (X-Request-Id).' })
  requestId!: string | null;
}

@ObjectType('AuditEventEdge', { simpleResolvers: true, description: 'An audit event in a list.' })
export class AuditEventEdge {
  @Field({ description: 'Pass as `after` to continue after this event.' })
  cursor!: string;

  @Field(() => AuditEventType, { description: 'The event.' })
  node!: AuditEventType;
}

@ObjectType('AuditEventConnection', { description: "A page of a client's audit log, newest first." })
export class AuditEventConnection {
  @Field(() => [AuditEventEdge], { description: 'The events on this page.' })
  edges!: AuditEventEdge[];

  @Field(() => [AuditEventType], { description: 'The events on this page, without their cursors.' })
  nodes!: AuditEventType[];

  @Field(() => PageInfo, { description: 'Where this page stands.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many events the client has in all.' })
  totalCount!: number;
}
