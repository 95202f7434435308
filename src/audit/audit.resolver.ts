import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import { isVisible } from '../access/visibility.service';
import { ClientType } from '../clients/client.types';
import type { Client } from '../clients/client.entity';
import { toGlobalId } from '../common/global-id';
import { decodeCursor, emptyPage, encodeCursor } from '../common/pages';
import { pageSize, toConnection } from '../graphql/connection';
import type { RequestContext } from '../graphql/context';
import type { User } from '../users/user.entity';
import { AuditEvent } from './audit-event.entity';
import { AuditEventConnection, AuditEventType } from './audit.types';

/** A4: a client's audit log, readable by those who see the client (A6: through the archive, its relationship's part). */
@Resolver(() => ClientType)
export class ClientAuditResolver {
  @FieldResolver(() => AuditEventConnection, {
    description: "The client's audit log, newest first. Seen through the archive of an ended relationship: only that relationship's events.",
  })
  async auditEvents(
    @Root() client: Client,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1-100 (default 50).' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last event of the previous page.' }) after?: string | null,
  ) {
    const size = pageSize(first);
    const view = await ctx.clientView(client);
    if (!isVisible(view)) return toConnection(emptyPage<AuditEvent>());
    const query = ctx.runtime.dataSource.getRepository(AuditEvent).createQueryBuilder('event').where('event.client_id = :clientId', { clientId: client.id });
    if (view.kind === 'archive') {
      // A6: through the archive, only the events of the viewer's partners' relationships, not the client's later life.
      query.andWhere('event.relationship_id IN (:...relationshipIds)', { relationshipIds: view.relationships.map((r) => r.id) });
    }
    const counted = query.clone();
    if (after) {
      const [id] = decodeCursor(after, ['string']);
      query.andWhere('event.id < :afterId', { afterId: id });
    }
    const rows = await query.orderBy('event.id', 'DESC').take(size + 1).getMany();
    return toConnection({ items: rows.slice(0, size), hasNextPage: rows.length > size, totalCount: () => counted.getCount(), cursorOf: (e) => encodeCursor([e.id]) });
  }
}

@Resolver(() => AuditEventType)
export class AuditEventResolver {
  @FieldResolver(() => ID)
  id(@Root() event: AuditEvent): string {
    return toGlobalId('AuditEvent', event.id);
  }

  @FieldResolver()
  async actor(@Root() event: AuditEvent, @Ctx() ctx: RequestContext): Promise<User | null> {
    return event.actorUserId ? ctx.loaders.users.load(event.actorUserId) : null;
  }

  @FieldResolver()
  before(@Root() event: AuditEvent): string | null {
    return event.before === null ? null : JSON.stringify(event.before);
  }

  @FieldResolver()
  after(@Root() event: AuditEvent): string | null {
    return event.after === null ? null : JSON.stringify(event.after);
  }
}
