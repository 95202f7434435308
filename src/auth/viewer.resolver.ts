import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { IsNull, LessThan } from 'typeorm';
import { administersClientNow } from '../access/access-rules';
import { ClientAccess } from '../clients/client-access.entity';
import type { Client } from '../clients/client.entity';
import { localIdOf } from '../common/global-id';
import { badUserInput } from '../graphql/api-errors';
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
    @Arg('after', () => String, { nullable: true, description: 'The id of the last notification of the previous page: only older ones follow.' }) after?: string | null,
  ): Promise<Notification[]> {
    const before = after == null ? null : localIdOf(after, 'Notification');
    if (after != null && (!before || !/^\d{1,20}$/.test(before))) throw badUserInput('after is not a notification id given by the API.', { argument: 'after' });
    return ctx.runtime.dataSource.getRepository(Notification).find({
      where: { userId: viewer.userId, ...(unreadOnly ? { readAt: IsNull() } : {}), ...(before ? { id: LessThan(before) } : {}) },
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
