import { SYSTEM_ACTOR, type AuditService } from '../audit/audit.service';
import { ClientAccess } from '../clients/client-access.entity';
import type { Client } from '../clients/client.entity';
import { osloDateOf } from '../common/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import type { CustomerRelationship } from '../relationships/customer-relationship.entity';

export interface DeactivationResult {
  deactivatedUserIds: string[];
  /** Still the client's subscription administrator: stays active until the role is handed over (S4). */
  keptUserIds: string[];
}

/**
 * DESIGN S4: the accesses this ending set a deactivation date on, whose date has come (Europe/Oslo, from the clock),
 * get `deactivatedAt = now` — except the user who is still the client's subscription administrator, who keeps access
 * until the role is handed over (the handover deactivates at once). Runs in the caller's transaction, which holds the
 * client row lock, so a concurrent handover is either fully before or fully after. Running it twice changes nothing
 * the second time (already-deactivated accesses are not selected).
 */
export async function applyDeactivations(
  audit: AuditService,
  uow: UnitOfWork,
  client: Client,
  relationship: CustomerRelationship,
  now: Date,
): Promise<DeactivationResult> {
  const today = osloDateOf(now);
  const due = await uow
    .repo(ClientAccess)
    .createQueryBuilder('access')
    .setLock('pessimistic_write')
    .where('access.client_id = :clientId', { clientId: client.id })
    .andWhere('access.deactivation_relationship_id = :relationshipId', { relationshipId: relationship.id })
    .andWhere('access.deactivated_at IS NULL')
    .andWhere('access.deactivation_date <= :today', { today })
    .orderBy('access.id', 'ASC')
    .getMany();

  const kept = due.filter((a) => a.userId === client.subscriptionAdminUserId);
  const deactivate = due.filter((a) => a.userId !== client.subscriptionAdminUserId);
  if (deactivate.length > 0) {
    await uow
      .repo(ClientAccess)
      .createQueryBuilder()
      .update()
      .set({ deactivatedAt: now })
      .where('id IN (:...ids)', { ids: deactivate.map((a) => a.id) })
      .execute();
  }
  const result = { deactivatedUserIds: deactivate.map((a) => a.userId), keptUserIds: kept.map((a) => a.userId) };
  if (due.length > 0) {
    await audit.record(uow, SYSTEM_ACTOR, {
      action: 'ACCESSES_DEACTIVATED',
      clientId: client.id,
      relationshipId: relationship.id,
      before: { activeUserIds: due.map((a) => a.userId) },
      after: { ...result, date: today },
    });
  }
  return result;
}
