import { administratorWhoMayChange, ClientAdministrator } from '../access/access-rules';
import type { VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import { ClientAccess } from '../clients/client-access.entity';
import { Clock, osloToday } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { Refusal, refusal, UserErrorCode } from '../common/refusals';
import type { UnitOfWork } from '../db/unit-of-work';
import { idempotencyKeyMismatch, idempotencyScope, IdempotencyService } from '../idempotency/idempotency.service';
import { PartnerRight } from '../partners/partner-membership.entity';
import { accessesOf, Caller, lockClient } from './client-lock';
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

const refused = (...userErrors: Refusal[]): ClearDeactivationResult => ({ clientUser: null, userErrors });

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
    const { viewer } = caller;
    const today = osloToday(this.clock);
    const clientId = localIdOf(input.clientId, 'Client');
    const client = clientId ? await lockClient(uow.manager, clientId) : null;
    if (!client) return refused(refusal(UserErrorCode.NOT_FOUND, 'No such client.', ['input', 'clientId']));

    const scope = idempotencyScope(viewer.userId, 'clearUserDeactivation', input);
    if (scope) {
      const found = await this.idempotency.lookup<{ accessId: string }>(uow, scope);
      if (found.kind === 'mismatch') return refused(idempotencyKeyMismatch());
      if (found.kind === 'replay') return { clientUser: await uow.repo(ClientAccess).findOneBy({ id: found.result.accessId }), userErrors: [] };
    }

    const accesses = await accessesOf(uow.manager, client.id);
    const ownAdministrator = administratorWhoMayChange(accesses.find((a) => a.userId === viewer.userId), client, today) === ClientAdministrator.OWN;
    const currentPartnerClientAdmin = client.partnerId !== null && viewer.hasRight(client.partnerId, PartnerRight.CLIENT_ADMIN);
    const forbidden = async () =>
      (await this.visibility.canSeeClient(uow.manager, viewer, client, today))
        ? refused(refusal(UserErrorCode.FORBIDDEN, "Clearing a deactivation needs to be the client's own administrator, or CLIENT_ADMIN in its current partner when that partner's ending did not set the date."))
        : refused(refusal(UserErrorCode.NOT_FOUND, 'No such client.', ['input', 'clientId']));
    if (!ownAdministrator && !currentPartnerClientAdmin) return forbidden();

    const userId = localIdOf(input.userId, 'User');
    const access = accesses.find((a) => a.userId === userId);
    if (!access) return refused(refusal(UserErrorCode.NOT_FOUND, 'The user has no access to the client.', ['input', 'userId']));
    if (access.deactivationDate === null || access.deactivatedAt !== null) {
      return refused(refusal(UserErrorCode.NOT_DEACTIVATING, 'The user has no pending deactivation on the client.', ['input', 'userId']));
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
    if (scope) await this.idempotency.remember(uow, scope, { accessId: access.id });
    return { clientUser: access, userErrors: [] };
  }
}
