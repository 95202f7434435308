import type { Clock } from '../common/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import { AuditData, AuditEvent } from './audit-event.entity';

/** Who acts: a user under a request, or the system (a scheduled task, an import). */
export interface Actor {
  userId: string | null;
  requestId: string | null;
  /** The API key the user (`apikey:<id>`) acts through; absent for a person and the system. */
  apiKeyId?: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, requestId: null };

export interface AuditEntry {
  action: string;
  clientId?: string | null;
  relationshipId?: string | null;
  before?: AuditData | null;
  after?: AuditData | null;
}

/** Writes audit events in the caller's transaction (DESIGN A4). */
export class AuditService {
  constructor(private readonly clock: Clock) {}

  async record(uow: UnitOfWork, actor: Actor, entry: AuditEntry): Promise<void> {
    await uow.repo(AuditEvent).insert({
      action: entry.action,
      clientId: entry.clientId ?? null,
      relationshipId: entry.relationshipId ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
      actorUserId: actor.userId,
      apiKeyId: actor.apiKeyId ?? null,
      requestId: actor.requestId,
      createdAt: this.clock.now(),
    });
  }
}
