import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { IsNull } from 'typeorm';
import { administersClientNow } from '../access/access-rules';
import { ClientAccess } from '../clients/client-access.entity';
import type { Client } from '../clients/client.entity';
import { pageSize } from '../graphql/connection';
import type { RequestContext } from '../graphql/context';
import { Notification } from '../notifications/notification.entity';
import type { PartnerMembership } from '../partners/partner-membership.entity';
import type { User } from '../users/user.entity';
import type { Viewer } from './viewer';
import { ViewerType } from './viewer.types';

@Resolver(() => ViewerType)
export class ViewerResolver {
  @Query(() => ViewerType, { description: 'The authenticated user and their partner memberships.' })
  viewer(@Ctx() ctx: RequestContext): Viewer {
    return ctx.viewer;
  }

  @FieldResolver()
  user(@Root() viewer: Viewer): User {
    return viewer.user;
  }

  @FieldResolver()
  memberships(@Root() viewer: Viewer): PartnerMembership[] {
    return viewer.memberships;
  }

  @FieldResolver()
  async notifications(
    @Root() viewer: Viewer,
    @Ctx() ctx: RequestContext,
    @Arg('unreadOnly', () => Boolean, { nullable: true, description: 'Only those not yet read.' }) unreadOnly?: boolean | null,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many (1-100, default 50).' }) first?: number | null,
  ): Promise<Notification[]> {
    return ctx.runtime.dataSource.getRepository(Notification).find({
      where: { userId: viewer.userId, ...(unreadOnly ? { readAt: IsNull() } : {}) },
      order: { id: 'DESC' },
      take: pageSize(first),
    });
  }

  @FieldResolver()
  async administeredClients(@Root() viewer: Viewer, @Ctx() ctx: RequestContext): Promise<Client[]> {
    const accesses = await ctx.runtime.dataSource.getRepository(ClientAccess).findBy({ userId: viewer.userId });
    const clients = await ctx.loaders.clients.loadMany(accesses.map((a) => a.clientId));
    const today = ctx.today();
    return accesses
      .map((access, i) => ({ access, client: clients[i] }))
      .filter((x): x is { access: ClientAccess; client: Client } => !!x.client && !(x.client instanceof Error))
      .filter(({ access, client }) => administersClientNow(access, client, today))
      .map(({ client }) => client)
      .sort((a, b) => a.name.localeCompare(b.name, 'nb'));
  }
}
