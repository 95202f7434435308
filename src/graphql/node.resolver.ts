import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { ArchiveDocument } from '../archive/archive-document.entity';
import { ArchiveExport } from '../archive/archive-export.entity';
import { ARCHIVE_EXPORT_NODE, ARCHIVE_UPLOAD_NODE } from '../archive/archive-ids';
import { ArchiveUpload } from '../archive/archive-upload.entity';
import { parseGlobalId } from '../common/global-id';
import { Notification } from '../notifications/notification.entity';
import type { RequestContext } from './context';
import { NodeInterface } from './node';

/** `node(id:)`: any object the viewer may see; anything else is null, as if it did not exist (DESIGN A2). */
@Resolver()
export class NodeResolver {
  @Query(() => NodeInterface, { nullable: true, description: 'The object with this global id, or null when the viewer may not see it.' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<object | null> {
    const ref = parseGlobalId(id);
    if (!ref) return null;
    const { viewer, loaders, runtime } = ctx;
    const { visibility } = ctx.services;
    const today = ctx.today();
    // An upload (its URL is a credential) and an export are shown only to the user who made them.
    if (ref.type === ARCHIVE_UPLOAD_NODE || ref.type === ARCHIVE_EXPORT_NODE) {
      if (!/^\d{1,20}$/.test(ref.id)) return null;
      const found = await runtime.dataSource.getRepository(ref.type === ARCHIVE_UPLOAD_NODE ? ArchiveUpload : ArchiveExport).findOneBy({ id: ref.id });
      const madeBy = found instanceof ArchiveUpload ? found.createdByUserId : found?.requestedByUserId;
      return found && madeBy === viewer.userId ? found : null;
    }
    switch (ref.type) {
      case 'Client':
        // Fields then show the client as the viewer sees it: present, or through the archive only (A6).
        return (await ctx.canSeeClient.load(ref.id)) ? loaders.clients.load(ref.id) : null;
      case 'Partner':
        return viewer.isMemberOf(ref.id) ? loaders.partners.load(ref.id) : null;
      case 'User':
        return ref.id === viewer.userId ? viewer.user : null;
      case 'CustomerRelationship': {
        const relationship = await loaders.relationships.load(ref.id);
        const client = relationship && (await loaders.clients.load(relationship.clientId));
        if (!relationship || !client) return null;
        return (await visibility.seesRelationship(runtime.dataSource.manager, viewer, relationship, client, today)) ? relationship : null;
      }
      case 'ArchiveDocument': {
        const document = await runtime.dataSource.getRepository(ArchiveDocument).findOneBy({ id: ref.id });
        const relationship = document && (await loaders.relationships.load(document.relationshipId));
        return relationship && visibility.canSeeArchiveDocument(viewer, relationship) ? document : null;
      }
      case 'Notification': {
        const notification = await runtime.dataSource.getRepository(Notification).findOneBy({ id: ref.id });
        return notification?.userId === viewer.userId ? notification : null;
      }
      default:
        return null;
    }
  }
}
