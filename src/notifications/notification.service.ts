import type { Clock } from '../common/clock';
import type { UnitOfWork } from '../db/unit-of-work';
import type { EmailTrigger } from './email-trigger';
import { Notification, NotificationKind } from './notification.entity';

export interface NotificationDraft {
  userId: string;
  kind: NotificationKind;
  message: string;
  clientId?: string | null;
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
    const createdAt = this.clock.now();
    const ids: string[] = [];
    for (const d of drafts) {
      const inserted = await uow
        .repo(Notification)
        .createQueryBuilder()
        .insert()
        .values({ userId: d.userId, kind: d.kind, message: d.message, clientId: d.clientId ?? null, createdAt, readAt: null, emailSentAt: null })
        .updateEntity(false)
        .execute();
      ids.push(String(inserted.raw.insertId));
    }
    if (ids.length > 0) uow.onCommit(() => this.emailTrigger.sync(ids));
    return ids;
  }
}
