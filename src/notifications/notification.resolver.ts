import { Ctx, FieldResolver, Resolver, Root, ID } from 'type-graphql';
import type { Client } from '../clients/client.entity';
import { toGlobalId } from '../common/global-id';
import type { RequestContext } from '../graphql/context';
import type { Notification } from './notification.entity';
import { NotificationType } from './notification.types';

@Resolver(() => NotificationType)
export class NotificationResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() notification: Notification): string {
    return toGlobalId('Notification', notification.id);
  }

  @FieldResolver()
  async client(@Root() notification: Notification, @Ctx() ctx: RequestContext): Promise<Client | null> {
    if (!notification.clientId) return null;
    return (await ctx.canSeeClient.load(notification.clientId)) ? ctx.loaders.clients.load(notification.clientId) : null;
  }
}
