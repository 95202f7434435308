import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Caller } from '../auth/caller';
import { toGlobalId } from '../common/global-id';
import { apiError } from '../graphql/api-errors';
import { pageSize } from '../graphql/connection';
import type { RequestContext } from '../graphql/context';
import { runMutation } from '../graphql/run-mutation';
import { PartnerRight } from '../partners/partner-membership.entity';
import type { Partner } from '../partners/partner.entity';
import { PartnerType } from '../partners/partner.types';
import { User } from '../users/user.entity';
import { UserType } from '../users/user.types';
import { ApiKey, WebhookDelivery, WebhookEndpoint, type WebhookEventType } from './integration.entities';
import {
  ApiKeyType,
  CreateApiKeyInput,
  CreateApiKeyPayload,
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  DeleteWebhookEndpointInput,
  DeleteWebhookEndpointPayload,
  RevokeApiKeyInput,
  RevokeApiKeyPayload,
  WebhookDeliveryConnection,
  WebhookDeliveryType,
  WebhookEndpointType,
} from './integrations.types';

function callerOf(ctx: RequestContext): Caller {
  return { viewer: ctx.viewer, actor: ctx.actor };
}

/** Partner.apiKeys and Partner.webhookEndpoints need INTEGRATIONS in the partner (an API key never has it). */
function requireIntegrations(ctx: RequestContext, partnerId: string): void {
  if (!ctx.viewer.hasRight(partnerId, PartnerRight.INTEGRATIONS)) throw apiError('FORBIDDEN', 'Needs the INTEGRATIONS right in the partner.');
}

@Resolver()
export class IntegrationMutations {
  @Mutation(() => CreateApiKeyPayload, { description: 'Creates an API key for a partner; its secret is in the payload this once. Needs INTEGRATIONS.' })
  createApiKey(@Arg('input', () => CreateApiKeyInput, { description: 'The key to create; see the input type.' }) input: CreateApiKeyInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (uow) => ctx.services.apiKeys.create(uow, callerOf(ctx), input));
  }

  @Mutation(() => RevokeApiKeyPayload, { description: 'Revokes an API key at once: requests with it are UNAUTHENTICATED from now on. Needs INTEGRATIONS.' })
  revokeApiKey(@Arg('input', () => RevokeApiKeyInput, { description: 'The key to revoke; see the input type.' }) input: RevokeApiKeyInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (uow) => ctx.services.apiKeys.revoke(uow, callerOf(ctx), input.apiKeyId));
  }

  @Mutation(() => CreateWebhookEndpointPayload, { description: 'Registers a webhook endpoint for chosen events; its signing secret is in the payload this once. Needs INTEGRATIONS.' })
  createWebhookEndpoint(@Arg('input', () => CreateWebhookEndpointInput, { description: 'The endpoint to create; see the input type.' }) input: CreateWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (uow) => ctx.services.webhookEndpoints.create(uow, callerOf(ctx), input));
  }

  @Mutation(() => DeleteWebhookEndpointPayload, { description: 'Deletes a webhook endpoint: nothing more is sent to it. Needs INTEGRATIONS.' })
  deleteWebhookEndpoint(@Arg('input', () => DeleteWebhookEndpointInput, { description: 'The endpoint to delete; see the input type.' }) input: DeleteWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (uow) => ctx.services.webhookEndpoints.delete(uow, callerOf(ctx), input.endpointId));
  }
}

@Resolver(() => PartnerType)
export class PartnerIntegrationsResolver {
  @FieldResolver(() => [ApiKeyType], { description: 'Needs INTEGRATIONS in the partner.' })
  apiKeys(@Root() partner: Partner, @Ctx() ctx: RequestContext): Promise<ApiKey[]> {
    requireIntegrations(ctx, partner.id);
    return ctx.services.apiKeys.list(partner.id);
  }

  @FieldResolver(() => [WebhookEndpointType], { description: 'Needs INTEGRATIONS in the partner.' })
  webhookEndpoints(@Root() partner: Partner, @Ctx() ctx: RequestContext): Promise<WebhookEndpoint[]> {
    requireIntegrations(ctx, partner.id);
    return ctx.services.webhookEndpoints.list(partner.id);
  }
}

@Resolver(() => ApiKeyType)
export class ApiKeyResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() key: ApiKey): string {
    return toGlobalId('ApiKey', key.id);
  }

  @FieldResolver(() => PartnerType)
  async partner(@Root() key: ApiKey, @Ctx() ctx: RequestContext): Promise<Partner> {
    return (await ctx.loaders.partners.load(key.partnerId))!;
  }

  @FieldResolver(() => UserType, { nullable: true })
  async createdBy(@Root() key: ApiKey, @Ctx() ctx: RequestContext): Promise<User | null> {
    return key.createdByUserId ? ctx.runtime.dataSource.getRepository(User).findOneBy({ id: key.createdByUserId }) : null;
  }
}

@Resolver(() => WebhookEndpointType)
export class WebhookEndpointResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() endpoint: WebhookEndpoint): string {
    return toGlobalId('WebhookEndpoint', endpoint.id);
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'The deliveries to this endpoint, newest first.' })
  async deliveries(
    @Root() endpoint: WebhookEndpoint,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: 1-100 (default 50).' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last delivery of the previous page (`endCursor`).' }) after?: string | null,
  ): Promise<WebhookDeliveryConnection> {
    const page = await ctx.services.webhookEndpoints.deliveries(endpoint.id, pageSize(first), after ?? null);
    const edges = page.items.map((node) => ({ cursor: page.cursorOf(node), node: node as unknown as WebhookDeliveryType }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: after != null, startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
    };
  }
}

@Resolver(() => WebhookDeliveryType)
export class WebhookDeliveryResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() delivery: WebhookDelivery): string {
    return toGlobalId('WebhookDelivery', delivery.id);
  }

  @FieldResolver()
  event(@Root() delivery: WebhookDelivery & { eventType?: WebhookEventType }): WebhookEventType {
    return delivery.eventType ?? delivery.event!.type;
  }
}
