import { ArrayMinSize, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ClientExtensionType, ClientType, ClientUserType } from '../clients/client.types';
import { DateScalar, YearMonthScalar } from '../graphql/scalars';
import { UserError, Warning } from '../graphql/user-errors';
import { IDEMPOTENCY_KEY_DESCRIPTION, IsIdempotencyKey } from '../idempotency/idempotency-key';
import { PartnerType } from '../partners/partner.types';
import { UserType } from '../users/user.types';
import { CustomerRelationshipType } from './relationship.types';

@InputType('EndCustomerRelationshipProposal', { description: 'An ending for the preview to check, as endCustomerRelationship would take it, without the client.' })
export class EndCustomerRelationshipProposalInput {
  @Field(() => YearMonthScalar, { description: 'First month the partner kept the books for.' })
  responsibilityFrom!: string;

  @Field(() => YearMonthScalar, { description: "Last month the partner kept the books for; not after the generation date's month." })
  responsibilityTo!: string;

  @Field(() => DateScalar, { description: 'Europe/Oslo date of generation and deactivation: after today, at most 366 days ahead.' })
  generationDate!: string;

  @Field(() => ID, { nullable: true, description: 'Hand the subscription-administrator role to this user at once.' })
  newSubscriptionAdminUserId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Remove the extensions the ending partner owns on the client.' })
  removePartnerOwnedExtensions?: boolean | null;
}

@InputType('EndCustomerRelationshipInput', { description: "Ending the client's relationship with its linked partner: the responsibility period, the generation date and, optionally, a new subscription administrator and the removal of the partner's extensions." })
export class EndCustomerRelationshipInput extends EndCustomerRelationshipProposalInput {
  @Field(() => ID, { description: 'The client (global id).' })
  clientId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsIdempotencyKey()
  idempotencyKey?: string | null;
}

@ObjectType('EndCustomerRelationshipPayload', { simpleResolvers: true, description: 'The result of endCustomerRelationship.' })
export class EndCustomerRelationshipPayload {
  @Field(() => CustomerRelationshipType, { nullable: true, description: 'The ended relationship.' })
  relationship!: CustomerRelationshipType | null;

  @Field(() => ClientType, { nullable: true, description: 'The client, no longer linked to the partner.' })
  client!: ClientType | null;

  @Field(() => [ClientUserType], { description: 'Accesses that got a deactivation date.' })
  deactivations!: ClientUserType[];

  @Field(() => [Warning], { description: 'Things to know; the relationship was ended.' })
  warnings!: Warning[];

  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}

@InputType('EndCustomerRelationshipsInput', { description: 'Many endings in one call; each item is ended on its own.' })
export class EndCustomerRelationshipsInput {
  @Field(() => [EndCustomerRelationshipInput], { description: '1..100 items.' })
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  items!: EndCustomerRelationshipInput[];
}

@ObjectType('EndCustomerRelationshipsPayload', { simpleResolvers: true, description: 'The result of endCustomerRelationships.' })
export class EndCustomerRelationshipsPayload {
  @Field(() => [EndCustomerRelationshipPayload], { description: "One result per item, in the items' order; an item's userErrors concern that item alone." })
  results!: EndCustomerRelationshipPayload[];

  @Field(() => [UserError], { description: 'Errors of the call as a whole (such as TOO_MANY_ITEMS); then nothing was done.' })
  userErrors!: UserError[];
}

@ObjectType('ArchivedFiscalYear', { simpleResolvers: true, description: 'A fiscal year an ending would generate into the archive, and the part of it the files would cover.' })
export class ArchivedFiscalYearType {
  @Field(() => Int, { description: 'The fiscal year, named by the calendar year in which it closes (its folder).' })
  fiscalYear!: number;

  @Field(() => DateScalar, { description: 'First day of the fiscal year.' })
  start!: string;

  @Field(() => DateScalar, { description: 'Last day of the fiscal year.' })
  end!: string;

  @Field(() => DateScalar, { description: 'First day the files cover (inside the responsibility period).' })
  selectionStart!: string;

