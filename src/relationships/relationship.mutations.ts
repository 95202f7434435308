import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { badUserInput } from '../graphql/api-errors';
import type { Caller } from '../auth/caller';
import type { Client } from '../clients/client.entity';
import { MAX_BATCH_ITEMS } from './ending.service';
import type { RequestContext } from '../graphql/context';
import { runMutation } from '../graphql/run-mutation';
import {
  CancelRelationshipEndInput,
  CancelRelationshipEndPayload,
  ClearUserDeactivationInput,
  ClearUserDeactivationPayload,
  EndCustomerRelationshipInput,
  EndCustomerRelationshipPayload,
  EndCustomerRelationshipPreviewItemType,
  EndCustomerRelationshipPreviewType,
  EndCustomerRelationshipProposalInput,
  EndCustomerRelationshipsInput,
  EndCustomerRelationshipsPayload,
  LinkClientToPartnerInput,
  LinkClientToPartnerPayload,
  TransferSubscriptionAdminInput,
  TransferSubscriptionAdminPayload,
  UpdateEndedRelationshipInput,
  UpdateEndedRelationshipPayload,
} from './relationship-mutation.types';

function callerOf(ctx: RequestContext): Caller {
  return { viewer: ctx.viewer, actor: ctx.actor };
}

/** The payload's client as committed, so its fields do not read it again. */
function primed<T extends { client?: Client | null }>(ctx: RequestContext, result: T): T {
  if (result.client) ctx.loaders.clients.clear(result.client.id).prime(result.client.id, result.client);
  return result;
}

/** The customer-relationship operations; the rules live in the services. */
@Resolver()
export class RelationshipMutations {
  @Query(() => EndCustomerRelationshipPreviewType, { description: "What ending the client's current relationship would do. Changes nothing." })
  endCustomerRelationshipPreview(
    @Arg('clientId', () => ID, { description: 'The client (global id).' }) clientId: string,
    @Ctx() ctx: RequestContext,
    @Arg('proposal', () => EndCustomerRelationshipProposalInput, { nullable: true, description: 'An ending to check as well: the preview then says what it would get (refusals, warnings, fiscal years).' })
    proposal?: EndCustomerRelationshipProposalInput | null,
  ) {
    return ctx.services.endings.preview(ctx.runtime.dataSource.manager, ctx.viewer, clientId, proposal);
  }

  @Query(() => [EndCustomerRelationshipPreviewItemType], { description: `What ending each client's current relationship would do, in the order asked, each with its own refusal: one confirmation page for endCustomerRelationships. Changes nothing. 1-${MAX_BATCH_ITEMS} clients.` })
  endCustomerRelationshipPreviews(@Arg('clientIds', () => [ID], { description: `The clients (global ids), 1-${MAX_BATCH_ITEMS}.` }) clientIds: string[], @Ctx() ctx: RequestContext) {
    if (clientIds.length === 0 || clientIds.length > MAX_BATCH_ITEMS) throw badUserInput(`clientIds takes 1 to ${MAX_BATCH_ITEMS} ids.`, { argument: 'clientIds', reason: 'TOO_MANY_ITEMS' });
    return ctx.services.endings.previews(ctx.runtime.dataSource.manager, ctx.viewer, clientIds);
  }

  @Mutation(() => EndCustomerRelationshipsPayload, { description: 'Ends many relationships in one call; each item is its own transaction with its own result.' })
  async endCustomerRelationships(@Arg('input', () => EndCustomerRelationshipsInput, { description: `1-${MAX_BATCH_ITEMS} endings, each as endCustomerRelationship takes it (with its own idempotency key).` }) input: EndCustomerRelationshipsInput, @Ctx() ctx: RequestContext) {
    const caller = callerOf(ctx);
    const batch = await ctx.services.endings.endMany(input.items, (item) => runMutation(ctx, (uow) => ctx.services.endings.end(uow, caller, item)));
    for (const result of batch.results) primed(ctx, result);
    return batch;
  }

  @Mutation(() => EndCustomerRelationshipPayload, { description: "Ends the client's relationship with its linked partner: the partner code comes off the client, the partner's users keep access until the generation date, and on that date the mandatory accounting data is generated into the partner's archive. Needs CLIENT_ADMIN in the linked partner." })
  async endCustomerRelationship(@Arg('input', () => EndCustomerRelationshipInput, { description: 'What to change; see the input type.' }) input: EndCustomerRelationshipInput, @Ctx() ctx: RequestContext) {
    return primed(ctx, await runMutation(ctx, (uow) => ctx.services.endings.end(uow, callerOf(ctx), input)));
  }

  @Mutation(() => TransferSubscriptionAdminPayload, { description: 'Hands the subscription-administrator role to another user of the client at once; the new holder is made ADMINISTRATOR when not already, and notified.' })
  async transferSubscriptionAdmin(@Arg('input', () => TransferSubscriptionAdminInput, { description: 'What to change; see the input type.' }) input: TransferSubscriptionAdminInput, @Ctx() ctx: RequestContext) {
    return primed(ctx, await runMutation(ctx, (uow) => ctx.services.subscriptionAdmin.transfer(uow, callerOf(ctx), input)));
  }

  @Mutation(() => ClearUserDeactivationPayload, { description: "Removes one user's pending deactivation date on one client, so the access stays. For the client's own administrators and CLIENT_ADMIN users of its current partner, never for the partner whose ending set the date." })
  async clearUserDeactivation(@Arg('input', () => ClearUserDeactivationInput, { description: 'What to change; see the input type.' }) input: ClearUserDeactivationInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (uow) => ctx.services.userDeactivations.clear(uow, callerOf(ctx), input));
  }

  @Mutation(() => UpdateEndedRelationshipPayload, { description: 'Changes the responsibility period or the generation date of a pending ending; a new date moves the deactivation dates and the scheduled generation with it. Needs ARCHIVE in the ending partner.' })
  async updateEndedRelationship(@Arg('input', () => UpdateEndedRelationshipInput, { description: 'What to change; see the input type.' }) input: UpdateEndedRelationshipInput, @Ctx() ctx: RequestContext) {
    return primed(ctx, await runMutation(ctx, (uow) => ctx.services.pendingEndings.update(uow, callerOf(ctx), input)));
  }

  @Mutation(() => CancelRelationshipEndPayload, { description: 'Cancels a pending ending before its generation date: the partner code comes back on the client, the deactivation dates the ending set are removed and its scheduled work is cancelled. Needs ARCHIVE in the ending partner.' })
  async cancelRelationshipEnd(@Arg('input', () => CancelRelationshipEndInput, { description: 'What to change; see the input type.' }) input: CancelRelationshipEndInput, @Ctx() ctx: RequestContext) {
    return primed(ctx, await runMutation(ctx, (uow) => ctx.services.pendingEndings.cancel(uow, callerOf(ctx), input)));
  }

  @Mutation(() => LinkClientToPartnerPayload, { description: "Links a client without a partner to the partner with the code; for the client's own administrators. Pending deactivation dates of the new partner's members on the client are removed." })
  async linkClientToPartner(@Arg('input', () => LinkClientToPartnerInput, { description: 'What to change; see the input type.' }) input: LinkClientToPartnerInput, @Ctx() ctx: RequestContext) {
    return primed(ctx, await runMutation(ctx, (uow) => ctx.services.partnerLinks.link(uow, callerOf(ctx), input)));
  }
}
