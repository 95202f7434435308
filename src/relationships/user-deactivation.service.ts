import { ClientAdministrator } from '../access/access-rules';
import type { VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { accessesOf, ClientAccess } from '../clients/client-access.entity';
import type { Client } from '../clients/client.entity';
import { Clock, osloToday } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { noSuchClient, Refusal, refusal, refused, UserErrorCode } from '../common/refusals';
import type { UnitOfWork } from '../db/unit-of-work';
import { idempotencyScope, IdempotencyService } from '../idempotency/idempotency.service';
import { PartnerRight } from '../partners/partner-membership.entity';
import { lockClient } from './client-lock';
import { CustomerRelationship } from './customer-relationship.entity';

export interface ClearDeactivationInput {
  clientId: string;
  userId: string;
  idempotencyKey?: string | null;
}

export interface ClearDeactivationResult {
  clientUser: ClientAccess | null;
  userErrors: Refusal[];
}

/** What a refused clearing returns besides its userErrors. */
const NOT_CLEARED: Omit<ClearDeactivationResult, 'userErrors'> = { clientUser: null };

interface StoredClearing {
  accessId: string;
}

/** E8: one user's pending deactivation on one client, removed by hand. */
export class UserDeactivationService {
  constructor(
    private readonly clock: Clock,
    private readonly visibility: VisibilityService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * Allowed to the client's own active administrators (A5) and to CLIENT_ADMIN users of the client's current partner —
   * never to the partner whose ending set the date (E8), so a departing partner cannot keep its users' access.
   */
  async clear(uow: UnitOfWork, caller: Caller, input: ClearDeactivationInput): Promise<ClearDeactivationResult> {
    const client = await lockClient(uow.manager, localIdOf(input.clientId, 'Client'));
    if (!client) return refused(NOT_CLEARED, noSuchClient());
    return this.idempotency.once(uow, idempotencyScope(caller.viewer.userId, 'clearUserDeactivation', input), {
      nothing: NOT_CLEARED,
      run: () => this.clearLocked(uow, caller, client, input),
      remember: (result): StoredClearing => ({ accessId: result.clientUser!.id }),
      replay: async (stored) => ({ clientUser: await uow.repo(ClientAccess).findOneBy({ id: stored.accessId }), userErrors: [] }),
    });
  }

  /** `clear` once the client row is locked and the call is known to be a first one. */
  private async clearLocked(uow: UnitOfWork, caller: Caller, client: Client, input: ClearDeactivationInput): Promise<ClearDeactivationResult> {
    const { viewer } = caller;
    const today = osloToday(this.clock);
    const accesses = await accessesOf(uow.manager, client.id);
    const ownAdministrator = this.visibility.administratorWhoMayChange(viewer, client, accesses, today) === ClientAdministrator.OWN;
    const currentPartnerClientAdmin = client.partnerId !== null && viewer.hasRight(client.partnerId, PartnerRight.CLIENT_ADMIN);
    const forbidden = async () =>
      refused(
        NOT_CLEARED,
        await this.visibility.refusal(uow.manager, viewer, client, today, "Clearing a deactivation needs to be the client's own administrator, or CLIENT_ADMIN in its current partner when that partner's ending did not set the date."),
      );
    if (!ownAdministrator && !currentPartnerClientAdmin) return forbidden();

    const userId = localIdOf(input.userId, 'User');
    const access = accesses.find((a) => a.userId === userId);
    if (!access) return refused(NOT_CLEARED, refusal(UserErrorCode.NOT_FOUND, 'The user has no access to the client.', ['input', 'userId']));
    if (access.deactivationDate === null || access.deactivatedAt !== null) {
      return refused(NOT_CLEARED, refusal(UserErrorCode.NOT_DEACTIVATING, 'The user has no pending deactivation on the client.', ['input', 'userId']));
    }
    if (!ownAdministrator && access.deactivationRelationshipId !== null) {
      // The client may have been linked to the same partner again since its ending: that partner still may not undo it.
      const ending = await uow.repo(CustomerRelationship).findOne({ select: { id: true, partnerId: true }, where: { id: access.deactivationRelationshipId } });
      if (ending?.partnerId === client.partnerId) return forbidden();
    }

    const before = { userId: access.userId, deactivationDate: access.deactivationDate, deactivationRelationshipId: access.deactivationRelationshipId };
    await uow.repo(ClientAccess).update({ id: access.id }, { deactivationDate: null, deactivationRelationshipId: null });
    Object.assign(access, { deactivationDate: null, deactivationRelationshipId: null });
    await this.audit.record(uow, caller.actor, {
      action: 'USER_DEACTIVATION_CLEARED',
      clientId: client.id,
      relationshipId: before.deactivationRelationshipId,
      before,
      after: { userId: access.userId, deactivationDate: null },
    });
    return { clientUser: access, userErrors: [] };
  }
}
