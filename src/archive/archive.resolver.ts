import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../common/global-id';
import { PageArgs, pageRequest, toConnection } from '../graphql/connection';
import type { RequestContext } from '../graphql/context';
import { CustomerRelationshipConnection } from '../relationships/relationship.types';
import type { User } from '../users/user.entity';
import { ArchiveBackupState, type ArchiveDocument } from './archive-document.entity';
import { ArchiveBackupStatus, ArchiveDocumentType, ArchiveFilterInput } from './archive.types';

/** The partner's archive tab (DESIGN A2): its ended relationships. */
@Resolver()
export class ArchiveResolver {
  @Query(() => CustomerRelationshipConnection, {
    description: "Ended relationships of the viewer's partners, pending and generated. Needs the ARCHIVE right.",
  })
  async archive(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) paging: PageArgs,
    @Arg('filter', () => ArchiveFilterInput, { nullable: true, description: 'Which relationships: a status, a search.' }) filter?: ArchiveFilterInput | null,
  ) {
    const page = await ctx.services.archive.list(ctx.viewer, filter ?? {}, pageRequest(paging));
    return toConnection(page);
  }
}

@Resolver(() => ArchiveDocumentType)
export class ArchiveDocumentResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() document: ArchiveDocument): string {
    return toGlobalId('ArchiveDocument', document.id);
  }

  @FieldResolver()
  downloadPath(@Root() document: ArchiveDocument): string {
    return `/archive/documents/${toGlobalId('ArchiveDocument', document.id)}`;
  }

  @FieldResolver(() => ArchiveBackupStatus)
  backupStatus(@Root() document: ArchiveDocument, @Ctx() ctx: RequestContext): ArchiveBackupStatus {
    if (!ctx.runtime.config.archiveBackup) return ArchiveBackupStatus.NO_BACKUP;
    return document.backupState === ArchiveBackupState.VERIFIED ? ArchiveBackupStatus.VERIFIED : ArchiveBackupStatus.PENDING;
  }

  @FieldResolver()
  async uploadedBy(@Root() document: ArchiveDocument, @Ctx() ctx: RequestContext): Promise<User | null> {
    return document.uploadedByUserId ? ctx.loaders.users.load(document.uploadedByUserId) : null;
  }
}
