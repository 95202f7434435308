import { DataSource } from 'typeorm';
import { ARCHIVE_STATUSES } from '../access/visibility.service';
import type { Viewer } from '../auth/viewer';
import { endingSnapshotColumns, whereClientMatches } from '../clients/clients.service';
import { ForbiddenError } from '../common/domain-errors';
import { decodeCursor, emptyPage, encodeCursor, Page } from '../common/pages';
import { PartnerRight } from '../partners/partner-membership.entity';
import { CustomerRelationship, RelationshipStatus } from '../relationships/customer-relationship.entity';

export interface ArchiveListFilter {
  status?: RelationshipStatus | null;
  search?: string | null;
}

/** The partner's archive: its ended relationships, pending and generated (DESIGN A2). */
export class ArchiveService {
  constructor(private readonly dataSource: DataSource) {}

  async list(viewer: Viewer, filter: ArchiveListFilter, first: number, after: string | null): Promise<Page<CustomerRelationship>> {
    const partnerIds = viewer.partnersWithRight(PartnerRight.ARCHIVE);
    if (partnerIds.length === 0) throw new ForbiddenError('The archive needs the ARCHIVE right in one of your partners.');
    const statuses = filter.status ? ARCHIVE_STATUSES.filter((s) => s === filter.status) : ARCHIVE_STATUSES;
    if (statuses.length === 0) return emptyPage();

    const query = this.dataSource
      .getRepository(CustomerRelationship)
      .createQueryBuilder('relationship')
      .innerJoin('relationship.client', 'client')
      .where('relationship.partner_id IN (:...partnerIds)', { partnerIds })
      .andWhere('relationship.status IN (:...statuses)', { statuses });
    // A6: an ending is found by the client's name and organization number as they were, not by what they are now.
    whereClientMatches(query, endingSnapshotColumns('relationship'), filter.search);

    const counted = query.clone();
    if (after) {
      const [id] = decodeCursor(after, ['string']);
      query.andWhere('relationship.id < :afterId', { afterId: id });
    }
    // Newest ending first; ids grow with time.
    const rows = await query.orderBy('relationship.id', 'DESC').take(first + 1).getMany();
    return {
      items: rows.slice(0, first),
      hasNextPage: rows.length > first,
      totalCount: () => counted.getCount(),
      cursorOf: (r) => encodeCursor([r.id]),
    };
  }
}
