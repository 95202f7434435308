import nodemailer, { Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { DataSource } from 'typeorm';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import { write } from '../db/statements';
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
  /** SMTP_FROM, parsed once (nodemailer would parse the text again for every message). */
  from: string | { name: string; address: string };
  /** True when nothing is really sent (no SMTP_URL). */
  logOnly: boolean;
  close(): void;
}

/** One plain address (`Name <address>`) as nodemailer's object; anything else (a group, a list) stays text. */
function parsedFrom(from: string): Mailer['from'] {
  const parsed = addressparser(from);
  const [first] = parsed;
  return parsed.length === 1 && first && 'address' in first && first.address ? { name: first.name, address: first.address } : from;
}

/** SMTP connections a worker keeps open to the mail server. */
const SMTP_CONNECTIONS = 4;

export function createMailer(config: Pick<Config, 'smtpUrl' | 'smtpFrom'>, logger: Logger): Mailer {
  const from = parsedFrom(config.smtpFrom);
  if (!config.smtpUrl) {
    logger.info('SMTP_URL is not set: notification e-mails are logged, not sent');
    return { transporter: nodemailer.createTransport({ jsonTransport: true }), from, logOnly: true, close: () => undefined };
  }
  const transporter = nodemailer.createTransport({
    url: config.smtpUrl,
    // A few connections kept open and reused: a connection (and its greeting, EHLO and TLS) per message cost the worker
    // ~1.5 ms of CPU and ~26 ms per message on a local server, against ~0.45 ms and ~0.5 ms through the pool.
    pool: true,
    maxConnections: SMTP_CONNECTIONS,
    // Bounded, so a hung SMTP server fails the try (retried) instead of holding the notification row lock for long.
    // Transport options: the second argument of createTransport would only be defaults for each message.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return { transporter, from, logOnly: false, close: () => transporter.close() };
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
  const { dataSource, clock, logger } = deps;
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
      await mailNotification(deps, mailer, notification, user);
      await uow.repo(Notification).update({ id: notification.id }, { emailSentAt: clock.now() });
      return 'sent';
    },
    { logger },
  );
}

/** What a notification's e-mail is made of. */
type Mailed = Pick<Notification, 'id' | 'kind' | 'message'>;

/** Sends one notification's e-mail (the same message, Message-ID and log line on every path). */
async function mailNotification(deps: EmailDeps, mailer: Mailer, notification: Mailed, user: Pick<User, 'name' | 'email'>): Promise<void> {
  const { logger, config } = deps;
  const notificationId = String(notification.id);
  const info = await mailer.transporter.sendMail({
    from: mailer.from,
    to: { name: user.name, address: user.email },
    subject: `Klient Admin: ${SUBJECTS[notification.kind] ?? 'a notice'}`,
    text: `${notification.message}\n\n— Klient Admin`,
    messageId: `<notification-${notificationId}.${config.queuePrefix}@klientadmin>`,
  });
  if (mailer.logOnly) {
    // Production logs are kept and read by many: there, which notice it was, never to whom or what it said.
    if (config.nodeEnv === 'production') logger.info({ notificationId, kind: notification.kind }, 'notification e-mail (not sent: no SMTP_URL)');
    else logger.info({ notificationId, to: user.email, message: info.message?.toString() }, 'notification e-mail (not sent: no SMTP_URL)');
  }
}

/** What sending a batch of notification e-mails did, by notification id. */
export interface EmailBatchResult {
  sent: string[];
  /** Already sent, or the row or its user is gone: nothing to do. */
  done: string[];
  /** Held by another sender (its own job, another batch): left to it. */
  locked: string[];
  /** The mail server refused or could not be reached: not marked; each is retried by its own job. */
  failed: Array<{ notificationId: string; error: unknown }>;
}

/** Messages of a batch handed to the mail server at once: one per pooled connection. */
const BATCH_SENDS_AT_ONCE = SMTP_CONNECTIONS;

/**
 * Sends many notifications' e-mails in one transaction, with what `sendNotificationEmail` guarantees for each (DESIGN
 * S6): the rows are locked (FOR UPDATE SKIP LOCKED: a row another sender holds is left to it), a row with
 * `emailSentAt` is skipped, each message is the one the single path sends (same Message-ID), and the rows whose message
 * the server accepted get `emailSentAt` with the commit. A message that fails leaves its row unsent and the others
 * unharmed; the caller hands the failed and the locked ones to their own jobs.
 */
export async function sendNotificationEmails(deps: EmailDeps, mailer: Mailer, notificationIds: string[]): Promise<EmailBatchResult> {
  const { dataSource, clock, logger } = deps;
  const wanted = [...new Set(notificationIds.map(String))];
  if (wanted.length === 0) return { sent: [], done: [], locked: [], failed: [] };
  return runInTransaction(
    dataSource,
    async (uow) => {
      const q = (sql: string, params: unknown[]) => uow.manager.query(sql, params) as Promise<Array<Record<string, unknown>>>;
      const rows = await q('SELECT id, user_id AS userId, kind, message, email_sent_at AS emailSentAt FROM notifications WHERE id IN (?) ORDER BY id FOR UPDATE SKIP LOCKED', [wanted]);
      const result: EmailBatchResult = { sent: [], done: [], locked: [], failed: [] };
      const lockedHere = new Set(rows.map((r) => String(r.id)));
      // Not returned: locked by another sender, or gone. Gone rows are asked for without a lock (a locked row is
      // returned by a plain read).
      const notReturned = wanted.filter((id) => !lockedHere.has(id));
      if (notReturned.length > 0) {
        const existing = new Set((await q('SELECT id FROM notifications WHERE id IN (?)', [notReturned])).map((r) => String(r.id)));
        for (const id of notReturned) (existing.has(id) ? result.locked : result.done).push(id);
      }
      const unsent = rows.filter((r) => r.emailSentAt === null);
      for (const r of rows) if (r.emailSentAt !== null) result.done.push(String(r.id));
      const users = unsent.length > 0 ? await q('SELECT id, name, email FROM users WHERE id IN (?)', [[...new Set(unsent.map((r) => r.userId))]]) : [];
      const userOf = new Map(users.map((u) => [String(u.id), { name: String(u.name), email: String(u.email) }]));
      const queue = unsent.slice();
      const sendNext = async (): Promise<void> => {
        for (let row = queue.shift(); row; row = queue.shift()) {
          const id = String(row.id);
          const user = userOf.get(String(row.userId));
          if (!user) {
            result.done.push(id);
            continue;
          }
          try {
            await mailNotification(deps, mailer, { id, kind: row.kind as NotificationKind, message: String(row.message) }, user);
            result.sent.push(id);
          } catch (error) {
            result.failed.push({ notificationId: id, error });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(BATCH_SENDS_AT_ONCE, unsent.length) }, sendNext));
      if (result.sent.length > 0) uow.writeWithCommit(write('UPDATE notifications SET email_sent_at = ? WHERE id IN (?)', [clock.now(), result.sent]));
      return result;
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
