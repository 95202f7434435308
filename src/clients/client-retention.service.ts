import { ClientAdministrator } from '../access/access-rules';
import type { VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { Clock, osloToday } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { noSuchClient, Refusal, refusal, refused, UserErrorCode } from '../common/refusals';
import type { UnitOfWork } from '../db/unit-of-work';
import { idempotencyScope, IdempotencyService } from '../idempotency/idempotency.service';
import { MINIMUM_RETENTION_YEARS } from '../ledger/fiscal-years';
import { PartnerRight } from '../partners/partner-membership.entity';
import { lockClient } from '../relationships/client-lock';
import { accessesOf } from './client-access.entity';
import { Client } from './client.entity';

/** The longest retention a client may set: a century is beyond any duty and keeps the column's range. */
export const MAXIMUM_RETENTION_YEARS = 100;

export interface UpdateRetentionInput {
  clientId: string;
  retentionYears?: number | null;
  legalHold?: boolean | null;
  idempotencyKey?: string | null;
}

export interface UpdateRetentionResult {
  client: Client | null;
  userErrors: Refusal[];
}

const NOT_UPDATED: Omit<UpdateRetentionResult, 'userErrors'> = { client: null };

/**
 * S5: how long a client's archive is kept, and a legal hold that stops its deletion. Set by the client's own
 * administrators and by CLIENT_ADMIN users of the partner the client is linked to now — the client carries the duty to
 * keep its archive, not a partner that has left (A5, E14). Audited; with an idempotency key like every mutation (E10).
 */
export class ClientRetentionService {
  constructor(
    private readonly clock: Clock,
    private readonly visibility: VisibilityService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  async update(uow: UnitOfWork, caller: Caller, input: UpdateRetentionInput): Promise<UpdateRetentionResult> {
    const client = await lockClient(uow.manager, localIdOf(input.clientId, 'Client'));
    if (!client) return refused(NOT_UPDATED, noSuchClient());
    return this.idempotency.once(uow, idempotencyScope(caller.viewer.userId, 'updateClientRetention', input), {
      nothing: NOT_UPDATED,
      run: () => this.updateLocked(uow, caller, client, input),
      remember: () => ({ clientId: client.id }),
      replay: async (stored) => ({ client: await uow.repo(Client).findOneBy({ id: stored.clientId }), userErrors: [] }),
    });
  }

  private async updateLocked(uow: UnitOfWork, caller: Caller, client: Client, input: UpdateRetentionInput): Promise<UpdateRetentionResult> {
    const { viewer } = caller;
    const today = osloToday(this.clock);
    const linkedAdmin = client.partnerId !== null && viewer.hasRight(client.partnerId, PartnerRight.CLIENT_ADMIN);
    if (!linkedAdmin) {
      const accesses = await accessesOf(uow.manager, client.id);
      if (this.visibility.administratorWhoMayChange(viewer, client, accesses, today) !== ClientAdministrator.OWN) {
        return refused(
          NOT_UPDATED,
          await this.visibility.refusal(uow.manager, viewer, client, today, "Setting the retention needs to be one of the client's own administrators, or CLIENT_ADMIN in its partner."),
        );
      }
    }
    const years = input.retentionYears;
    if (years != null && (!Number.isInteger(years) || years < MINIMUM_RETENTION_YEARS || years > MAXIMUM_RETENTION_YEARS)) {
      return refused(
        NOT_UPDATED,
        refusal(UserErrorCode.INVALID_RETENTION, `The archive is kept ${MINIMUM_RETENTION_YEARS} to ${MAXIMUM_RETENTION_YEARS} years after each fiscal year (got ${years}).`, ['input', 'retentionYears']),
      );
    }
    const before = { retentionYears: client.retentionYears, legalHold: client.legalHold };
    const after = { retentionYears: years ?? client.retentionYears, legalHold: input.legalHold ?? client.legalHold };
    if (after.retentionYears !== before.retentionYears || after.legalHold !== before.legalHold) {
      await uow.repo(Client).update({ id: client.id }, after);
      Object.assign(client, after);
      await this.audit.record(uow, caller.actor, { action: 'CLIENT_RETENTION_UPDATED', clientId: client.id, before, after });
    }
    return { client, userErrors: [] };
  }
}
