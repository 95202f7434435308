import { In, IsNull } from 'typeorm';
import { ArchiveDocument } from '../archive/archive-document.entity';
import { ClientAccess } from '../clients/client-access.entity';
import type { Client } from '../clients/client.entity';
import type { UnitOfWork } from '../db/unit-of-work';
import { archiveUsersOf, clientAudience } from '../notifications/client-notices';
import type { EmailTrigger } from '../notifications/email-trigger';
import { NotificationKind } from '../notifications/notification.entity';
import { Partner } from '../partners/partner.entity';
import type { CustomerRelationship } from '../relationships/customer-relationship.entity';

/** One archived relationship whose client and partner's archive users hear that the data is in. */
export interface ArchivedRelationship {
  client: Client;
  relationship: CustomerRelationship;
}

/** Up to `max` names, then how many more (as `ClientNotices` lists them). */
function listed(names: string[], max: number): string {
  if (names.length === 0) return 'nobody';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * `ClientNotices.archiveGenerated` for many relationships at once (DESIGN S11), with the same audience, message and
 * dedupe key per relationship: each fact is read once for the whole batch (the clients' accesses, the partners and
 * their ARCHIVE users, the folders' documents) and the notices are written by one multi-row INSERT IGNORE, so a notice
 * already written for a user (the unique user + dedupe key) is left out. Their e-mails are queued after commit (S6).
 * Runs in the caller's transaction, after the deactivations, as the single path does.
 */
export async function notifyArchivesGenerated(uow: UnitOfWork, emailTrigger: EmailTrigger, archived: ArchivedRelationship[], today: string, now: Date): Promise<void> {
  if (archived.length === 0) return;
  const clientIds = [...new Set(archived.map((a) => a.client.id))];
  const relationshipIds = archived.map((a) => a.relationship.id);
  const partnerIds = [...new Set(archived.map((a) => a.relationship.partnerId))];
  const [accesses, documents, partners, archiveUsers] = await Promise.all([
    // Only the client's own users can be in its audience (`clientAudience`): the partner's accesses are not read.
    uow.repo(ClientAccess).findBy({ clientId: In(clientIds), viaPartnerId: IsNull() }),
    uow.repo(ArchiveDocument).find({
      select: { relationshipId: true, fiscalYear: true, fileName: true },
      where: { relationshipId: In(relationshipIds) },
      order: { fiscalYear: 'ASC', fileName: 'ASC' },
    }),
    uow.repo(Partner).findBy({ id: In(partnerIds) }),
    Promise.all(partnerIds.map(async (id) => [id, await archiveUsersOf(uow.manager, id)] as const)),
  ]);
  const accessesOf = groupBy(accesses, (a) => a.clientId);
  const documentsOf = groupBy(documents, (d) => String(d.relationshipId));
  const partnerOf = new Map(partners.map((p) => [p.id, p]));
  const archiveUsersOfPartner = new Map(archiveUsers);

  const rows: unknown[][] = [];
  for (const { client, relationship } of archived) {
    const audience = [...new Set([...clientAudience(client, accessesOf.get(client.id) ?? [], today), ...(archiveUsersOfPartner.get(relationship.partnerId) ?? [])])].sort();
    if (audience.length === 0) continue;
    const docs = documentsOf.get(String(relationship.id)) ?? [];
    const name = relationship.clientName ?? client.name;
    const files = listed(docs.map((d) => `${d.fiscalYear}/${d.fileName}`), 12);
    const text =
      `The mandatory accounting data of ${name} (${relationship.clientOrganizationNumber ?? client.organizationNumber}) for ${relationship.responsibilityFrom}–${relationship.responsibilityTo}, ` +
      `kept by ${partnerOf.get(relationship.partnerId)?.name ?? 'the partner'}, is in the archive: ${docs.length} document(s): ${files}.`;
    const message = text.length > 1000 ? `${text.slice(0, 999)}…` : text;
    for (const userId of audience) rows.push([userId, NotificationKind.ARCHIVE_GENERATED, message, client.id, now, `archive-generated:${relationship.id}`]);
  }
  if (rows.length === 0) return;
  await uow.manager.query(
    `INSERT IGNORE INTO notifications (user_id, kind, message, client_id, created_at, read_at, email_sent_at, dedupe_key) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, NULL, NULL, ?)').join(', ')}`,
    rows.flat(),
  );
  // The rows of these notices whose e-mail is not sent: the ones just written (and any a crash left unsent, which the
  // sweeper would queue anyway; a job that exists is never doubled).
  const wanted = new Set(rows.map((r) => `${r[0]}\u0000${r[5]}`));
  const written: Array<{ id: string; userId: string; dedupeKey: string }> = await uow.manager.query(
    'SELECT id, user_id AS userId, dedupe_key AS dedupeKey FROM notifications WHERE dedupe_key IN (?) AND email_sent_at IS NULL ORDER BY id',
    [[...new Set(rows.map((r) => r[5]))]],
  );
  const ids = written.filter((n) => wanted.has(`${n.userId}\u0000${n.dedupeKey}`)).map((n) => String(n.id));
  if (ids.length > 0) uow.onCommit(() => emailTrigger.sync(ids));
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
