import { DateTime } from 'luxon';
import { In, type DataSource } from 'typeorm';
import { Client } from '../clients/client.entity';
import type { Logger } from '../common/logger';
import { runInTransaction } from '../db/unit-of-work';
import { firstDeletionDay, MINIMUM_RETENTION_YEARS } from '../ledger/fiscal-years';
import type { ClientNotices } from '../notifications/client-notices';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';

/** What the expiry notices need. */
export interface ExpiryNoticeDeps {
  dataSource: DataSource;
  notices: ClientNotices;
  logger: Logger;
}

/**
 * ARCHIVE_EXPIRING (DESIGN S5, S11): tells the administrators of each client whose archive folder (a relationship's
 * fiscal year) the yearly retention will delete within `noticeDays` of `today` (a Europe/Oslo date) — once per folder
 * and deletion day, however often it runs (the notices' dedupe key). Nothing is said for a client on legal hold. Run
 * daily by the workers; idempotent.
 */
export async function notifyExpiringArchives(deps: ExpiryNoticeDeps, today: string, noticeDays: number): Promise<{ notified: number }> {
  const { dataSource, notices, logger } = deps;
  const horizon = DateTime.fromISO(today, { zone: 'UTC' }).plus({ days: noticeDays }).toISODate()!;
  // Nothing younger than the minimum retention can be due by the horizon; the client's own years are checked below.
  const candidateBefore = DateTime.fromISO(horizon, { zone: 'UTC' }).minus({ years: MINIMUM_RETENTION_YEARS }).toISODate()!;
  const rows: Array<{ relationship_id: string; client_id: string; fiscal_year: number; fiscal_year_end: string; retention_years: number; documents: number }> = await dataSource.query(
    `SELECT d.relationship_id, d.client_id, d.fiscal_year, MAX(d.fiscal_year_end) AS fiscal_year_end, c.retention_years, COUNT(*) AS documents
       FROM archive_documents d JOIN clients c ON c.id = d.client_id
      WHERE d.fiscal_year_end < ? AND c.legal_hold = 0
      GROUP BY d.relationship_id, d.client_id, d.fiscal_year, c.retention_years ORDER BY d.relationship_id, d.fiscal_year`,
    [candidateBefore],
  );
  const due = rows
    .map((r) => ({ ...r, deleteAfter: firstDeletionDay(String(r.fiscal_year_end), Number(r.retention_years)) }))
    .filter((r) => r.deleteAfter > today && r.deleteAfter <= horizon);
  if (due.length === 0) return { notified: 0 };
  const [clients, relationships] = await Promise.all([
    dataSource.getRepository(Client).findBy({ id: In([...new Set(due.map((r) => r.client_id))]) }),
    dataSource.getRepository(CustomerRelationship).findBy({ id: In([...new Set(due.map((r) => String(r.relationship_id)))]) }),
  ]);
  const clientById = new Map(clients.map((c) => [c.id, c]));
  const relationshipById = new Map(relationships.map((r) => [String(r.id), r]));
  let notified = 0;
  for (const folder of due) {
    const client = clientById.get(folder.client_id);
    const relationship = relationshipById.get(String(folder.relationship_id));
    if (!client || !relationship) continue;
    notified += await runInTransaction(
      dataSource,
      (uow) => notices.archiveExpiring(uow, client, relationship, Number(folder.fiscal_year), Number(folder.documents), folder.deleteAfter, today),
      { logger },
    );
  }
  if (notified > 0) logger.info({ notified, today }, 'archive expiry notices written');
  return { notified };
}
