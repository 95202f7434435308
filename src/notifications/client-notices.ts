import { EntityManager, In } from 'typeorm';
import { isAccessActive } from '../access/access-rules';
import { ArchiveDocument } from '../archive/archive-document.entity';
import { ClientAccess, ClientRole } from '../clients/client-access.entity';
import type { Client } from '../clients/client.entity';
import type { Statement } from '../db/statements';
import type { UnitOfWork } from '../db/unit-of-work';
import { PartnerMembership, PartnerRight } from '../partners/partner-membership.entity';
import { Partner } from '../partners/partner.entity';
import type { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { User } from '../users/user.entity';
import { NotificationKind } from './notification.entity';
import type { NotificationDraft, NotificationService } from './notification.service';

/**
 * Who hears about a client's side of an ending (DESIGN S6, S11): its subscription administrator and its own
 * administrators (ADMINISTRATOR through no partner) whose access is active today. The subscription administrator is
 * told even when it is a departing partner user: until the role is handed over, the notices are theirs.
 */
export function clientAudience(client: Pick<Client, 'subscriptionAdminUserId'>, accesses: ClientAccess[], today: string): string[] {
  const ids = new Set<string>();
  if (client.subscriptionAdminUserId) ids.add(client.subscriptionAdminUserId);
  for (const a of accesses) {
    if (a.viaPartnerId === null && a.roles.includes(ClientRole.ADMINISTRATOR) && isAccessActive(a, client.subscriptionAdminUserId, today)) ids.add(a.userId);
  }
  return [...ids].sort();
}

/** The members of a partner with ARCHIVE: who runs its archive (DESIGN S11). */
export async function archiveUsersOf(manager: EntityManager, partnerId: string): Promise<string[]> {
  const memberships = await manager.getRepository(PartnerMembership).find({ select: { userId: true, rights: true }, where: { partnerId } });
  return memberships.filter((m) => m.rights.includes(PartnerRight.ARCHIVE)).map((m) => m.userId).sort();
}

/** Up to `max` names, then how many more. */
function listed(names: string[], max = 8): string {
  if (names.length === 0) return 'nobody';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** What an ending tells the client (`relationshipEnded`). */
export interface EndingFacts {
  client: Client;
  relationship: CustomerRelationship;
  /** The client's accesses as they are after the ending (the deactivation dates set). */
  accesses: ClientAccess[];
  /** The accesses the ending dated. */
  deactivations: ClientAccess[];
  endedByUserId: string;
  today: string;
}

/**
 * The notices of the client's side and of the archive (DESIGN S11): each written in the transaction of the change it
 * reports, or — for work that may run twice — with a key that lets each user be told once.
 */
export class ClientNotices {
  constructor(private readonly notifications: NotificationService) {}

  /** RELATIONSHIP_ENDED to the client's audience: who ended it, the period, the generation date, what happens then to whom. */
  async relationshipEnded(uow: UnitOfWork, facts: EndingFacts): Promise<void> {
    const { client, relationship, accesses, deactivations, today } = facts;
    if (clientAudience(client, accesses, today).length === 0) return;
    const userIds = [...new Set([facts.endedByUserId, ...deactivations.map((a) => a.userId)])];
    const [partner, users] = await Promise.all([
      uow.repo(Partner).findOneBy({ id: relationship.partnerId }),
      uow.repo(User).find({ select: { id: true, name: true }, where: { id: In(userIds) } }),
    ]);
    const inserted = await uow.batch(...this.relationshipEndedWrites(facts, partner?.name ?? null, new Map(users.map((u) => [u.id, u.name]))));
    this.notifications.written(uow, inserted);
  }

  /**
   * `relationshipEnded` for an ending that has read the partner's name and the users' names already and sends its
   * writes in one batch: the notices' INSERTs; their results then go to `written`.
   */
  relationshipEndedWrites(facts: EndingFacts, partnerName: string | null, nameOf: Map<string, string>): Array<Statement<string | null>> {
    const { client, relationship, accesses, deactivations, today } = facts;
    const audience = clientAudience(client, accesses, today);
    if (audience.length === 0) return [];
    const partner = partnerName ?? 'The partner';
    const losing = deactivations.filter((a) => a.userId !== client.subscriptionAdminUserId).map((a) => nameOf.get(a.userId) ?? a.userId);
    const holderLeaves = deactivations.some((a) => a.userId === client.subscriptionAdminUserId);
    const message =
      `${partner} has ended its customer relationship with ${client.name} (${client.organizationNumber}); ended by ${nameOf.get(facts.endedByUserId) ?? 'a partner user'} on ${today}. ` +
      `Responsibility period: ${relationship.responsibilityFrom}–${relationship.responsibilityTo}. ` +
      `On ${relationship.generationDate} the mandatory accounting data for that period is generated into the archive, where the client's administrators can read and download it, ` +
      `and the partner's users lose access to the client: ${listed(losing)}.` +
      (holderLeaves
        ? ` The subscription administrator (${nameOf.get(client.subscriptionAdminUserId!) ?? 'a partner user'}) is one of them: the role stays with that user, whose access is kept for it alone, until it is handed over.`
        : '');
    return this.notifications.writing(
      audience.map((userId): NotificationDraft => ({ userId, kind: NotificationKind.RELATIONSHIP_ENDED, message, clientId: client.id, dedupeKey: `relationship-ended:${relationship.id}` })),
    );
  }

  /** Queues the e-mails of notices written by a batch (`relationshipEndedWrites`) after commit; their ids. */
  written(uow: UnitOfWork, inserted: Array<string | null>): string[] {
    return this.notifications.written(uow, inserted);
  }

  /** RELATIONSHIP_ENDING_CHANGED to the client's audience: a pending ending changed (update) or cancelled. */
  async endingChanged(uow: UnitOfWork, client: Client, relationship: CustomerRelationship, byUserId: string, today: string, change: 'updated' | 'cancelled'): Promise<void> {
    const accesses = await uow.repo(ClientAccess).findBy({ clientId: client.id });
    const audience = clientAudience(client, accesses, today);
    if (audience.length === 0) return;
    const [partner, by] = await Promise.all([uow.repo(Partner).findOneBy({ id: relationship.partnerId }), uow.repo(User).findOneBy({ id: byUserId })]);
    const partnerName = partner?.name ?? 'The partner';
    const message =
      change === 'cancelled'
        ? `${partnerName} has cancelled the ending of its customer relationship with ${client.name} (${client.organizationNumber}) (by ${by?.name ?? 'a partner user'}): it keeps the client, its users keep their access, and nothing is generated.`
        : `${partnerName} has changed the pending ending of its customer relationship with ${client.name} (${client.organizationNumber}) (by ${by?.name ?? 'a partner user'}): responsibility period ${relationship.responsibilityFrom}–${relationship.responsibilityTo}, generation date ${relationship.generationDate}, when the data is archived and the partner's users lose access.`;
    await this.notifications.notify(uow, ...audience.map((userId): NotificationDraft => ({ userId, kind: NotificationKind.RELATIONSHIP_ENDING_CHANGED, message, clientId: client.id })));
  }

  /** ARCHIVE_GENERATED, with the folder's documents, to the client's audience and the ending partner's ARCHIVE users. */
  async archiveGenerated(uow: UnitOfWork, client: Client, relationship: CustomerRelationship, today: string): Promise<void> {
    const [accesses, archiveUsers, documents, partner] = await Promise.all([
      uow.repo(ClientAccess).findBy({ clientId: client.id }),
      archiveUsersOf(uow.manager, relationship.partnerId),
      uow.repo(ArchiveDocument).find({ select: { fiscalYear: true, fileName: true }, where: { relationshipId: relationship.id }, order: { fiscalYear: 'ASC', fileName: 'ASC' } }),
      uow.repo(Partner).findOneBy({ id: relationship.partnerId }),
    ]);
    const audience = [...new Set([...clientAudience(client, accesses, today), ...archiveUsers])].sort();
    if (audience.length === 0) return;
    const name = relationship.clientName ?? client.name;
    const files = listed(documents.map((d) => `${d.fiscalYear}/${d.fileName}`), 12);
    const message =
      `The mandatory accounting data of ${name} (${relationship.clientOrganizationNumber ?? client.organizationNumber}) for ${relationship.responsibilityFrom}–${relationship.responsibilityTo}, ` +
      `kept by ${partner?.name ?? 'the partner'}, is in the archive: ${documents.length} document(s): ${files}.`;
    await this.notifications.notify(
      uow,
      ...audience.map((userId): NotificationDraft => ({ userId, kind: NotificationKind.ARCHIVE_GENERATED, message, clientId: client.id, dedupeKey: `archive-generated:${relationship.id}` })),
    );
  }

  /**
   * ARCHIVE_GENERATION_FAILED to the ending partner's ARCHIVE users, once generation has failed its last try: the
   * public error and how an operator runs it again. `attemptKey` tells one series of tries from the next (after a retry).
   */
  async generationFailed(uow: UnitOfWork, relationship: CustomerRelationship, taskId: string, attemptKey: string, error: string): Promise<void> {
    const audience = await archiveUsersOf(uow.manager, relationship.partnerId);
    if (audience.length === 0) return;
    const message =
      `Generating the mandatory accounting data of ${relationship.clientName ?? 'a client'} (${relationship.clientOrganizationNumber ?? relationship.clientId}) failed after its last retry: ${error} ` +
      `Once the cause is fixed, an operator runs it again with \`npm run cli -- tasks retry ${taskId}\`.`;
    await this.notifications.notify(
      uow,
      ...audience.map((userId): NotificationDraft => ({
        userId,
        kind: NotificationKind.ARCHIVE_GENERATION_FAILED,
        message,
        clientId: relationship.clientId,
        dedupeKey: `generation-failed:${taskId}:${attemptKey}`,
      })),
    );
  }

  /** ARCHIVE_EXPIRING to the client's audience: a folder the yearly job will delete on `deleteAfter`. */
  async archiveExpiring(uow: UnitOfWork, client: Client, relationship: CustomerRelationship, fiscalYear: number, documents: number, deleteAfter: string, today: string): Promise<number> {
    const accesses = await uow.repo(ClientAccess).findBy({ clientId: client.id });
    const audience = clientAudience(client, accesses, today);
    if (audience.length === 0) return 0;
    const message =
      `${documents} archive document(s) of ${client.name} (${client.organizationNumber}) for fiscal year ${fiscalYear}, from the relationship ended by a former partner ` +
      `(responsibility period ${relationship.responsibilityFrom}–${relationship.responsibilityTo}), will be deleted by the yearly retention on ${deleteAfter}. ` +
      `Download them before then, or set a longer retention or a legal hold on the client.`;
    const ids = await this.notifications.notify(
      uow,
      ...audience.map((userId): NotificationDraft => ({
        userId,
        kind: NotificationKind.ARCHIVE_EXPIRING,
        message,
        clientId: client.id,
        dedupeKey: `archive-expiring:${relationship.id}:${fiscalYear}:${deleteAfter}`,
      })),
    );
    return ids.length;
  }
}
