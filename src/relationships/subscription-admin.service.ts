import { isAccessActive } from '../access/access-rules';
import type { VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { accessesOf, ClientAccess, ClientRole } from '../clients/client-access.entity';
import { Client } from '../clients/client.entity';
import { Clock, osloToday } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { noSuchClient, Refusal, refusal, refused, UserErrorCode } from '../common/refusals';
import type { Viewer } from '../auth/viewer';
import { User } from '../users/user.entity';
import type { UnitOfWork } from '../db/unit-of-work';
import { idempotencyScope, IdempotencyService } from '../idempotency/idempotency.service';
import { NotificationKind } from '../notifications/notification.entity';
import type { NotificationService } from '../notifications/notification.service';
import { PartnerRight } from '../partners/partner-membership.entity';
import { lockClient } from './client-lock';
import { CustomerRelationship, relationshipsOf, RelationshipStatus } from './customer-relationship.entity';
import { linkedSinceEnding } from './ending-rules';

/**
 * E5: whether a user may take the subscription-administrator role: an active user of the client who is not losing
 * access — no pending deactivation date, and not coming through the partner being ended (`losingPartnerId`).
 * Returns why not, or null.
 */
export function subscriptionAdminProblem(
  candidate: ClientAccess | undefined,
  client: Client,
  today: string,
  losingPartnerId: string | null,
): string | null {
  if (!candidate) return 'The user has no access to the client.';
  if (candidate.userId === client.subscriptionAdminUserId) return 'The user already is the subscription administrator.';
  if (!isAccessActive(candidate, client.subscriptionAdminUserId, today)) return 'The user is not an active user of the client.';
  if (candidate.deactivationDate !== null) return 'The user is losing access to the client.';
  if (losingPartnerId && candidate.viaPartnerId === losingPartnerId) return 'The user is losing access to the client by this ending.';
  return null;
}

export interface TransferInput {
  clientId: string;
  userId: string;
  idempotencyKey?: string | null;
}

export interface TransferResult {
  client: Client | null;
  grantedAdministrator: boolean;
  userErrors: Refusal[];
}

/** What a refused transfer returns besides its userErrors. */
const NO_TRANSFER: Omit<TransferResult, 'userErrors'> = { client: null, grantedAdministrator: false };

interface StoredTransfer {
  clientId: string;
  grantedAdministrator: boolean;
}

/** The subscription-administrator role: who may take it and how it moves (DESIGN E5, E6, S4, S6). */
export class SubscriptionAdminService {
  constructor(
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
    private readonly idempotency: IdempotencyService,
    private readonly visibility: VisibilityService,
  ) {}

  /**
   * Moves the role to `next` at once, in the caller's transaction (the client row is locked). Makes the new holder
   * ADMINISTRATOR when they are not, notifies them, and — when the previous holder's access was kept only for the role
   * past its deactivation date (S4) — deactivates that access now. `ending` is the ending the handover is made for (an
   * ending's own handover, E5, or one from its archive, E6); its partner sees the event through the archive (A6).
   */
  async handOver(
    uow: UnitOfWork,
    caller: Caller,
    client: Client,
    accesses: ClientAccess[],
    next: ClientAccess,
    ending: string | null = null,
  ): Promise<{ grantedAdministrator: boolean }> {
    const now = this.clock.now();
    const today = osloToday(this.clock);
    const previousHolder = client.subscriptionAdminUserId;
    const grantedAdministrator = !next.roles.includes(ClientRole.ADMINISTRATOR);
    if (grantedAdministrator) {
      next.roles = [...next.roles, ClientRole.ADMINISTRATOR];
      await uow.repo(ClientAccess).update({ id: next.id }, { roles: next.roles });
    }
    client.subscriptionAdminUserId = next.userId;
    await uow.repo(Client).update({ id: client.id }, { subscriptionAdminUserId: next.userId });

    let previousHolderDeactivated = false;
    const previous = accesses.find((a) => a.userId === previousHolder);
    if (previous && !previous.deactivatedAt && previous.deactivationDate !== null && previous.deactivationDate <= today) {
      previous.deactivatedAt = now;
      await uow.repo(ClientAccess).update({ id: previous.id }, { deactivatedAt: now });
      previousHolderDeactivated = true;
    }

    await this.notifications.notify(
      uow,
      ...(grantedAdministrator
        ? [{ userId: next.userId, clientId: client.id, kind: NotificationKind.ADMINISTRATOR_GRANTED, message: `You were made administrator of ${client.name}.` }]
        : []),
      { userId: next.userId, clientId: client.id, kind: NotificationKind.SUBSCRIPTION_ADMIN_RECEIVED, message: `You are now the subscription administrator of ${client.name}.` },
    );
    await this.audit.record(uow, caller.actor, {
      action: 'SUBSCRIPTION_ADMIN_TRANSFERRED',
      clientId: client.id,
      // Otherwise the ending taking the previous holder's access owns the handover (A6).
      relationshipId: ending ?? previous?.deactivationRelationshipId ?? null,
      before: { subscriptionAdminUserId: previousHolder, roles: grantedAdministrator ? next.roles.filter((r) => r !== ClientRole.ADMINISTRATOR) : next.roles },
      after: { subscriptionAdminUserId: next.userId, roles: next.roles, grantedAdministrator, previousHolderDeactivated },
    });
    return { grantedAdministrator };
  }

  /**
   * E5/E6: the transfer on its own. Allowed to the client's own active administrators and to administrators through
   * the linked partner whose access no ending has dated (`administratorWhoMayChange`); to CLIENT_ADMIN users of the
   * linked partner; to the current subscription administrator handing the role away — how a partner user kept active
   * only for the role (S4) gets rid of it, which never extends anyone's access; and to ARCHIVE users of a partner whose
   * ending is pending, until its generation date and only while the client has not been linked since (E6, E14).
   */
  async transfer(uow: UnitOfWork, caller: Caller, input: TransferInput): Promise<TransferResult> {
    const client = await lockClient(uow.manager, localIdOf(input.clientId, 'Client'));
    if (!client) return refused(NO_TRANSFER, noSuchClient());
    const scope = idempotencyScope(caller.viewer.userId, 'transferSubscriptionAdmin', { clientId: input.clientId, userId: input.userId, idempotencyKey: input.idempotencyKey });
    return this.idempotency.once(uow, scope, {
      nothing: NO_TRANSFER,
      run: () => this.transferLocked(uow, caller, client, input),
      remember: (result): StoredTransfer => ({ clientId: result.client!.id, grantedAdministrator: result.grantedAdministrator }),
      replay: async (stored) => ({ client: await uow.repo(Client).findOneByOrFail({ id: stored.clientId }), grantedAdministrator: stored.grantedAdministrator, userErrors: [] }),
    });
  }

  /** `transfer` once the client row is locked and the call is known to be a first one. */
  private async transferLocked(uow: UnitOfWork, caller: Caller, client: Client, input: TransferInput): Promise<TransferResult> {
    const { viewer } = caller;
    const today = osloToday(this.clock);
    const [accesses, relationships] = await Promise.all([accessesOf(uow.manager, client.id), relationshipsOf(uow.manager, client.id)]);
    const own = accesses.find((a) => a.userId === viewer.userId);
    let allowed =
      this.visibility.administratorWhoMayChange(viewer, client, accesses, today) !== null ||
      (client.partnerId !== null && viewer.hasRight(client.partnerId, PartnerRight.CLIENT_ADMIN)) ||
      (own !== undefined && own.userId === client.subscriptionAdminUserId && isAccessActive(own, client.subscriptionAdminUserId, today));
    let forEnding: string | null = null;
    if (!allowed) {
      const pending = relationships.find((r) => r.status === RelationshipStatus.ENDED && viewer.hasRight(r.partnerId, PartnerRight.ARCHIVE));
      if (pending) {
        if (linkedSinceEnding(pending, client, relationships)) {
          return refused(NO_TRANSFER, refusal(UserErrorCode.CLIENT_LINKED_ELSEWHERE, 'The client has been linked to a partner since this ending; its new partner or its own administrators hand the role over now.'));
        }
        if (pending.generationDate !== null && pending.generationDate <= today) {
          return refused(NO_TRANSFER, refusal(UserErrorCode.GENERATION_DATE_PASSED, 'The generation date has come; the client\'s administrators can hand the role over now.'));
        }
        allowed = true;
        forEnding = pending.id;
      }
    }
    if (!allowed) {
      const message =
        "Handing over the subscription-administrator role needs CLIENT_ADMIN in the linked partner, ARCHIVE in the ending partner, to be the client's administrator, or to hold the role.";
      return refused(NO_TRANSFER, await this.visibility.refusal(uow.manager, viewer, client, today, message));
    }

    const userId = localIdOf(input.userId, 'User');
    if (!userId) return refused(NO_TRANSFER, refusal(UserErrorCode.NOT_FOUND, 'No such user.', ['input', 'userId']));
    const next = accesses.find((a) => a.userId === userId);
    const problem = subscriptionAdminProblem(next, client, today, null);
    if (problem) return refused(NO_TRANSFER, refusal(UserErrorCode.INVALID_SUBSCRIPTION_ADMIN, problem, ['input', 'userId']));

    const { grantedAdministrator } = await this.handOver(uow, caller, client, accesses, next!, forEnding);
    return { client, grantedAdministrator, userErrors: [] };
  }

  /**
   * E6: the users who could take the role by a handover from the archive — the same check `transfer` makes — for a
   * user with ARCHIVE in the partner of a pending ending, until its generation date and while the client has not been
   * linked since (E14), so the archive's dialog can offer them. Empty otherwise. Read through `manager`.
   */
  async candidatesFromArchive(reads: CandidateReads, viewer: Viewer, relationship: CustomerRelationship, today: string): Promise<User[]> {
    if (relationship.status !== RelationshipStatus.ENDED || !viewer.hasRight(relationship.partnerId, PartnerRight.ARCHIVE)) return [];
    if (relationship.generationDate !== null && relationship.generationDate <= today) return [];
    const client = await reads.client(relationship.clientId);
    if (!client) return [];
    const [accesses, relationships] = await Promise.all([reads.accesses(client.id), reads.relationships(client.id)]);
    if (linkedSinceEnding(relationship, client, relationships)) return [];
    const ids = accesses.filter((a) => subscriptionAdminProblem(a, client, today, null) === null).map((a) => a.userId);
    const users = ids.length ? await reads.users(ids) : [];
    return users.sort((a, b) => BY_NAME.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/**
 * What `candidatesFromArchive` reads: passed in, so that a page of relationships reads them in batches (the API's
 * loaders) instead of four queries per relationship.
 */
export interface CandidateReads {
  client(id: string): Promise<Client | null>;
  accesses(clientId: string): Promise<ClientAccess[]>;
  relationships(clientId: string): Promise<CustomerRelationship[]>;
  users(ids: string[]): Promise<User[]>;
}

/** Names in the order the database's Danish collation gives them. */
const BY_NAME = new Intl.Collator('da', { sensitivity: 'base' });
