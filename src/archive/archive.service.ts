import { DataSource } from 'typeorm';
import { ARCHIVE_STATUSES } from '../access/visibility.service';
import type { Viewer } from '../auth/viewer';
import { endingSnapshotColumns, keysetDirection, whereClientMatches } from '../clients/clients.service';
import { ForbiddenError } from '../common/domain-errors';
import { decodeCursor, emptyPage, encodeCursor, keysetPage, Page, PageRequest } from '../common/pages';
import { PartnerRight } from '../partners/partner-membership.entity';
import { CustomerRelationship, RelationshipStatus } from '../relationships/customer-relationship.entity';

export interface ArchiveListFilter {
  status?: RelationshipStatus | null;
  search?: string | null;
}

/** The partner's archive: its ended relationships, pending and generated (DESIGN A2). */
export class ArchiveService {
  constructor(private readonly dataSource: DataSource) {}

  async list(viewer: Viewer, filter: ArchiveListFilter, page: PageRequest): Promise<Page<CustomerRelationship>> {
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
    // Newest ending first (ids grow with time): forward reads ids downwards, backward upwards.
    const { argument } = keysetDirection(page);
    const forward = page.direction === 'forward';
    if (page.cursor) {
      const [id] = decodeCursor(page.cursor, ['string'], argument);
      query.andWhere(`relationship.id ${forward ? '<' : '>'} :afterId`, { afterId: id });
    }
    const rows = await query.orderBy('relationship.id', forward ? 'DESC' : 'ASC').take(page.size + 1).getMany();
    return keysetPage(page, rows, (r) => encodeCursor([r.id]), () => counted.getCount());
  }
}
