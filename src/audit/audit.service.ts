import type { Clock } from '../common/clock';
import { Statement, write } from '../db/statements';
import type { UnitOfWork } from '../db/unit-of-work';
import type { AuditData } from './audit-event.entity';

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
    await uow.batch(this.recording(actor, entry));
  }

  /** `record` as a statement, for a service that sends its writes in one batch (`UnitOfWork.batch`). */
  recording(actor: Actor, entry: AuditEntry): Statement<void> {
    const json = (data: AuditData | null | undefined) => (data == null ? null : JSON.stringify(data));
    return write(
      'INSERT INTO audit_events (action, client_id, relationship_id, `before`, `after`, actor_user_id, api_key_id, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [entry.action, entry.clientId ?? null, entry.relationshipId ?? null, json(entry.before), json(entry.after), actor.userId, actor.apiKeyId ?? null, actor.requestId, this.clock.now()],
    );
  }
}
