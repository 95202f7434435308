import { EntityManager, In } from 'typeorm';
import type { Viewer } from '../auth/viewer';
import { ClientAccess } from '../clients/client-access.entity';
import { Client } from '../clients/client.entity';
import { noSuchClient, noSuchRelationship, Refusal, refusal, UserErrorCode } from '../common/refusals';
import { PartnerRight } from '../partners/partner-membership.entity';
import { CustomerRelationship, RelationshipStatus } from '../relationships/customer-relationship.entity';
import { administersClientNow, administratorWhoMayChange, ClientAdministrator, keepsSightUntilGeneration } from './access-rules';

/** Statuses of a relationship that put its client in the partner's archive (DESIGN A2). */
export const ARCHIVE_STATUSES = [RelationshipStatus.ENDED, RelationshipStatus.ARCHIVED];

/**
 * How the viewer sees a client (DESIGN A6). `present`: as it is now — a member of its linked partner, or one of its
 * administrators. `archive`: only through ended relationships of partners in which the viewer has ARCHIVE; the viewer
 * sees what those relationships own (`relationships`, newest first) and nothing of the client's present.
 */
export type ClientView = { kind: 'present' } | { kind: 'archive'; relationships: CustomerRelationship[] };

export const PRESENT: ClientView = Object.freeze({ kind: 'present' });

/** Whether a view lets the viewer see the client at all (A2): archive-only needs an ended relationship. */
export function isVisible(view: ClientView): boolean {
  return view.kind === 'present' || view.relationships.some((r) => ARCHIVE_STATUSES.includes(r.status));
}

/**
 * Who may see what (DESIGN A2, A3, A5, A6, A7). Anything the viewer may not see is reported as not existing. The one
 * place the API, the download route and the mutations ask: every method that reads takes the `EntityManager` to read
 * through — a mutation's `uow.manager`, so a refusal reads in the transaction that holds the client's lock instead of
 * taking a second connection, or `dataSource.manager` for a plain read.
 */
export class VisibilityService {
  /** The viewer administers the client now (A5, A3; see `administersClientNow`), judged from the client's accesses. */
  administersClient(viewer: Viewer, client: Client, accesses: ClientAccess[], today: string): boolean {
    const own = accesses.find((a) => a.userId === viewer.userId);
    return own !== undefined && administersClientNow(own, client, today);
  }

  /** As whom the viewer may change the client now — its own administrator or one through its partner — or null (A5, E8, E14). */
  administratorWhoMayChange(viewer: Viewer, client: Client, accesses: ClientAccess[], today: string): ClientAdministrator | null {
    return administratorWhoMayChange(accesses.find((a) => a.userId === viewer.userId), client, today);
  }

  /** The viewer administers the client now (A5, A3), reading the viewer's access. */
  async isClientAdministrator(manager: EntityManager, viewer: Viewer, client: Client, today: string): Promise<boolean> {
    const access = await manager.getRepository(ClientAccess).findOneBy({ clientId: client.id, userId: viewer.userId });
    return access !== null && administersClientNow(access, client, today);
  }

  /**
   * A2/A5/A6: how the viewer sees each of the clients — present as a member of the linked partner or as an
   * administrator now, otherwise through the relationships of partners where the viewer has ARCHIVE (possibly none).
   * At most two statements for any number of clients.
   */
  async clientViews(manager: EntityManager, viewer: Viewer, clients: Client[], today: string): Promise<Map<string, ClientView>> {
    const views = new Map<string, ClientView>();
    for (const c of clients) if (c.partnerId && viewer.isMemberOf(c.partnerId)) views.set(c.id, PRESENT);
    let rest = clients.filter((c) => !views.has(c.id));
    if (rest.length > 0) {
      const accesses = await manager.getRepository(ClientAccess).findBy({ userId: viewer.userId, clientId: In(rest.map((c) => c.id)) });
      const byId = new Map(rest.map((c) => [c.id, c]));
      for (const a of accesses) {
        const client = byId.get(a.clientId)!;
        if (administersClientNow(a, client, today) || keepsSightUntilGeneration(viewer, a, client, today)) views.set(a.clientId, PRESENT);
      }
      rest = rest.filter((c) => !views.has(c.id));
    }
    const archivePartners = viewer.partnersWithRight(PartnerRight.ARCHIVE);
    const relationships = new Map<string, CustomerRelationship[]>(rest.map((c) => [c.id, []]));
    if (rest.length > 0 && archivePartners.length > 0) {
      const rows = await manager.getRepository(CustomerRelationship).find({
        where: { clientId: In(rest.map((c) => c.id)), partnerId: In(archivePartners) },
        order: { id: 'DESC' },
      });
      for (const r of rows) relationships.get(r.clientId)?.push(r);
    }
    for (const [clientId, owned] of relationships) views.set(clientId, { kind: 'archive', relationships: owned });
    return views;
  }

