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

  /** The viewer has ARCHIVE in a partner whose ended relationship with the client is in its archive. */
  async seesInArchive(viewer: Viewer, clientId: string): Promise<boolean> {
    const partners = viewer.partnersWithRight(PartnerRight.ARCHIVE);
    if (partners.length === 0) return false;
    return this.dataSource
      .getRepository(CustomerRelationship)
      .existsBy({ clientId, partnerId: In(partners), status: In(ARCHIVE_STATUSES) });
  }

  /** A2/A5: a member of the linked partner, an ARCHIVE member of a partner that ended with it, or its administrator. */
  async canSeeClient(viewer: Viewer, client: Client, today: string): Promise<boolean> {
    if (client.partnerId && viewer.isMemberOf(client.partnerId)) return true;
    if (await this.seesInArchive(viewer, client.id)) return true;
    return this.isClientAdministrator(viewer, client, today);
  }

  /** A relationship is seen by its partner's members (ended ones only with ARCHIVE) and the client's administrators. */
  canSeeRelationship(viewer: Viewer, relationship: CustomerRelationship, isClientAdministrator: boolean): boolean {
    if (relationship.status === RelationshipStatus.ACTIVE && viewer.isMemberOf(relationship.partnerId)) return true;
    return viewer.hasRight(relationship.partnerId, PartnerRight.ARCHIVE) || isClientAdministrator;
  }
}
