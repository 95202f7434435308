import { In } from 'typeorm';
import { ClientAdministrator } from '../access/access-rules';
import type { VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { accessesOf, ClientAccess } from '../clients/client-access.entity';
import { Client } from '../clients/client.entity';
import { Clock, osloToday } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { noSuchClient, Refusal, refusal, refused, UserErrorCode } from '../common/refusals';
import type { UnitOfWork } from '../db/unit-of-work';
import { idempotencyScope, IdempotencyService } from '../idempotency/idempotency.service';
import { normalizePartnerCode } from '../partners/partner-code';
import { PartnerMembership } from '../partners/partner-membership.entity';
import { Partner } from '../partners/partner.entity';
import { lockClient } from './client-lock';
import { CustomerRelationship, RelationshipStatus } from './customer-relationship.entity';

export interface LinkClientInput {
  clientId: string;
  partnerCode: string;
  idempotencyKey?: string | null;
}

export interface LinkClientResult {
  client: Client | null;
  relationship: CustomerRelationship | null;
  /** Accesses whose pending deactivation was cleared because their user belongs to the new partner (E8). */
  clearedDeactivations: ClientAccess[];
  userErrors: Refusal[];
}

/** What a refused link returns besides its userErrors. */
const NO_LINK: Omit<LinkClientResult, 'userErrors'> = { client: null, relationship: null, clearedDeactivations: [] };

interface StoredLink {
  clientId: string;
  relationshipId: string;
  clearedIds: string[];
}

/** A client's own administrators put a partner's code on the client (DESIGN A5, E8). */
export class PartnerLinkService {
  constructor(
    private readonly clock: Clock,
    private readonly visibility: VisibilityService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * Links the client to the partner with the code: a new ACTIVE relationship from today. Pending deactivations of users
   * who are members of the new partner are cleared, and their access now comes through the new partner, so its own
   * ending later would deactivate them. An ending still pending with the previous partner keeps its tasks.
   */
  async link(uow: UnitOfWork, caller: Caller, input: LinkClientInput): Promise<LinkClientResult> {
    const client = await lockClient(uow.manager, localIdOf(input.clientId, 'Client'));
    if (!client) return refused(NO_LINK, noSuchClient());
    return this.idempotency.once(uow, idempotencyScope(caller.viewer.userId, 'linkClientToPartner', input), {
      nothing: NO_LINK,
      run: () => this.linkLocked(uow, caller, client, input),
      remember: (result): StoredLink => ({ clientId: result.client!.id, relationshipId: result.relationship!.id, clearedIds: result.clearedDeactivations.map((a) => a.id) }),
      replay: async ({ clientId, relationshipId, clearedIds }) => ({
        client: await uow.repo(Client).findOneByOrFail({ id: clientId }),
        relationship: await uow.repo(CustomerRelationship).findOneByOrFail({ id: relationshipId }),
        clearedDeactivations: clearedIds.length ? await uow.repo(ClientAccess).findBy({ id: In(clearedIds) }) : [],
        userErrors: [],
      }),
    });
  }

  /** `link` once the client row is locked and the call is known to be a first one. */
  private async linkLocked(uow: UnitOfWork, caller: Caller, client: Client, input: LinkClientInput): Promise<LinkClientResult> {
    const { viewer } = caller;
    const today = osloToday(this.clock);
    const accesses = await accessesOf(uow.manager, client.id);
    if (this.visibility.administratorWhoMayChange(viewer, client, accesses, today) !== ClientAdministrator.OWN) {
      return refused(NO_LINK, await this.visibility.refusal(uow.manager, viewer, client, today, "Linking a partner is for the client's own administrators."));
    }
    if (client.partnerId !== null) {
      return refused(NO_LINK, refusal(UserErrorCode.ALREADY_LINKED, 'The client is already linked to a partner; that relationship must end first.', ['input', 'clientId']));
    }
    // Codes are stored upper case and compared exactly; a typed code that is no code at all finds nothing.
    const code = normalizePartnerCode(input.partnerCode);
    const partner = code ? await uow.repo(Partner).findOneBy({ partnerCode: code }) : null;
    if (!partner) return refused(NO_LINK, refusal(UserErrorCode.NOT_FOUND, 'No partner has this code.', ['input', 'partnerCode']));

    client.partnerId = partner.id;
    client.partnerSince = today;
    await uow.repo(Client).update({ id: client.id }, { partnerId: partner.id, partnerSince: today });
    const inserted = await uow
      .repo(CustomerRelationship)
      .createQueryBuilder()
      .insert()
      .values({ clientId: client.id, partnerId: partner.id, status: RelationshipStatus.ACTIVE, partnerPeriodStart: today })
      .updateEntity(false)
      .execute();
    const relationship = await uow.repo(CustomerRelationship).findOneByOrFail({ id: String(inserted.raw.insertId) });

    // E8: pending (not yet applied) deactivations of the new partner's members end here.
    const pending = accesses.filter((a) => a.deactivationDate !== null && a.deactivatedAt === null);
    const members = pending.length
      ? new Set((await uow.repo(PartnerMembership).find({ select: { userId: true }, where: { partnerId: partner.id, userId: In(pending.map((a) => a.userId)) } })).map((m) => m.userId))
      : new Set<string>();
    const cleared = pending.filter((a) => members.has(a.userId));
    const clearedBefore = cleared.map((a) => `${a.userId}:${a.deactivationDate}`);
    if (cleared.length > 0) {
      await uow
        .repo(ClientAccess)
        .update({ id: In(cleared.map((a) => a.id)) }, { deactivationDate: null, deactivationRelationshipId: null, viaPartnerId: partner.id });
      for (const a of cleared) Object.assign(a, { deactivationDate: null, deactivationRelationshipId: null, viaPartnerId: partner.id });
    }

    await this.audit.record(uow, caller.actor, {
      action: 'CLIENT_LINKED_TO_PARTNER',
      clientId: client.id,
      relationshipId: relationship.id,
      before: { partnerId: null, pendingDeactivations: clearedBefore },
      after: { partnerId: partner.id, partnerSince: today, clearedDeactivationUserIds: cleared.map((a) => a.userId) },
    });
    return { client, relationship, clearedDeactivations: cleared, userErrors: [] };
  }
}
