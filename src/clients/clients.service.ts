import { Brackets, DataSource, In, SelectQueryBuilder } from 'typeorm';
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
    query.orderBy('client.name', 'ASC').addOrderBy('client.id', 'ASC');
    const rows = tab === ClientTab.ACTIVE ? await this.pageAlongPartnerIndex(query, first + 1) : await query.take(first + 1).getMany();
    return {
      items: rows.slice(0, first),
      hasNextPage: rows.length > first,
      totalCount: () => counted.getCount(),
      cursorOf: (client) => encodeCursor([client.name, client.id]),
    };
  }

  /**
   * A page of a partner's clients read along (partner_id, name, id). Left to itself, MariaDB reads a page after a
   * cursor with `ref` on partner_id and skips every entry before the cursor (~11 ms at the 90,000th of 100,000
   * clients, against 0.7 ms for the first page); forcing the index makes it a range that starts at the cursor. The
   * hint needs SQL text, so the page's ids come first and the rows by id after: two statements for any page.
   */
  private async pageAlongPartnerIndex(query: SelectQueryBuilder<Client>, limit: number): Promise<Client[]> {
    const [sql, parameters] = query.clone().select('client.id', 'id').limit(limit).getQueryAndParameters();
    const from = 'FROM `clients` `client`';
    if (!sql.includes(from)) throw new Error(`unexpected clients page query: ${sql}`);
    const rows: Array<{ id: string }> = await this.dataSource.query(sql.replace(from, `${from} FORCE INDEX (\`idx_clients_partner_name\`)`), parameters);
    if (rows.length === 0) return [];
    const clients = new Map((await this.dataSource.getRepository(Client).findBy({ id: In(rows.map((r) => r.id)) })).map((c) => [c.id, c]));
    return rows.map((r) => clients.get(r.id)).filter((c): c is Client => c !== undefined);
  }
}
