import { DataSource, SelectQueryBuilder } from 'typeorm';
import { ARCHIVE_STATUSES } from '../access/visibility.service';
import type { Viewer } from '../auth/viewer';
import { ForbiddenError } from '../common/domain-errors';
import { localIdOf } from '../common/global-id';
import { decodeCursor, emptyPage, encodeCursor, escapeLike, keysetPage, Page, PageRequest } from '../common/pages';
import { PartnerRight } from '../partners/partner-membership.entity';
import { runBatch, selectEntities } from '../db/statements';
import { ClientTab } from './client-tab';
import { Client } from './client.entity';

export interface ClientListFilter {
  tab?: ClientTab | null;
  search?: string | null;
  /** Only this partner's clients (a viewer may belong to several): its global id. */
  partnerId?: string | null;
}

/** Where a query finds a client's name and organization number. */
export interface ClientNameColumns {
  name: string;
  organizationNumber: string;
}

/** The client's own columns under `alias`: its name and organization number of today. */
export const clientColumns = (alias: string): ClientNameColumns => ({ name: `${alias}.name`, organizationNumber: `${alias}.organization_number` });

/** An ended relationship's copy under `alias`: the client's name and organization number as they were at the ending (A6). */
export const endingSnapshotColumns = (alias: string): ClientNameColumns => ({
  name: `${alias}.client_name`,
  organizationNumber: `${alias}.client_organization_number`,
});

/** How a page's rows are read: past the cursor with `>` and ascending forward, with `<` and descending backward. */
export function keysetDirection(page: PageRequest): { beyond: '>' | '<'; order: 'ASC' | 'DESC'; argument: 'after' | 'before' } {
  return page.direction === 'forward' ? { beyond: '>', order: 'ASC', argument: 'after' } : { beyond: '<', order: 'DESC', argument: 'before' };
}

/** A name / organization-number search as SQL (contract: search matches either); null when there is nothing to search. */
function clientMatch(columns: ClientNameColumns, search: string | null | undefined): { sql: string; parameters: Record<string, string> } | null {
  const term = search?.trim();
  if (!term) return null;
  const digits = term.replace(/\s+/g, '');
  const parameters: Record<string, string> = { nameTerm: `%${escapeLike(term)}%` };
  let sql = `${columns.name} LIKE :nameTerm`;
  if (/^\d{1,9}$/.test(digits)) {
    sql += ` OR ${columns.organizationNumber} LIKE :orgTerm`;
    parameters.orgTerm = `${digits}%`;
  }
  return { sql: `(${sql})`, parameters };
}

/** Adds a name / organization-number search to a query (contract: search matches either). */
/** Narrows the query to clients matching `search`; true when it did (an empty search matches everything). */
export function whereClientMatches<T extends object>(query: SelectQueryBuilder<T>, columns: ClientNameColumns, search: string | null | undefined): boolean {
  const match = clientMatch(columns, search);
  if (match) query.andWhere(match.sql, match.parameters);
  return match !== null;
}

