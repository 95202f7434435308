import { In } from 'typeorm';
import { ARCHIVE_STATUSES, type VisibilityService } from '../access/visibility.service';
import type { Caller } from '../auth/caller';
import { Client } from '../clients/client.entity';
import { Clock, osloToday } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { Refusal, refusal, refused, UserErrorCode } from '../common/refusals';
import type { UnitOfWork } from '../db/unit-of-work';
import { idempotencyScope, IdempotencyService } from '../idempotency/idempotency.service';
import { PartnerRight } from '../partners/partner-membership.entity';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ArchiveExport, ArchiveExportRelationship, ArchiveExportState } from './archive-export.entity';
import type { ExportTrigger } from './export-trigger';

/** Relationships one export takes. */
export const MAX_EXPORT_RELATIONSHIPS = 500;

export interface CreateExportInput {
  relationshipIds: string[];
  idempotencyKey?: string | null;
}

export interface CreateExportResult {
  export: ArchiveExport | null;
  userErrors: Refusal[];
}

const NO_EXPORT: Omit<CreateExportResult, 'userErrors'> = { export: null };

/**
 * Many archive folders out as one ZIP (DESIGN S9): `create` writes the export's row and its relationships, and queues
 * the build after commit; `export-runner.ts` builds it in a worker.
 */
export class ArchiveExportService {
  constructor(
    private readonly clock: Clock,
    private readonly visibility: VisibilityService,
    private readonly idempotency: IdempotencyService,
    private readonly exportTrigger: ExportTrigger,
  ) {}

  /**
   * 1..500 ended relationships of partners in which the viewer has ARCHIVE, each once (a repeated id counts once), in
   * the order given. A bad id refuses the call with a `userErrors` entry pointing at it (`["input", "relationshipIds",
   * "7"]`). Only rows are written here — no client is changed, so no client is locked; two calls with one idempotency
   * key are kept apart by the records' unique key, and the second replays the first (E10).
   */
  async create(uow: UnitOfWork, caller: Caller, input: CreateExportInput): Promise<CreateExportResult> {
    if (input.relationshipIds.length > MAX_EXPORT_RELATIONSHIPS) {
      return refused(NO_EXPORT, refusal(UserErrorCode.TOO_MANY_ITEMS, `One export takes at most ${MAX_EXPORT_RELATIONSHIPS} relationships; this one has ${input.relationshipIds.length}.`, ['input', 'relationshipIds']));
    }
    const scope = idempotencyScope(caller.viewer.userId, 'createArchiveExport', input);
    return this.idempotency.once(uow, scope, {
      nothing: NO_EXPORT,
      run: () => this.createExport(uow, caller, input.relationshipIds),
      remember: (result) => ({ exportId: result.export!.id }),
      replay: async (stored: { exportId: string }) => ({ export: await uow.repo(ArchiveExport).findOneBy({ id: stored.exportId }), userErrors: [] }),
    });
  }

  private async createExport(uow: UnitOfWork, caller: Caller, globalIds: string[]): Promise<CreateExportResult> {
    const { viewer } = caller;
    const ids = globalIds.map((id) => localIdOf(id, 'CustomerRelationship'));
    const known = [...new Set(ids.filter((id): id is string => id !== null && /^\d{1,20}$/.test(id)))];
    const relationships = new Map((known.length ? await uow.repo(CustomerRelationship).findBy({ id: In(known) }) : []).map((r) => [r.id, r]));
    const today = osloToday(this.clock);
    const errors: Refusal[] = [];
    const chosen: string[] = [];
    for (const [i, id] of ids.entries()) {
      const field = ['input', 'relationshipIds', String(i)];
      const relationship = id ? relationships.get(id) : undefined;
      if (!relationship) {
        errors.push(refusal(UserErrorCode.NOT_FOUND, 'No such relationship.', field));
      } else if (!viewer.hasRight(relationship.partnerId, PartnerRight.ARCHIVE)) {
        const client = await uow.repo(Client).findOneByOrFail({ id: relationship.clientId });
        const why = await this.visibility.relationshipRefusal(uow.manager, viewer, relationship, client, today, "Exporting an archive folder needs the ARCHIVE right in the relationship's partner.");
        errors.push({ ...why, field });
      } else if (!ARCHIVE_STATUSES.includes(relationship.status)) {
        errors.push(refusal(UserErrorCode.NOT_FOUND, 'The relationship has not been ended, so it has no archive folder.', field));
      } else if (!chosen.includes(relationship.id)) {
        chosen.push(relationship.id);
      }
    }
    if (errors.length > 0) return refused(NO_EXPORT, ...errors);

    const now = this.clock.now();
    const inserted = await uow
      .repo(ArchiveExport)
      .createQueryBuilder()
      .insert()
      .values({ requestedByUserId: viewer.userId, state: ArchiveExportState.QUEUED, relationshipCount: chosen.length, progress: 0, attempts: 0, createdAt: now })
      .updateEntity(false)
      .execute();
    const exportId = String(inserted.raw.insertId);
    await uow
      .repo(ArchiveExportRelationship)
      .createQueryBuilder()
      .insert()
      .values(chosen.map((relationshipId, position) => ({ exportId, relationshipId, position })))
      .updateEntity(false)
      .execute();
    uow.onCommit(() => this.exportTrigger.queued([exportId]));
    return { export: await uow.repo(ArchiveExport).findOneByOrFail({ id: exportId }), userErrors: [] };
  }
}
