import { ArrayMaxSize, ArrayMinSize, MaxLength, MinLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../graphql/connection';
import { NodeInterface } from '../graphql/node';
import { DateTimeScalar } from '../graphql/scalars';
import { UserError } from '../graphql/user-errors';
import { PartnerType } from '../partners/partner.types';
import { UserType } from '../users/user.types';
import { ApiScope } from './api-scope';
import { WebhookDeliveryState, WebhookEventType } from './integration.entities';

/** The GraphQL types of partner integrations (contract part `integrations`, docs/integrations.md). */

registerEnumType(ApiScope, {
  name: 'ApiScope',
  description: 'What an API key may do.',
  valuesConfig: {
    CLIENTS_READ: { description: 'Read clients, previews and relationships.' },
    RELATIONSHIPS_WRITE: { description: 'End, update and cancel relationships; transfer and clear.' },
    ARCHIVE_READ: { description: 'Read the archive and download documents and packages.' },
    ARCHIVE_WRITE: { description: 'Upload documentation and create exports.' },
  },
});

registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: 'What a webhook tells.',
  valuesConfig: {
    RELATIONSHIP_ENDED: { description: 'A relationship of the partner was ended.' },
    RELATIONSHIP_UPDATED: { description: 'A pending ending got a new period or generation date.' },
    RELATIONSHIP_CANCELLED: { description: 'A pending ending was cancelled.' },
    ARCHIVE_GENERATED: { description: "The mandatory accounting data of an ended relationship is in the partner's archive." },
    ARCHIVE_GENERATION_FAILED: { description: 'Generating the mandatory accounting data failed on its last try.' },
    ARCHIVE_EXPORT_READY: { description: 'An archive export holding folders of the partner can be downloaded.' },
  },
});

registerEnumType(WebhookDeliveryState, {
  name: 'WebhookDeliveryState',
  description: 'Where a webhook delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet; tried again with backoff.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Given up: every try failed for the whole retry period, or the endpoint was deleted or disabled.' },
  },
});

@ObjectType('ApiKey', { simpleResolvers: true, implements: NodeInterface, description: "A credential for one partner's integration: `Authorization: Bearer <secret>` acts for the partner with these scopes." })
export class ApiKeyType extends NodeInterface {
  @Field({ description: 'What the key is for, as its creator named it.' })
  name!: string;

  @Field(() => PartnerType, { description: 'The partner the key acts for.' })
  partner!: PartnerType;

  @Field(() => [ApiScope], { description: 'What the key may do.' })
  scopes!: ApiScope[];

  @Field({ description: 'The first characters of the secret, to recognise it.' })
  prefix!: string;

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => UserType, { nullable: true, description: 'Who created it.' })
  createdBy!: UserType | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it stops working; null: never.' })
  expiresAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was last used, to the minute or so (not written on every request).' })
  lastUsedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was revoked; it works no more.' })
  revokedAt!: Date | null;
}

@ObjectType('WebhookDelivery', { simpleResolvers: true, implements: NodeInterface, description: 'One event sent to one endpoint, with its tries.' })
export class WebhookDeliveryType extends NodeInterface {
  @Field(() => WebhookEventType, { description: 'The event.' })
  event!: WebhookEventType;

  @Field(() => WebhookDeliveryState, { description: 'Where it stands.' })
  state!: WebhookDeliveryState;

  @Field(() => Int, { description: 'Tries made so far.' })
  attempts!: number;

  @Field(() => Int, { nullable: true, description: "The HTTP status of the last try's answer; null when there was none (timeout, refused connection)." })
  lastStatusCode!: number | null;

  @Field(() => DateTimeScalar, { description: 'When the event happened and the delivery was written.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the endpoint answered 2xx.' })
  deliveredAt!: Date | null;
}

@ObjectType('WebhookDeliveryEdge', { simpleResolvers: true, description: 'A delivery in a list.' })
export class WebhookDeliveryEdge {
  @Field({ description: 'Pass as `after` to continue after this delivery.' })
  cursor!: string;

