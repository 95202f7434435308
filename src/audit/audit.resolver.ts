import { Args, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { isVisible } from '../access/visibility.service';
import { ClientType } from '../clients/client.types';
import type { Client } from '../clients/client.entity';
import { toGlobalId } from '../common/global-id';
import { decodeCursor, emptyPage, encodeCursor, keysetPage } from '../common/pages';
import { keysetDirection } from '../clients/clients.service';
import { PageArgs, pageRequest, toConnection } from '../graphql/connection';
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
    @Args(() => PageArgs) paging: PageArgs,
  ) {
    const page = pageRequest(paging);
    const view = await ctx.clientView(client);
    if (!isVisible(view)) return toConnection(emptyPage<AuditEvent>());
    const query = ctx.runtime.dataSource.getRepository(AuditEvent).createQueryBuilder('event').where('event.client_id = :clientId', { clientId: client.id });
    if (view.kind === 'archive') {
      // A6: through the archive, only the events of the viewer's partners' relationships, not the client's later life.
      query.andWhere('event.relationship_id IN (:...relationshipIds)', { relationshipIds: view.relationships.map((r) => r.id) });
    }
    const counted = query.clone();
    // Newest first (ids grow with time): forward reads ids downwards, backward upwards.
    const { argument } = keysetDirection(page);
    const forward = page.direction === 'forward';
    if (page.cursor) {
      const [id] = decodeCursor(page.cursor, ['string'], argument);
      query.andWhere(`event.id ${forward ? '<' : '>'} :afterId`, { afterId: id });
    }
    const rows = await query.orderBy('event.id', forward ? 'DESC' : 'ASC').take(page.size + 1).getMany();
    return toConnection(keysetPage(page, rows, (e) => encodeCursor([e.id]), () => counted.getCount()));
  }
}

@Resolver(() => AuditEventType)
export class AuditEventResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() event: AuditEvent): string {
    return toGlobalId('AuditEvent', event.id);
  }

  @FieldResolver()
  async actor(@Root() event: AuditEvent, @Ctx() ctx: RequestContext): Promise<User | null> {
    return event.actorUserId ? ctx.loaders.users.load(event.actorUserId) : null;
  }
}
