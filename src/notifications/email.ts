import nodemailer, { Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import { runInTransaction } from '../db/unit-of-work';
import { User } from '../users/user.entity';
import { Notification, NotificationKind } from './notification.entity';

const SUBJECTS: Record<NotificationKind, string> = {
  [NotificationKind.ADMINISTRATOR_GRANTED]: 'You are now an administrator of a client',
  [NotificationKind.SUBSCRIPTION_ADMIN_RECEIVED]: 'You are now the subscription administrator of a client',
  [NotificationKind.ARCHIVE_EXPORT_READY]: 'Your archive export can be downloaded',
  [NotificationKind.ARCHIVE_DOCUMENT_DAMAGED]: 'An archive document is damaged',
  [NotificationKind.RELATIONSHIP_ENDED]: 'A customer relationship has been ended',
  [NotificationKind.RELATIONSHIP_ENDING_CHANGED]: 'A pending ending was changed or cancelled',
  [NotificationKind.ARCHIVE_GENERATED]: 'The mandatory accounting data is in the archive',
  [NotificationKind.ARCHIVE_GENERATION_FAILED]: 'Generating the mandatory accounting data failed',
  [NotificationKind.ARCHIVE_EXPIRING]: 'Archive documents will be deleted soon',
  [NotificationKind.WEBHOOK_ENDPOINT_DISABLED]: 'A webhook endpoint was disabled',
};

/** Where notification e-mails go: SMTP (SMTP_URL), or — unset — a transport that only logs them. */
export interface Mailer {
  transporter: Transporter;
  from: string;
  /** True when nothing is really sent (no SMTP_URL). */
  logOnly: boolean;
  close(): void;
}

export function createMailer(config: Pick<Config, 'smtpUrl' | 'smtpFrom'>, logger: Logger): Mailer {
  if (!config.smtpUrl) {
    logger.info('SMTP_URL is not set: notification e-mails are logged, not sent');
    return { transporter: nodemailer.createTransport({ jsonTransport: true }), from: config.smtpFrom, logOnly: true, close: () => undefined };
  }
  const transporter = nodemailer.createTransport({
    url: config.smtpUrl,
    // Bounded, so a hung SMTP server fails the try (retried) instead of holding the notification row lock for long.
    // Transport options: the second argument of createTransport would only be defaults for each message.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return { transporter, from: config.smtpFrom, logOnly: false, close: () => transporter.close() };
}

export type EmailOutcome = 'sent' | 'already-sent' | 'missing';

/** What sending a notification's e-mail needs besides the mailer. */
export interface EmailDeps {
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  /** The queue prefix makes the Message-ID unique per install; in production the log says less. */
  config: Pick<Config, 'queuePrefix' | 'nodeEnv'>;
}

/**
 * Sends one notification's e-mail, at most once as far as it can tell (DESIGN S6): the row is locked
 * (SELECT … FOR UPDATE) while sending, a row with `emailSentAt` is skipped, and `emailSentAt` is set in the same
 * transaction. Two workers therefore never both send it. What remains: if the process dies after the SMTP server
 * accepted the message and before the commit, the retry sends it again — the Message-ID is the same, so mail
 * systems that de-duplicate by Message-ID show it once.
 */
export async function sendNotificationEmail(deps: EmailDeps, mailer: Mailer, notificationId: string): Promise<EmailOutcome> {
  const { dataSource, clock, logger, config } = deps;
  return runInTransaction(
    dataSource,
    async (uow) => {
      const notification = await uow
        .repo(Notification)
        .createQueryBuilder('notification')
        .setLock('pessimistic_write')
        .where('notification.id = :notificationId', { notificationId })
        .getOne();
      if (!notification) return 'missing';
      if (notification.emailSentAt) return 'already-sent';
      const user = await uow.repo(User).findOneBy({ id: notification.userId });
      if (!user) return 'missing';
      const info = await mailer.transporter.sendMail({
        from: mailer.from,
        to: { name: user.name, address: user.email },
        subject: `Klient Admin: ${SUBJECTS[notification.kind] ?? 'a notice'}`,
        text: `${notification.message}\n\n— Klient Admin`,
        messageId: `<notification-${notification.id}.${config.queuePrefix}@klientadmin>`,
      });
      if (mailer.logOnly) {
        // Production logs are kept and read by many: there, which notice it was, never to whom or what it said.
        if (config.nodeEnv === 'production') logger.info({ notificationId, kind: notification.kind }, 'notification e-mail (not sent: no SMTP_URL)');
        else logger.info({ notificationId, to: user.email, message: info.message?.toString() }, 'notification e-mail (not sent: no SMTP_URL)');
      }
      await uow.repo(Notification).update({ id: notification.id }, { emailSentAt: clock.now() });
      return 'sent';
    },
    { logger },
  );
}

/** Notifications whose e-mail has not been sent yet, oldest first (the sweeper's list). */
export async function unsentNotificationIds(dataSource: DataSource, limit: number): Promise<string[]> {
  const rows = await dataSource
    .getRepository(Notification)
    .createQueryBuilder('notification')
    .select('notification.id', 'id')
    .where('notification.email_sent_at IS NULL')
    .orderBy('notification.id', 'ASC')
    .limit(limit)
    .getRawMany<{ id: string }>();
  return rows.map((r) => String(r.id));
}