/** The lists of clients a viewer's partners have: linked now (ACTIVE) or ended (ARCHIVE). */
export class ClientsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * `today` (Europe/Oslo) decides which clients with a pending ending the viewer still works on (A8): they stay in the
   * ACTIVE tab of a user without ARCHIVE in the ending partner until the generation date.
   */
  async list(viewer: Viewer, filter: ClientListFilter, page: PageRequest, today?: string): Promise<Page<Client>> {
    const tab = filter.tab ?? ClientTab.ACTIVE;
    let partnerIds = tab === ClientTab.ARCHIVE ? viewer.partnersWithRight(PartnerRight.ARCHIVE) : viewer.partnerIds();
    if (tab === ClientTab.ARCHIVE && partnerIds.length === 0) {
      throw new ForbiddenError('The archive needs the ARCHIVE right in one of your partners.');
    }
    if (filter.partnerId) {
      // An id that names no partner is like a partner the viewer is not in: no clients, an empty page.
      const partnerId = localIdOf(filter.partnerId, 'Partner');
      if (tab === ClientTab.ARCHIVE && partnerId !== null && viewer.isMemberOf(partnerId) && !partnerIds.includes(partnerId)) {
        throw new ForbiddenError("The archive needs the ARCHIVE right in this partner.");
      }
      partnerIds = partnerIds.filter((id) => id === partnerId);
    }
    if (partnerIds.length === 0) return emptyPage();

    const query = this.dataSource.getRepository(Client).createQueryBuilder('client');
    if (tab === ClientTab.ARCHIVE) return this.archivePage(query, partnerIds, filter.search, page);
    const pending = today ? await this.pendingClientIds(viewer, partnerIds, today) : [];
    if (pending.length > 0) query.where('(client.partner_id IN (:...partnerIds) OR client.id IN (:...pending))', { partnerIds, pending });
    else query.where('client.partner_id IN (:...partnerIds)', { partnerIds });
    const searched = whereClientMatches(query, clientColumns('client'), filter.search);

    // Without a search the count is the partners' maintained counts (at most eight rows each) plus the pending clients,
    // which have no partner and so are not among them; a search counts its matches.
    const counted = query.clone();
    const count = searched ? () => counted.getCount() : async () => (await this.linkedClientCount(partnerIds)) + pending.length;
    const { beyond, order, argument } = keysetDirection(page);
    if (page.cursor) {
      const [name, id] = decodeCursor(page.cursor, ['string', 'string'], argument);
      query.andWhere(`(client.name ${beyond} :afterName OR (client.name = :afterName AND client.id ${beyond} :afterId))`, { afterName: name, afterId: id });
    }
    query.orderBy('client.name', order).addOrderBy('client.id', order);
    // With clients of a pending ending the partner index alone does not find every row; those few let MySQL choose.
    const rows = pending.length > 0 ? await query.limit(page.size + 1).getMany() : await this.pageAlongPartnerIndex(query, page.size + 1);
    return keysetPage(page, rows, (client) => encodeCursor([client.name, client.id]), count);
  }

  /**
   * How many clients are linked to these partners: the sum of their shards in `partner_client_counts`, which the
   * database's triggers on `clients` keep exact. The same for a partner with 100 or 100,000 clients.
   */
  async linkedClientCount(partnerIds: string[]): Promise<number> {
    const [row]: Array<{ n: string | number | null }> = await this.dataSource.query(
      'SELECT SUM(`clients`) AS n FROM `partner_client_counts` WHERE `partner_id` IN (?)',
      [partnerIds],
    );
    return Number(row?.n ?? 0);
  }

  /**
   * A8: clients whose ending dated the viewer's access through one of these partners — where the viewer lacks
   * ARCHIVE — with the generation date still to come and no partner linked since. One statement; usually none.
   */
  private async pendingClientIds(viewer: Viewer, partnerIds: string[], today: string): Promise<string[]> {
    const without = partnerIds.filter((id) => !viewer.hasRight(id, PartnerRight.ARCHIVE));
    if (without.length === 0) return [];
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT a.client_id AS id FROM client_accesses a JOIN clients c ON c.id = a.client_id
        WHERE a.user_id = ? AND a.via_partner_id IN (?) AND a.deactivation_relationship_id IS NOT NULL AND a.deactivated_at IS NULL
          AND a.deactivation_date > ? AND c.partner_id IS NULL`,
      [viewer.userId, without, today],
    );
    return rows.map((r) => String(r.id));
  }

  /**
   * The archive tab: clients with an ended relationship with one of the partners. It lists, finds and sorts them by
   * the name and organization number they had at the partners' latest ending (A6) — so neither a search nor a
   * cursor tells the ending partner what the client is called now.
   */
  private async archivePage(
    query: SelectQueryBuilder<Client>,
    partnerIds: string[],
    search: string | null | undefined,
    page: PageRequest,
  ): Promise<Page<Client>> {
    const ended = (alias: string) => `${alias}.client_id = client.id AND ${alias}.partner_id IN (:...partnerIds) AND ${alias}.status IN (:...archiveStatuses)`;
    const match = clientMatch(endingSnapshotColumns('r'), search);
    query.where(`EXISTS (SELECT 1 FROM customer_relationships r WHERE ${ended('r')}${match ? ` AND ${match.sql}` : ''})`, {
      partnerIds,
      archiveStatuses: ARCHIVE_STATUSES,
      ...match?.parameters,
    });
    const nameAsItWas = `COALESCE((SELECT latest.client_name FROM customer_relationships latest WHERE ${ended('latest')} ORDER BY latest.id DESC LIMIT 1), client.name)`;

    const counted = query.clone();
    const { beyond, order, argument } = keysetDirection(page);
    if (page.cursor) {
      const [name, id] = decodeCursor(page.cursor, ['string', 'string'], argument);
      query.andWhere(`(${nameAsItWas} ${beyond} :afterName OR (${nameAsItWas} = :afterName AND client.id ${beyond} :afterId))`, { afterName: name, afterId: id });
    }
    const { entities, raw } = await query
      .addSelect(nameAsItWas, 'name_as_it_was')
      .orderBy('name_as_it_was', order)
      .addOrderBy('client.id', order)
      .limit(page.size + 1)
      .getRawAndEntities<{ name_as_it_was: string }>();
    const names = new Map(entities.map((client, i) => [client, raw[i].name_as_it_was]));
    return keysetPage(page, entities, (client) => encodeCursor([names.get(client)!, client.id]), () => counted.getCount());
  }

  /**
   * A page of a partner's clients read along (partner_id, name, id). Left to itself, MariaDB reads a page after a
   * cursor with `ref` on partner_id and skips every entry before the cursor (~11 ms at the 90,000th of 100,000
   * clients, against 0.7 ms for the first page); forcing the index makes it a range that starts at the cursor. The
   * hint needs SQL text, so the page's ids come first and the rows by id after: two statements for any page.
   */
  private async pageAlongPartnerIndex(query: SelectQueryBuilder<Client>, limit: number): Promise<Client[]> {
    // The query builder's SQL for the page (its conditions, order and parameters), read as whole clients in the same
    // statement: the select list of `selectEntities` in place of the id, and the index forced.
    const [sql, parameters] = query.clone().select('client.id', 'id').limit(limit).getQueryAndParameters();
    const head = 'SELECT `client`.`id` AS `id` FROM `clients` `client` ';
    if (!sql.startsWith(head)) throw new Error(`unexpected clients page query: ${sql}`);
    const [clients] = await runBatch(this.dataSource.manager, selectEntities(this.dataSource.manager, Client, `FORCE INDEX (\`idx_clients_partner_name\`) ${sql.slice(head.length)}`, parameters, 'client'));
    return clients;
  }

}
