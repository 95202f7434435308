import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../graphql/user-errors';
import { IDEMPOTENCY_KEY_DESCRIPTION, IsIdempotencyKey } from '../idempotency/idempotency-key';
import { ClientType } from './client.types';

@InputType('UpdateClientRetentionInput', { description: "How long the client's archive is kept, and whether a legal hold stops its deletion. Omitted fields stay." })
export class UpdateClientRetentionInput {
  @Field(() => ID, { description: 'The client (global id).' })
  clientId!: string;

  @Field(() => Int, { nullable: true, description: 'At least 5.' })
  retentionYears?: number | null;

  @Field(() => Boolean, { nullable: true, description: "True stops every deletion of the client's archive, also of documents already due; false lets retention go on." })
  legalHold?: boolean | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsIdempotencyKey()
  idempotencyKey?: string | null;
}

@ObjectType('UpdateClientRetentionPayload', { simpleResolvers: true, description: 'The result of updateClientRetention.' })
export class UpdateClientRetentionPayload {
  @Field(() => ClientType, { nullable: true, description: 'The client, with its retention and legal hold.' })
  client!: ClientType | null;

  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}
