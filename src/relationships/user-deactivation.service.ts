import { isActiveAdministrator } from '../access/access-rules';
import type { VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import { ClientAccess } from '../clients/client-access.entity';
import { Clock, osloToday } from '../common/clock';
import { localIdOf } from '../common/global-id';
import type { UnitOfWork } from '../db/unit-of-work';
import { UserError, UserErrorCode, userError } from '../graphql/user-errors';
import { idempotencyKeyMismatch, idempotencyScope, IdempotencyService } from '../idempotency/idempotency.service';
import { PartnerRight } from '../partners/partner-membership.entity';
import { accessesOf, Caller, lockClient } from './client-lock';

export interface ClearDeactivationInput {
  clientId: string;
  userId: string;
  idempotencyKey?: string | null;
}

export interface ClearDeactivationResult {
  clientUser: ClientAccess | null;
  userErrors: UserError[];
}

const refused = (...userErrors: UserError[]): ClearDeactivationResult => ({ clientUser: null, userErrors });

/** E8: one user's pending deactivation on one client, removed by hand. */
export class UserDeactivationService {
  constructor(
    private readonly clock: Clock,
    private readonly visibility: VisibilityService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** Allowed to the client's active administrators (A5) and to CLIENT_ADMIN users of the client's current partner. */
  async clear(uow: UnitOfWork, caller: Caller, input: ClearDeactivationInput): Promise<ClearDeactivationResult> {
    const { viewer } = caller;
    const today = osloToday(this.clock);
    const clientId = localIdOf(input.clientId, 'Client');
    const client = clientId ? await lockClient(uow, clientId) : null;
    if (!client) return refused(userError(UserErrorCode.NOT_FOUND, 'No such client.', ['input', 'clientId']));

    const scope = idempotencyScope(viewer.userId, 'clearUserDeactivation', input);
    if (scope) {
      const found = await this.idempotency.lookup<{ accessId: string }>(uow, scope);
      if (found.kind === 'mismatch') return refused(idempotencyKeyMismatch());
      if (found.kind === 'replay') return { clientUser: await uow.repo(ClientAccess).findOneBy({ id: found.result.accessId }), userErrors: [] };
    }

    const accesses = await accessesOf(uow, client.id);
    const own = accesses.find((a) => a.userId === viewer.userId);
    const allowed =
      (own !== undefined && isActiveAdministrator(own, client.subscriptionAdminUserId, today)) ||
      (client.partnerId !== null && viewer.hasRight(client.partnerId, PartnerRight.CLIENT_ADMIN));
    if (!allowed) {
      return (await this.visibility.canSeeClient(viewer, client, today))
        ? refused(userError(UserErrorCode.FORBIDDEN, "Clearing a deactivation needs to be the client's administrator or CLIENT_ADMIN in its partner."))
        : refused(userError(UserErrorCode.NOT_FOUND, 'No such client.', ['input', 'clientId']));
    }

    const userId = localIdOf(input.userId, 'User');
    const access = accesses.find((a) => a.userId === userId);
    if (!access) return refused(userError(UserErrorCode.NOT_FOUND, 'The user has no access to the client.', ['input', 'userId']));
    if (access.deactivationDate === null || access.deactivatedAt !== null) {
      return refused(userError(UserErrorCode.NOT_DEACTIVATING, 'The user has no pending deactivation on the client.', ['input', 'userId']));
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
