import { IsNull } from 'typeorm';
import type { VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { ClientAccess } from '../clients/client-access.entity';
import { Client } from '../clients/client.entity';
import { Clock, osloMidnight, osloToday } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { noSuchRelationship, Refusal, refusal, refused, UserErrorCode } from '../common/refusals';
import type { UnitOfWork } from '../db/unit-of-work';
import { idempotencyScope, IdempotencyScope, IdempotencyService, OnceSteps } from '../idempotency/idempotency.service';
import { PartnerRight } from '../partners/partner-membership.entity';
import { ScheduledTask, TaskState } from '../tasks/scheduled-task.entity';
import type { TaskTrigger } from '../tasks/task-trigger';
import type { ClientNotices } from '../notifications/client-notices';
import { lockClient } from './client-lock';
import { CustomerRelationship, relationshipsOf, RelationshipStatus } from './customer-relationship.entity';
import { WebhookEventType } from '../integrations/integration.entities';
import type { WebhookEvents } from '../integrations/webhook-events';
import { checkMovedGenerationDate, checkResponsibilityPeriod, dayOfEnding, linkedSinceEnding } from './ending-rules';

export interface UpdateEndingInput {
  relationshipId: string;
  responsibilityFrom?: string | null;
  responsibilityTo?: string | null;
  generationDate?: string | null;
  idempotencyKey?: string | null;
}

export interface CancelEndingInput {
  relationshipId: string;
  idempotencyKey?: string | null;
}

export interface EndingChangeResult {
  relationship: CustomerRelationship | null;
  client: Client | null;
  userErrors: Refusal[];
}

/** What a refused change returns besides its userErrors. */
const NO_CHANGE: Omit<EndingChangeResult, 'userErrors'> = { relationship: null, client: null };

interface StoredChange {
  relationshipId: string;
}

/** A pending ending and its client, the client's row locked. */
interface LockedEnding {
  relationship: CustomerRelationship;
  client: Client;
}

/**
 * A pending ending, changed or cancelled by its partner from the archive before the generation date (DESIGN E7, E12).
 * Both need ARCHIVE in the ending partner, and neither is possible once the client has been linked since (E14).
 */
export class PendingEndingService {
  constructor(
    private readonly clock: Clock,
    private readonly visibility: VisibilityService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly taskTrigger: TaskTrigger,
    private readonly notices: ClientNotices,
    private readonly webhookEvents?: WebhookEvents,
  ) {}

  /**
   * The mutation protocol for a pending ending: finds the relationship, locks its client row first (`lockClient`'s
   * lock order), re-reads the relationship under the lock, then runs `change` once per idempotency key — after
   * checking that the viewer may change the pending ending and that the client has not been linked since (E14).
   */
  private async changePending(
    uow: UnitOfWork,
    caller: Caller,
    relationshipGlobalId: string,
    scope: IdempotencyScope | null,
    change: (locked: LockedEnding) => Promise<EndingChangeResult>,
  ): Promise<EndingChangeResult> {
    const id = localIdOf(relationshipGlobalId, 'CustomerRelationship');
    const found = id ? await uow.repo(CustomerRelationship).findOne({ select: { id: true, clientId: true }, where: { id } }) : null;
    const client = found ? await lockClient(uow.manager, found.clientId) : null;
    const relationship = client ? await uow.repo(CustomerRelationship).findOneBy({ id: found!.id }) : null;
    if (!client || !relationship) return refused(NO_CHANGE, noSuchRelationship());

    const steps: OnceSteps<EndingChangeResult, StoredChange> = {
      nothing: NO_CHANGE,
      run: async () => {
        const refusedChange = await this.refusalToChange(uow, caller, relationship, client);
        return refusedChange ? refused(NO_CHANGE, refusedChange) : change({ relationship, client });
      },
      remember: (result) => ({ relationshipId: result.relationship!.id }),
      replay: async (stored) => ({ relationship: await uow.repo(CustomerRelationship).findOneByOrFail({ id: stored.relationshipId }), client, userErrors: [] }),
    };
    return this.idempotency.once(uow, scope, steps);
  }

  /** Why the viewer may not change this pending ending now (E7, E12, E14, A2), or null. */
  private async refusalToChange(uow: UnitOfWork, caller: Caller, relationship: CustomerRelationship, client: Client): Promise<Refusal | null> {
    const { viewer } = caller;
    const today = osloToday(this.clock);
    if (!viewer.hasRight(relationship.partnerId, PartnerRight.ARCHIVE)) {
      return this.visibility.relationshipRefusal(uow.manager, viewer, relationship, client, today, 'Changing an ended relationship needs the ARCHIVE right in its partner.');
    }
    if (relationship.status === RelationshipStatus.ARCHIVED || (relationship.status === RelationshipStatus.ENDED && relationship.generationDate! <= today)) {
      return refusal(UserErrorCode.GENERATION_DATE_PASSED, 'The generation date has come; the ending can no longer change.');
    }
    if (relationship.status !== RelationshipStatus.ENDED) {
      return refusal(UserErrorCode.NOT_FOUND, 'The relationship has no pending ending.', ['input', 'relationshipId']);
    }
    if (linkedSinceEnding(relationship, client, await relationshipsOf(uow.manager, client.id))) {
      return refusal(UserErrorCode.CLIENT_LINKED_ELSEWHERE, 'The client has been linked to a partner since this ending; the ending can no longer change.', ['input', 'relationshipId']);
    }
    return null;
  }

  /**
   * E7: a new period and/or generation date; a new date moves this ending's deactivation dates and its tasks. The date
   * stays within 366 days of the day of the ending, however often it is moved.
   */
  async update(uow: UnitOfWork, caller: Caller, input: UpdateEndingInput): Promise<EndingChangeResult> {
    const scope = idempotencyScope(caller.viewer.userId, 'updateEndedRelationship', input);
    return this.changePending(uow, caller, input.relationshipId, scope, (locked) => this.updateLocked(uow, caller, locked, input));
  }

  private async updateLocked(uow: UnitOfWork, caller: Caller, { relationship, client }: LockedEnding, input: UpdateEndingInput): Promise<EndingChangeResult> {
    const today = osloToday(this.clock);

    const from = input.responsibilityFrom ?? relationship.responsibilityFrom!;
    const to = input.responsibilityTo ?? relationship.responsibilityTo!;
    const generationDate = input.generationDate ?? relationship.generationDate!;
    const dateMoves = generationDate !== relationship.generationDate;
    const errors = [...checkResponsibilityPeriod(from, to, generationDate), ...(dateMoves ? checkMovedGenerationDate(generationDate, today, dayOfEnding(relationship)) : [])];
    if (errors.length > 0) return refused(NO_CHANGE, ...errors);

    const before = { responsibilityFrom: relationship.responsibilityFrom, responsibilityTo: relationship.responsibilityTo, generationDate: relationship.generationDate };
    const after = { responsibilityFrom: from, responsibilityTo: to, generationDate };
    await uow.repo(CustomerRelationship).update({ id: relationship.id }, after);
    Object.assign(relationship, after);

    if (dateMoves) {
      await uow
        .repo(ClientAccess)
        .update({ deactivationRelationshipId: relationship.id, deactivatedAt: IsNull() }, { deactivationDate: generationDate });
      await uow.repo(ScheduledTask).update({ relationshipId: relationship.id, state: TaskState.SCHEDULED }, { dueAt: osloMidnight(generationDate) });
      const tasks = await uow.repo(ScheduledTask).findBy({ relationshipId: relationship.id });
      uow.onCommit(() => this.taskTrigger.sync(tasks));
    }
    await this.audit.record(uow, caller.actor, { action: 'RELATIONSHIP_ENDING_UPDATED', clientId: client.id, relationshipId: relationship.id, before, after });
    await this.notices.endingChanged(uow, client, relationship, caller.viewer.userId, today, 'updated');
    await this.webhookEvents?.relationship(uow, WebhookEventType.RELATIONSHIP_UPDATED, relationship, client);
    return { relationship, client, userErrors: [] };
  }

  /**
   * E12: cancels a pending ending. The relationship row becomes CANCELLED (kept as history), the partner code comes
   * back and a new ACTIVE row carries the partnership on from its original start. Deactivation dates this ending set
   * are removed and its tasks cancelled. A client linked to a partner since the ending is refused (E14), so
   * a cancel never gives the partner's users their access back on a client that belongs elsewhere. Not undone: a
   * subscription-administrator handover and removed extensions (both were separate, deliberate choices).
   */
  async cancel(uow: UnitOfWork, caller: Caller, input: CancelEndingInput): Promise<EndingChangeResult> {
    const scope = idempotencyScope(caller.viewer.userId, 'cancelRelationshipEnd', input);
    return this.changePending(uow, caller, input.relationshipId, scope, (locked) => this.cancelLocked(uow, caller, locked));
  }

  private async cancelLocked(uow: UnitOfWork, caller: Caller, { relationship, client }: LockedEnding): Promise<EndingChangeResult> {
    const now = this.clock.now();

    const before = { status: relationship.status, clientPartnerId: client.partnerId, generationDate: relationship.generationDate };
    await uow.repo(CustomerRelationship).update({ id: relationship.id }, { status: RelationshipStatus.CANCELLED, cancelledAt: now });
    Object.assign(relationship, { status: RelationshipStatus.CANCELLED, cancelledAt: now });

    // Always true here: `refusalToChange` refuses a client that has a partner (E14). Checked anyway, so a cancel never takes a
    // client from a partner it has now.
    const relinked = client.partnerId === null;
    if (relinked) {
      client.partnerId = relationship.partnerId;
      client.partnerSince = relationship.partnerPeriodStart;
      await uow.repo(Client).update({ id: client.id }, { partnerId: client.partnerId, partnerSince: client.partnerSince });
      await uow
        .repo(CustomerRelationship)
        .createQueryBuilder()
        .insert()
        .values({ clientId: client.id, partnerId: relationship.partnerId, status: RelationshipStatus.ACTIVE, partnerPeriodStart: relationship.partnerPeriodStart })
        .updateEntity(false)
        .execute();
    }

    const restored = await uow.repo(ClientAccess).find({ select: { id: true, userId: true }, where: { deactivationRelationshipId: relationship.id, deactivatedAt: IsNull() } });
    if (restored.length > 0) {
      await uow.repo(ClientAccess).update({ deactivationRelationshipId: relationship.id, deactivatedAt: IsNull() }, { deactivationDate: null, deactivationRelationshipId: null });
    }
    await uow.repo(ScheduledTask).update({ relationshipId: relationship.id, state: TaskState.SCHEDULED }, { state: TaskState.CANCELLED, finishedAt: now });
    const tasks = await uow.repo(ScheduledTask).findBy({ relationshipId: relationship.id });
    uow.onCommit(() => this.taskTrigger.sync(tasks));

    await this.audit.record(uow, caller.actor, {
      action: 'RELATIONSHIP_END_CANCELLED',
      clientId: client.id,
      relationshipId: relationship.id,
      before,
      after: { status: RelationshipStatus.CANCELLED, clientPartnerId: client.partnerId, partnerCodeRestored: relinked, restoredUserIds: restored.map((a) => a.userId) },
    });
    await this.notices.endingChanged(uow, client, relationship, caller.viewer.userId, osloToday(this.clock), 'cancelled');
    await this.webhookEvents?.relationship(uow, WebhookEventType.RELATIONSHIP_CANCELLED, relationship, client);
    return { relationship, client, userErrors: [] };
  }
}
