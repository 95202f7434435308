import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { isVisible } from '../access/visibility.service';
import { ArchiveDocument } from '../archive/archive-document.entity';
import { ArchiveExport } from '../archive/archive-export.entity';
import { ArchiveUpload } from '../archive/archive-upload.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { ClientAccess } from '../clients/client-access.entity';
import { ClientExtension } from '../clients/client-extension.entity';
import { parseGlobalId } from '../common/global-id';
import { Notification } from '../notifications/notification.entity';
import type { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ScheduledTask } from '../tasks/scheduled-task.entity';
import { badUserInput } from './api-errors';
import { MAX_PAGE_SIZE } from './connection';
import type { RequestContext } from './context';
import { ApiKey, WebhookDelivery, WebhookEndpoint } from '../integrations/integration.entities';
import { PartnerRight } from '../partners/partner-membership.entity';
import { NodeInterface } from './node';

/** The relationship if the viewer may see it (its tasks and documents go with it), else null. */
async function visibleRelationship(ctx: RequestContext, relationshipId: string): Promise<CustomerRelationship | null> {
  const relationship = await ctx.loaders.relationships.load(relationshipId);
  const client = relationship && (await ctx.loaders.clients.load(relationship.clientId));
  if (!relationship || !client) return null;
  return (await ctx.services.visibility.seesRelationship(ctx.runtime.dataSource.manager, ctx.viewer, relationship, client, ctx.today())) ? relationship : null;
}

/** Whether the viewer sees the client as it is now: its users and extensions are shown only then (DESIGN A6). */
async function seesClientNow(ctx: RequestContext, clientId: string): Promise<boolean> {
  const client = await ctx.loaders.clients.load(clientId);
  return client !== null && (await ctx.clientView(client)).kind === 'present';
}

/** Any object the viewer may see by its global id; anything else is null, as if it did not exist (DESIGN A2). */
async function findNode(ctx: RequestContext, id: string): Promise<object | null> {
  const ref = parseGlobalId(id);
  if (!ref) return null;
  const { viewer, loaders, runtime } = ctx;
  const { visibility } = ctx.services;
  const repository = runtime.dataSource;
  switch (ref.type) {
    case 'Client':
      // Fields then show the client as the viewer sees it: present, or through the archive only (A6).
      return (await ctx.canSeeClient.load(ref.id)) ? loaders.clients.load(ref.id) : null;
    case 'Partner':
      return viewer.isMemberOf(ref.id) ? loaders.partners.load(ref.id) : null;
    case 'User':
      return ref.id === viewer.userId ? viewer.user : null;
    case 'CustomerRelationship':
      return visibleRelationship(ctx, ref.id);
    case 'ArchiveDocument': {
      const document = await repository.getRepository(ArchiveDocument).findOneBy({ id: ref.id });
      const relationship = document && (await loaders.relationships.load(document.relationshipId));
      return relationship && (await visibility.seesArchiveDocuments(repository.manager, viewer, relationship, ctx.today())) ? document : null;
    }
    case 'Notification': {
      const notification = await repository.getRepository(Notification).findOneBy({ id: ref.id });
      return notification?.userId === viewer.userId ? notification : null;
    }
    case 'ClientUser': {
      const access = await repository.getRepository(ClientAccess).findOneBy({ id: ref.id });
      return access && (await seesClientNow(ctx, access.clientId)) ? access : null;
    }
    case 'ClientExtension': {
      const extension = await repository.getRepository(ClientExtension).findOneBy({ id: ref.id });
      return extension && (await seesClientNow(ctx, extension.clientId)) ? extension : null;
    }
    case 'ScheduledTask': {
      const task = await repository.getRepository(ScheduledTask).findOneBy({ id: ref.id });
      return task && (await visibleRelationship(ctx, task.relationshipId)) ? task : null;
    }
    // An upload (its URL is a credential) and an export are shown only to the user who made them.
    case 'ArchiveUpload': {
      const upload = /^\d{1,20}$/.test(ref.id) ? await repository.getRepository(ArchiveUpload).findOneBy({ id: ref.id }) : null;
      return upload?.createdByUserId === viewer.userId ? upload : null;
    }
    case 'ArchiveExport': {
      const found = /^\d{1,20}$/.test(ref.id) ? await repository.getRepository(ArchiveExport).findOneBy({ id: ref.id }) : null;
      return found?.requestedByUserId === viewer.userId ? found : null;
    }
    case 'AuditEvent': {
      const event = await repository.getRepository(AuditEvent).findOneBy({ id: ref.id });
      const client = event?.clientId ? await loaders.clients.load(event.clientId) : null;
      if (!event || !client) return null;
      // As in the client's audit log: through the archive, only the events of the viewer's partners' relationships.
      const view = await ctx.clientView(client);
      if (!isVisible(view)) return null;
      return view.kind === 'present' || view.relationships.some((r) => r.id === event.relationshipId) ? event : null;
    }
    // Integrations: to members with INTEGRATIONS in the partner (docs/integrations.md).
    case 'ApiKey': {
      const key = /^\d{1,20}$/.test(ref.id) ? await repository.getRepository(ApiKey).findOneBy({ id: ref.id }) : null;
      return key && viewer.hasRight(key.partnerId, PartnerRight.INTEGRATIONS) ? key : null;
    }
    case 'WebhookEndpoint': {
      const endpoint = /^\d{1,20}$/.test(ref.id) ? await repository.getRepository(WebhookEndpoint).findOneBy({ id: ref.id }) : null;
      return endpoint && !endpoint.deletedAt && viewer.hasRight(endpoint.partnerId, PartnerRight.INTEGRATIONS) ? endpoint : null;
    }
    case 'WebhookDelivery': {
      const delivery = /^\d{1,20}$/.test(ref.id) ? await repository.getRepository(WebhookDelivery).findOne({ where: { id: ref.id }, relations: { endpoint: true, event: true } }) : null;
      return delivery && viewer.hasRight(delivery.endpoint!.partnerId, PartnerRight.INTEGRATIONS) ? delivery : null;
    }
    default:
      return null;
  }
}

@Resolver()
export class NodeResolver {
  @Query(() => NodeInterface, { nullable: true, description: 'The object with this global id, or null when the viewer may not see it.' })
  node(@Arg('id', () => ID, { description: 'A global id, as the API gave it.' }) id: string, @Ctx() ctx: RequestContext): Promise<object | null> {
    return findNode(ctx, id);
  }

  @Query(() => [NodeInterface], {
    nullable: 'items',
    description: `The objects with these global ids, in the same order; null for each the viewer may not see. At most ${MAX_PAGE_SIZE} ids.`,
  })
  nodes(@Arg('ids', () => [ID], { description: `Global ids, as the API gave them (1-${MAX_PAGE_SIZE}).` }) ids: string[], @Ctx() ctx: RequestContext): Promise<Array<object | null>> {
    if (ids.length > MAX_PAGE_SIZE) throw badUserInput(`ids may hold at most ${MAX_PAGE_SIZE} ids.`, { argument: 'ids' });
    return Promise.all(ids.map((id) => findNode(ctx, id)));
  }
}