  @Field(() => DateScalar, { description: 'Last day the files cover (inside the responsibility period).' })
  selectionEnd!: string;
}

@ObjectType('EndCustomerRelationshipProposalCheck', { simpleResolvers: true, description: 'What a proposed ending would get, worked out without changing anything.' })
export class EndCustomerRelationshipProposalCheckType {
  @Field(() => [UserError], { description: "The refusals the ending would get (fields named as the proposal's); empty when it would be accepted." })
  userErrors!: UserError[];

  @Field(() => [Warning], { description: 'The warnings the ending would get, when accepted.' })
  warnings!: Warning[];

  @Field(() => [ArchivedFiscalYearType], { description: 'The fiscal years that would be generated into the archive on the generation date, oldest first; empty when refused.' })
  fiscalYears!: ArchivedFiscalYearType[];
}

@ObjectType('EndCustomerRelationshipPreview', { simpleResolvers: true, description: 'What ending the client\'s current relationship would do, worked out without changing anything.' })
export class EndCustomerRelationshipPreviewType {
  @Field(() => ClientType, { description: 'The client.' })
  client!: ClientType;

  @Field(() => PartnerType, { description: 'The partner whose relationship would end.' })
  partner!: PartnerType;

  @Field(() => DateScalar, { nullable: true, description: 'When the partner code was put on the client.' })
  partnerPeriodStart!: string | null;

  @Field(() => DateScalar, { description: 'The earliest allowed generation date: tomorrow, Europe/Oslo.' })
  earliestGenerationDate!: string;

  @Field(() => DateScalar, { description: 'The latest allowed generation date: 366 days from today, Europe/Oslo.' })
  latestGenerationDate!: string;

  @Field(() => [ClientUserType], { description: 'Accesses that would get the generation date as deactivation date.' })
  deactivations!: ClientUserType[];

  @Field(() => [ClientUserType], { description: 'Partner users who are also members of another partner.' })
  usersInOtherPartners!: ClientUserType[];

  @Field({ description: "True when the subscription administrator is one of the partner's users (and would lose access)." })
  subscriptionAdminIsPartnerUser!: boolean;

  @Field(() => [UserType], { description: 'Active users of the client who keep access and could take the subscription-administrator role.' })
  subscriptionAdminCandidates!: UserType[];

  @Field(() => [ClientExtensionType], { description: 'Extensions the partner owns on the client.' })
  partnerOwnedExtensions!: ClientExtensionType[];

  @Field(() => [Warning], { description: "What the partner should check before ending, e.g. accounts whose SAF-T grouping was derived rather than given." })
  warnings!: Warning[];

  @Field(() => EndCustomerRelationshipProposalCheckType, { nullable: true, description: 'What the proposed ending would get; null when none was proposed.' })
  proposal!: EndCustomerRelationshipProposalCheckType | null;
}

@ObjectType('EndCustomerRelationshipPreviewItem', { simpleResolvers: true, description: 'One client of endCustomerRelationshipPreviews: its preview, or why there is none.' })
export class EndCustomerRelationshipPreviewItemType {
  @Field(() => ID, { description: 'The client id as asked.' })
  clientId!: string;

  @Field(() => EndCustomerRelationshipPreviewType, { nullable: true, description: 'The preview; null when refused.' })
  preview!: EndCustomerRelationshipPreviewType | null;

  @Field(() => [UserError], { description: 'Why there is no preview (NOT_FOUND, FORBIDDEN, NOT_LINKED_TO_PARTNER, ALREADY_ENDED); empty otherwise.' })
  userErrors!: UserError[];
}

@InputType('TransferSubscriptionAdminInput', { description: 'Handing the subscription-administrator role to another user of the client.' })
export class TransferSubscriptionAdminInput {
  @Field(() => ID, { description: 'The client (global id).' })
  clientId!: string;

  @Field(() => ID, { description: 'The new holder (global id): an active user of the client who is not losing access.' })
  userId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsIdempotencyKey()
  idempotencyKey?: string | null;
}

