import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root, ID } from 'type-graphql';
import { runMutation } from '../graphql/run-mutation';
import type { Client } from '../clients/client.entity';
import { toGlobalId } from '../common/global-id';
import type { RequestContext } from '../graphql/context';
import type { Notification } from './notification.entity';
import { MarkNotificationsReadInput, MarkNotificationsReadPayload, NotificationType } from './notification.types';

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

@Resolver()
export class NotificationMutations {
  @Mutation(() => MarkNotificationsReadPayload, { description: "Marks the viewer's notifications read: the ones named, or all, so a front end can clear them." })
  markNotificationsRead(@Arg('input', () => MarkNotificationsReadInput, { description: 'Which notifications; see the input type.' }) input: MarkNotificationsReadInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (uow) => ctx.services.notifications.markRead(uow, ctx.viewer.userId, input));
  }
}