  /** A2/A5: which of the clients the viewer may see. At most two statements for any number of clients. */
  async visibleClientIds(manager: EntityManager, viewer: Viewer, clients: Client[], today: string): Promise<Set<string>> {
    const views = await this.clientViews(manager, viewer, clients, today);
    return new Set([...views].filter(([, view]) => isVisible(view)).map(([id]) => id));
  }

  async canSeeClient(manager: EntityManager, viewer: Viewer, client: Client, today: string): Promise<boolean> {
    return (await this.visibleClientIds(manager, viewer, [client], today)).has(client.id);
  }

  /**
   * Why the viewer may not make a change on the client: FORBIDDEN with `message` when the viewer sees the client, or
   * NOT_FOUND — as if it did not exist — when not (A2), so a refusal never tells a stranger the client exists.
   */
  async refusal(manager: EntityManager, viewer: Viewer, client: Client, today: string, message: string): Promise<Refusal> {
    return (await this.canSeeClient(manager, viewer, client, today)) ? refusal(UserErrorCode.FORBIDDEN, message) : noSuchClient();
  }

  /** A relationship is seen by its partner's members (ended ones only with ARCHIVE) and the client's administrators. */
  canSeeRelationship(viewer: Viewer, relationship: CustomerRelationship, isClientAdministrator: boolean): boolean {
    if (relationship.status === RelationshipStatus.ACTIVE && viewer.isMemberOf(relationship.partnerId)) return true;
    return viewer.hasRight(relationship.partnerId, PartnerRight.ARCHIVE) || isClientAdministrator;
  }

  /** `canSeeRelationship`, reading whether the viewer administers the client only when the partner's rights do not decide. */
  async seesRelationship(manager: EntityManager, viewer: Viewer, relationship: CustomerRelationship, client: Client, today: string): Promise<boolean> {
    return this.canSeeRelationship(viewer, relationship, false) || this.canSeeRelationship(viewer, relationship, await this.isClientAdministrator(manager, viewer, client, today));
  }

  /** `refusal` for a change on a relationship: FORBIDDEN when the viewer sees it, NOT_FOUND otherwise (A2). */
  async relationshipRefusal(manager: EntityManager, viewer: Viewer, relationship: CustomerRelationship, client: Client, today: string, message: string): Promise<Refusal> {
    return (await this.seesRelationship(manager, viewer, relationship, client, today)) ? refusal(UserErrorCode.FORBIDDEN, message) : noSuchRelationship();
  }

  /**
   * Who may see and download an archive document and its folder's package (A2, A6, A7): members with ARCHIVE in the
   * partner of the relationship it belongs to, and — once that relationship has ended — the client's administrators
   * (A5), read-only, whoever's the archive is. `node(id:)`, `GET /archive/documents/<id>` and
   * `GET /archive/packages/<id>` all ask this; anyone else is told it does not exist.
   */
  canSeeArchiveDocument(viewer: Viewer, relationship: CustomerRelationship, isClientAdministrator: boolean): boolean {
    return viewer.hasRight(relationship.partnerId, PartnerRight.ARCHIVE) || (isClientAdministrator && ARCHIVE_STATUSES.includes(relationship.status));
  }

  /** `canSeeArchiveDocument`, reading whether the viewer administers the client only when the partner's rights do not decide. */
  async seesArchiveDocuments(manager: EntityManager, viewer: Viewer, relationship: CustomerRelationship, today: string): Promise<boolean> {
    if (this.canSeeArchiveDocument(viewer, relationship, false)) return true;
    if (!ARCHIVE_STATUSES.includes(relationship.status)) return false;
    const client = await manager.getRepository(Client).findOneBy({ id: relationship.clientId });
    return client !== null && this.canSeeArchiveDocument(viewer, relationship, await this.isClientAdministrator(manager, viewer, client, today));
  }
}