@ObjectType('TransferSubscriptionAdminPayload', { simpleResolvers: true, description: 'The result of transferSubscriptionAdmin.' })
export class TransferSubscriptionAdminPayload {
  @Field(() => ClientType, { nullable: true, description: 'The client, with its new subscription administrator.' })
  client!: ClientType | null;

  @Field({ description: 'True when the new holder was made ADMINISTRATOR by this transfer.' })
  grantedAdministrator!: boolean;

  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}

@InputType('ClearUserDeactivationInput', { description: "Removing one user's pending deactivation on one client." })
export class ClearUserDeactivationInput {
  @Field(() => ID, { description: 'The client (global id).' })
  clientId!: string;

  @Field(() => ID, { description: 'The user (global id).' })
  userId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsIdempotencyKey()
  idempotencyKey?: string | null;
}

@ObjectType('ClearUserDeactivationPayload', { simpleResolvers: true, description: 'The result of clearUserDeactivation.' })
export class ClearUserDeactivationPayload {
  @Field(() => ClientUserType, { nullable: true, description: 'The access, without a deactivation date.' })
  clientUser!: ClientUserType | null;

  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}

@InputType('UpdateEndedRelationshipInput', { description: 'Changing a pending ending before its generation date. Omitted fields stay.' })
export class UpdateEndedRelationshipInput {
  @Field(() => ID, { description: 'The ended relationship (global id).' })
  relationshipId!: string;

  @Field(() => YearMonthScalar, { nullable: true, description: 'New first month of the responsibility period.' })
  responsibilityFrom?: string | null;

  @Field(() => YearMonthScalar, { nullable: true, description: 'New last month of the responsibility period.' })
  responsibilityTo?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'New generation date: after today, at most 366 days after the day of the ending; moves the deactivation dates and the tasks.' })
  generationDate?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsIdempotencyKey()
  idempotencyKey?: string | null;
}

@ObjectType('UpdateEndedRelationshipPayload', { simpleResolvers: true, description: 'The result of updateEndedRelationship.' })
export class UpdateEndedRelationshipPayload {
  @Field(() => CustomerRelationshipType, { nullable: true, description: 'The relationship as changed.' })
  relationship!: CustomerRelationshipType | null;

  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}

@InputType('CancelRelationshipEndInput', { description: 'Cancelling a pending ending before its generation date.' })
export class CancelRelationshipEndInput {
  @Field(() => ID, { description: 'The ended relationship (global id).' })
  relationshipId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsIdempotencyKey()
  idempotencyKey?: string | null;
}

@ObjectType('CancelRelationshipEndPayload', { simpleResolvers: true, description: 'The result of cancelRelationshipEnd.' })
export class CancelRelationshipEndPayload {
  @Field(() => CustomerRelationshipType, { nullable: true, description: 'The relationship, now CANCELLED.' })
  relationship!: CustomerRelationshipType | null;

  @Field(() => ClientType, { nullable: true, description: 'The client, linked to the partner again (a client linked to a partner since the ending is refused).' })
  client!: ClientType | null;

  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}

@InputType('LinkClientToPartnerInput', { description: "Putting a partner's code on a client that has none." })
export class LinkClientToPartnerInput {
  @Field(() => ID, { description: 'The client (global id).' })
  clientId!: string;

  @Field({ description: "The partner's code (partnerkode)." })
  @MinLength(1)
  @MaxLength(32)
  partnerCode!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsIdempotencyKey()
  idempotencyKey?: string | null;
}

@ObjectType('LinkClientToPartnerPayload', { simpleResolvers: true, description: 'The result of linkClientToPartner.' })
export class LinkClientToPartnerPayload {
  @Field(() => ClientType, { nullable: true, description: 'The client, linked to the partner.' })
  client!: ClientType | null;

  @Field(() => CustomerRelationshipType, { nullable: true, description: 'The new ACTIVE relationship.' })
  relationship!: CustomerRelationshipType | null;

  @Field(() => [ClientUserType], { description: "Accesses whose pending deactivation was cleared because their user belongs to the new partner." })
  clearedDeactivations!: ClientUserType[];

  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}
