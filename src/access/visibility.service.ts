import { DataSource, In } from 'typeorm';
import type { Viewer } from '../auth/viewer';
import { ClientAccess } from '../clients/client-access.entity';
import type { Client } from '../clients/client.entity';
import { PartnerRight } from '../partners/partner-membership.entity';
import { CustomerRelationship, RelationshipStatus } from '../relationships/customer-relationship.entity';
import { isActiveAdministrator } from './access-rules';

/** Statuses of a relationship that put its client in the partner's archive (DESIGN A2). */
export const ARCHIVE_STATUSES = [RelationshipStatus.ENDED, RelationshipStatus.ARCHIVED];

/** Who may see what (DESIGN A2, A3, A5). Anything the viewer may not see is reported as not existing. */
export class VisibilityService {
  constructor(private readonly dataSource: DataSource) {}

  /** The viewer administers the client through an access that is active today (A5, A3). */
  async isClientAdministrator(viewer: Viewer, client: Client, today: string): Promise<boolean> {
    const access = await this.dataSource.getRepository(ClientAccess).findOneBy({ clientId: client.id, userId: viewer.userId });
    return access !== null && isActiveAdministrator(access, client.subscriptionAdminUserId, today);
  }

  /**
   * A2/A5: which of the clients the viewer may see — as a member of the linked partner, as an ARCHIVE member of a
   * partner that ended with the client, or as its administrator today. At most two statements for any number of clients.
   */
  async visibleClientIds(viewer: Viewer, clients: Client[], today: string): Promise<Set<string>> {
    const visible = new Set(clients.filter((c) => c.partnerId && viewer.isMemberOf(c.partnerId)).map((c) => c.id));
    let rest = clients.filter((c) => !visible.has(c.id));
    const archivePartners = viewer.partnersWithRight(PartnerRight.ARCHIVE);
    if (rest.length > 0 && archivePartners.length > 0) {
      const archived = await this.dataSource.getRepository(CustomerRelationship).find({
        select: { clientId: true },
        where: { clientId: In(rest.map((c) => c.id)), partnerId: In(archivePartners), status: In(ARCHIVE_STATUSES) },
      });
      for (const r of archived) visible.add(r.clientId);
      rest = rest.filter((c) => !visible.has(c.id));
    }
    if (rest.length > 0) {
      const accesses = await this.dataSource.getRepository(ClientAccess).findBy({ userId: viewer.userId, clientId: In(rest.map((c) => c.id)) });
      const holders = new Map(rest.map((c) => [c.id, c.subscriptionAdminUserId]));
      for (const a of accesses) if (isActiveAdministrator(a, holders.get(a.clientId) ?? null, today)) visible.add(a.clientId);
    }
    return visible;
  }

  async canSeeClient(viewer: Viewer, client: Client, today: string): Promise<boolean> {
    return (await this.visibleClientIds(viewer, [client], today)).has(client.id);
  }

  /** A relationship is seen by its partner's members (ended ones only with ARCHIVE) and the client's administrators. */
  canSeeRelationship(viewer: Viewer, relationship: CustomerRelationship, isClientAdministrator: boolean): boolean {
    if (relationship.status === RelationshipStatus.ACTIVE && viewer.isMemberOf(relationship.partnerId)) return true;
    return viewer.hasRight(relationship.partnerId, PartnerRight.ARCHIVE) || isClientAdministrator;
  }
}
