import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { ARCHIVE_STATUSES } from '../access/visibility.service';
import type { Viewer } from '../auth/viewer';
import { forbidden } from '../common/errors';
import { decodeCursor, emptyPage, encodeCursor, escapeLike, Page } from '../graphql/connection';
import { PartnerRight } from '../partners/partner-membership.entity';
import { Client } from './client.entity';

export enum ClientTab {
  ACTIVE = 'ACTIVE',
  ARCHIVE = 'ARCHIVE',
}

export interface ClientListFilter {
  tab?: ClientTab | null;
  search?: string | null;
  /** Only this partner's clients (a viewer may belong to several). */
  partnerId?: string | null;
}

/** Adds a name / organization-number search to a query over `alias` (contract: search matches either). */
export function whereClientMatches<T extends object>(query: SelectQueryBuilder<T>, alias: string, search: string | null | undefined): void {
  const term = search?.trim();
  if (!term) return;
  const digits = term.replace(/\s+/g, '');
  query.andWhere(
    new Brackets((q) => {
      q.where(`${alias}.name LIKE :nameTerm`, { nameTerm: `%${escapeLike(term)}%` });
      if (/^\d{1,9}$/.test(digits)) q.orWhere(`${alias}.organization_number LIKE :orgTerm`, { orgTerm: `${digits}%` });
    }),
  );
}

/** The lists of clients a viewer's partners have: linked now (ACTIVE) or ended (ARCHIVE). */
export class ClientsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(viewer: Viewer, filter: ClientListFilter, first: number, after: string | null): Promise<Page<Client>> {
    const tab = filter.tab ?? ClientTab.ACTIVE;
    let partnerIds = tab === ClientTab.ARCHIVE ? viewer.partnersWithRight(PartnerRight.ARCHIVE) : viewer.partnerIds();
    if (tab === ClientTab.ARCHIVE && partnerIds.length === 0) {
      throw forbidden('The archive needs the ARCHIVE right in one of your partners.');
    }
    if (filter.partnerId) {
      if (tab === ClientTab.ARCHIVE && viewer.isMemberOf(filter.partnerId) && !partnerIds.includes(filter.partnerId)) {
        throw forbidden("The archive needs the ARCHIVE right in this partner.");
      }
      partnerIds = partnerIds.filter((id) => id === filter.partnerId);
    }
    if (partnerIds.length === 0) return emptyPage();

    const query = this.dataSource.getRepository(Client).createQueryBuilder('client');
    if (tab === ClientTab.ACTIVE) {
      query.where('client.partner_id IN (:...partnerIds)', { partnerIds });
    } else {
      query.where(
        `EXISTS (SELECT 1 FROM customer_relationships r WHERE r.client_id = client.id
           AND r.partner_id IN (:...partnerIds) AND r.status IN (:...archiveStatuses))`,
        { partnerIds, archiveStatuses: ARCHIVE_STATUSES },
      );
    }
    whereClientMatches(query, 'client', filter.search);

    const counted = query.clone();
    if (after) {
      const [name, id] = decodeCursor(after, ['string', 'string']);
      query.andWhere('(client.name > :afterName OR (client.name = :afterName AND client.id > :afterId))', { afterName: name, afterId: id });
    }
    const rows = await query.orderBy('client.name', 'ASC').addOrderBy('client.id', 'ASC').take(first + 1).getMany();
    return {
      items: rows.slice(0, first),
      hasNextPage: rows.length > first,
      totalCount: () => counted.getCount(),
      cursorOf: (client) => encodeCursor([client.name, client.id]),
    };
  }
}
