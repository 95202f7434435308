import { Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import type { ArchiveDocument } from '../archive/archive-document.entity';
import type { Client } from '../clients/client.entity';
import { reachedThrough } from '../clients/client-view';
import { ClientType } from '../clients/client.types';
import { toGlobalId } from '../common/global-id';
import type { RequestContext } from '../graphql/context';
import type { Partner } from '../partners/partner.entity';
import type { ScheduledTask } from '../tasks/scheduled-task.entity';
import type { User } from '../users/user.entity';
import { UserType } from '../users/user.types';
import type { CustomerRelationship } from './customer-relationship.entity';
import { CustomerRelationshipType } from './relationship.types';

@Resolver(() => CustomerRelationshipType)
export class CustomerRelationshipResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() relationship: CustomerRelationship): string {
    return toGlobalId('CustomerRelationship', relationship.id);
  }

  @FieldResolver()
  async client(@Root() relationship: CustomerRelationship, @Ctx() ctx: RequestContext): Promise<Client> {
    // Seen through the archive, the client shows this relationship's name and organization number (A6).
    return reachedThrough((await ctx.loaders.clients.load(relationship.clientId))!, relationship);
  }

  @FieldResolver()
  async partner(@Root() relationship: CustomerRelationship, @Ctx() ctx: RequestContext): Promise<Partner> {
    return (await ctx.loaders.partners.load(relationship.partnerId))!;
  }

  @FieldResolver()
  async endedBy(@Root() relationship: CustomerRelationship, @Ctx() ctx: RequestContext): Promise<User | null> {
    return relationship.endedByUserId ? ctx.loaders.users.load(relationship.endedByUserId) : null;
  }

  @FieldResolver()
  async tasks(@Root() relationship: CustomerRelationship, @Ctx() ctx: RequestContext): Promise<ScheduledTask[]> {
    return ctx.loaders.tasksByRelationship.load(relationship.id);
  }

  @FieldResolver(() => [UserType], {
    description:
      "Users of the client who could take the subscription-administrator role by a handover from the archive (transferSubscriptionAdmin), by name: for users with ARCHIVE in the ending partner until the generation date; empty otherwise.",
  })
  async subscriptionAdminCandidates(@Root() relationship: CustomerRelationship, @Ctx() ctx: RequestContext): Promise<User[]> {
    const { loaders } = ctx;
    const reads = {
      client: (id: string) => loaders.clients.load(id),
      accesses: (clientId: string) => loaders.accessesByClient.load(clientId),
      relationships: (clientId: string) => loaders.relationshipsByClient.load(clientId),
      users: async (ids: string[]) => (await loaders.users.loadMany(ids)).filter((u): u is User => u !== null && !(u instanceof Error)),
    };
    return ctx.services.subscriptionAdmin.candidatesFromArchive(reads, ctx.viewer, relationship, ctx.today());
  }

  @FieldResolver()
  async documents(@Root() relationship: CustomerRelationship, @Ctx() ctx: RequestContext): Promise<ArchiveDocument[]> {
    return ctx.loaders.documentsByRelationship.load(relationship.id);
  }
}

/** The client's relationships, declared here so that the clients' types need not know the relationships' (as `auditEvents`). */
@Resolver(() => ClientType)
export class ClientRelationshipsResolver {
  @FieldResolver(() => [CustomerRelationshipType], { description: 'The relationships with partners the viewer may see, newest first.' })
  async relationships(@Root() client: Client, @Ctx() ctx: RequestContext): Promise<CustomerRelationship[]> {
    const view = await ctx.clientView(client);
    // Through the archive: the relationships of the partners in which the viewer has ARCHIVE, nobody else's.
    if (view.kind === 'archive') return view.relationships;
    const [all, accesses] = await Promise.all([ctx.loaders.relationshipsByClient.load(client.id), ctx.loaders.accessesByClient.load(client.id)]);
    const isAdministrator = ctx.services.visibility.administersClient(ctx.viewer, client, accesses, ctx.today());
    return all.filter((r) => ctx.services.visibility.canSeeRelationship(ctx.viewer, r, isAdministrator));
  }
}