  @Field(() => WebhookDeliveryType, { description: 'The delivery.' })
  node!: WebhookDeliveryType;
}

@ObjectType('WebhookDeliveryConnection', { description: "A page of an endpoint's deliveries, newest first." })
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDeliveryEdge], { description: 'The deliveries on this page.' })
  edges!: WebhookDeliveryEdge[];

  @Field(() => [WebhookDeliveryType], { description: 'The deliveries on this page, without their cursors.' })
  nodes!: WebhookDeliveryType[];

  @Field(() => PageInfo, { description: 'Where this page stands.' })
  pageInfo!: PageInfo;
}

@ObjectType('WebhookEndpoint', {
  simpleResolvers: true,
  implements: NodeInterface,
  description: 'Events are POSTed as JSON and signed as the Standard Webhooks specification says (webhook-id, webhook-timestamp, webhook-signature).',
})
export class WebhookEndpointType extends NodeInterface {
  @Field({ description: 'Where events are POSTed.' })
  url!: string;

  @Field(() => [WebhookEventType], { description: 'The events sent to it.' })
  events!: WebhookEventType[];

  @Field(() => DateTimeScalar, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Set when deliveries kept failing; no more deliveries until re-enabled.' })
  disabledAt!: Date | null;
}

@InputType('CreateApiKeyInput', { description: 'A new API key for a partner.' })
export class CreateApiKeyInput {
  @Field(() => ID, { description: 'The partner (global id); needs INTEGRATIONS in it.' })
  partnerId!: string;

  @Field({ description: 'What the key is for (1-200 characters).' })
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @Field(() => [ApiScope], { description: 'What the key may do; at least one scope.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  scopes!: ApiScope[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it stops working; null: never.' })
  expiresAt?: Date | null;
}

@ObjectType('CreateApiKeyPayload', { simpleResolvers: true, description: 'The new key, and its secret this once.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKeyType, { nullable: true, description: 'The key; null when refused.' })
  apiKey!: ApiKeyType | null;

  @Field(() => String, { nullable: true, description: 'The secret, shown this once and never again.' })
  secret!: string | null;

  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}

@InputType('RevokeApiKeyInput', { description: 'The key to revoke.' })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: 'The key (global id).' })
  apiKeyId!: string;
}

@ObjectType('RevokeApiKeyPayload', { simpleResolvers: true, description: 'The revoked key.' })
export class RevokeApiKeyPayload {
  @Field(() => ApiKeyType, { nullable: true, description: 'The key, with revokedAt; null when refused.' })
  apiKey!: ApiKeyType | null;

  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}

@InputType('CreateWebhookEndpointInput', { description: 'A new webhook endpoint for a partner.' })
export class CreateWebhookEndpointInput {
  @Field(() => ID, { description: 'The partner (global id); needs INTEGRATIONS in it.' })
  partnerId!: string;

  @Field({ description: 'Where to POST: https (http outside production), no credentials, not a private address.' })
  @MinLength(1)
  @MaxLength(2000)
  url!: string;

  @Field(() => [WebhookEventType], { description: 'The events to send; at least one.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  events!: WebhookEventType[];
}

@ObjectType('CreateWebhookEndpointPayload', { simpleResolvers: true, description: 'The new endpoint, and its signing secret this once.' })
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpointType, { nullable: true, description: 'The endpoint; null when refused.' })
  endpoint!: WebhookEndpointType | null;

  @Field(() => String, { nullable: true, description: 'The signing secret (whsec_…), shown this once.' })
  signingSecret!: string | null;

  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}

@InputType('DeleteWebhookEndpointInput', { description: 'The endpoint to delete.' })
export class DeleteWebhookEndpointInput {
  @Field(() => ID, { description: 'The endpoint (global id).' })
  endpointId!: string;
}

@ObjectType('DeleteWebhookEndpointPayload', { simpleResolvers: true, description: 'Whether the endpoint was deleted.' })
export class DeleteWebhookEndpointPayload {
  @Field(() => [UserError], { description: 'Why nothing changed; empty on success.' })
  userErrors!: UserError[];
}
