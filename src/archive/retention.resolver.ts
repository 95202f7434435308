import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../graphql/context';
import { DateScalar } from '../graphql/scalars';
import { firstDeletionDay } from '../ledger/fiscal-years';
import type { ArchiveDocument } from './archive-document.entity';
import { ArchiveDocumentType } from './archive.types';

/** `ArchiveDocument.deleteAfter` (DESIGN S5), declared apart from the document's own fields. */
@Resolver(() => ArchiveDocumentType)
export class ArchiveDocumentRetentionResolver {
  @FieldResolver(() => DateScalar, { nullable: true, description: 'The first day the yearly retention job may delete it; null while the client is on legal hold.' })
  async deleteAfter(@Root() document: ArchiveDocument, @Ctx() ctx: RequestContext): Promise<string | null> {
    const client = await ctx.loaders.clients.load(document.clientId);
    if (!client || client.legalHold) return null;
    return firstDeletionDay(document.fiscalYearEnd, client.retentionYears);
  }
}
