import { In, IsNull } from 'typeorm';
import type { Clock } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { Refusal, refusal, UserErrorCode } from '../common/refusals';
import type { Statement } from '../db/statements';
import type { UnitOfWork } from '../db/unit-of-work';
import type { EmailTrigger } from './email-trigger';
import { Notification, NotificationKind } from './notification.entity';

export interface NotificationDraft {
  userId: string;
  kind: NotificationKind;
  message: string;
  clientId?: string | null;
  /** The event reported, unique per user: a second notice with the same key is not written (nor e-mailed). */
  dedupeKey?: string | null;
}

/**
 * The one place notifications are written (DESIGN S6): rows in the caller's transaction, so a rolled-back change
 * notifies nobody. E-mail is sent from these rows after commit (`emailSentAt` marks what was sent).
 */
export class NotificationService {
  constructor(
    private readonly clock: Clock,
    /** Queues the rows' e-mails after commit; the sweeper sends what it misses. */
    private readonly emailTrigger: EmailTrigger,
  ) {}

  async notify(uow: UnitOfWork, ...drafts: NotificationDraft[]): Promise<string[]> {
    const inserted = await uow.batch(...this.writing(drafts));
    return this.written(uow, inserted);
  }

  /**
   * `notify` in two halves, for a service that sends its writes in one batch (`UnitOfWork.batch`): the drafts' INSERTs,
   * one statement each (a notice whose event was reported to this user before is left out by the unique key on user
   * and dedupe key, and has no id), then `written` with their results, which queues the e-mails after commit.
   */
  writing(drafts: NotificationDraft[]): Array<Statement<string | null>> {
    const createdAt = this.clock.now();
    return drafts.map((d) => ({
      sql: `INSERT${d.dedupeKey ? ' IGNORE' : ''} INTO notifications (user_id, kind, message, client_id, created_at, read_at, email_sent_at, dedupe_key) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)`,
      params: [d.userId, d.kind, d.message.length > 1000 ? `${d.message.slice(0, 999)}…` : d.message, d.clientId ?? null, createdAt, d.dedupeKey ?? null],
      read: (result: { affectedRows?: number; insertId?: number | string }) =>
        Number(result.affectedRows ?? 1) > 0 && Number(result.insertId) > 0 ? String(result.insertId) : null,
    }));
  }

  written(uow: UnitOfWork, inserted: Array<string | null>): string[] {
    const ids = inserted.filter((id): id is string => id !== null);
    if (ids.length > 0) uow.onCommit(() => this.emailTrigger.sync(ids));
    return ids;
  }

  /**
   * Marks the user's notifications read (S6): those with the given global ids, or all unread ones. An id that is not
   * one of the user's notifications is NOT_FOUND and nothing is marked. Marking one twice keeps its first time.
   */
  async markRead(uow: UnitOfWork, userId: string, input: { ids?: string[] | null; all?: boolean | null }): Promise<MarkReadResult> {
    const now = this.clock.now();
    if (input.all) {
      const result = await uow.repo(Notification).update({ userId, readAt: IsNull() }, { readAt: now });
      return { notifications: [], markedCount: result.affected ?? 0, userErrors: [] };
    }
    const ids = (input.ids ?? []).map((id) => localIdOf(id, 'Notification'));
    const valid = ids.filter((id): id is string => id !== null && /^\d{1,20}$/.test(id));
    const found = valid.length ? await uow.repo(Notification).find({ where: { id: In(valid), userId } }) : [];
    const mine = new Set(found.map((n) => String(n.id)));
    const errors: Refusal[] = ids.flatMap((id, index) => (id && mine.has(id) ? [] : [refusal(UserErrorCode.NOT_FOUND, 'No such notification.', ['input', 'ids', String(index)])]));
    if (errors.length > 0) return { notifications: [], markedCount: 0, userErrors: errors };
    const unread = found.filter((n) => n.readAt === null);
    if (unread.length > 0) await uow.repo(Notification).update({ id: In(unread.map((n) => n.id)) }, { readAt: now });
    for (const n of unread) n.readAt = now;
    const order = new Map(ids.map((id, i) => [id, i]));
    return { notifications: found.sort((a, b) => order.get(String(a.id))! - order.get(String(b.id))!), markedCount: unread.length, userErrors: [] };
  }
}

export interface MarkReadResult {
  /** The notifications named, as marked; none when all were marked. */
  notifications: Notification[];
  /** How many were unread and are now read. */
  markedCount: number;
  userErrors: Refusal[];
}
