import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { runInTransaction } from '../../src/db/unit-of-work';
import { NotificationKind } from '../../src/notifications/notification.entity';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp-server';
import { deleteQueueKeys, eventually, JobsApp, startJobsApp } from './support';

let app: JobsApp;
let smtp: TestSmtpServer;
const received: ReceivedMail[] = [];
/** How many messages the server refuses next (451, try later). */
let refuseNext = 0;

beforeAll(async () => {
  smtp = await startTestSmtpServer(received, () => refuseNext > 0 && refuseNext-- > 0);
  app = await startJobsApp({ env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'Klient Admin <varsler@klientadmin.example>' } });
});

afterAll(async () => {
  await app.close();
  await smtp.close();
});

/** Writes notification rows the way NotificationService does, and queues their e-mails after commit. */
async function notify(userId: string, message: string, on: JobsApp = app): Promise<string> {
  const { runtime } = on.opened;
  return runInTransaction(runtime.dataSource, async (uow) => {
    const result = await uow.manager.query('INSERT INTO notifications (user_id, kind, message, client_id, created_at) VALUES (?, ?, ?, ?, ?)', [
      userId,
      NotificationKind.SUBSCRIPTION_ADMIN_RECEIVED,
      message,
      'c-fjord',
      runtime.clock.now(),
    ]);
    const id = String(result.insertId);
    uow.onCommit(() => runtime.emailTrigger.sync([id]));
    return id;
  });
}

const sentAt = async (id: string) => (await app.sql('SELECT email_sent_at AS at FROM notifications WHERE id = ?', [id]))[0].at as Date | null;
const mailsTo = (address: string) => received.filter((m) => m.to.includes(address));

it('S6: every notification is also an e-mail, sent once through SMTP after commit, and marked sent', async () => {
  const workers = await app.start();
  const id = await notify('u-ola', 'Du er nå abonnementsadministrator for Fjord Bakeri AS.');
  await eventually(async () => mailsTo('ola@fjordbakeri.example').length === 1 && (await sentAt(id)), 'e-mail received and marked');
  const [mail] = mailsTo('ola@fjordbakeri.example');
  expect(mail.raw).toContain('Subject: Klient Admin: You are now the subscription administrator of a client');
  expect(mail.raw).toContain('From: Klient Admin <varsler@klientadmin.example>');
  expect(mail.raw).toContain(`Message-ID: <notification-${id}.${app.queuePrefix}@klientadmin>`);
  expect(await sentAt(id)).toEqual(app.clock.now());

  // Queued again, swept again, Redis emptied and swept: never sent twice.
  await app.opened.runtime.emailTrigger.sync([id]);
  await deleteQueueKeys(app);
  await app.opened.runtime.emailTrigger.sync([id]);
  await workers.sweepNow();
  const marker = await notify('u-eva', 'Marker: sent after the repeats above.');
  await eventually(async () => mailsTo('eva@fjordbakeri.example').length === 1 && (await sentAt(marker)), 'marker e-mail');
  expect(mailsTo('ola@fjordbakeri.example')).toHaveLength(1);
});

it('S6: a notification whose e-mail was never queued (the writer died after commit, Redis lost it) is sent by the sweeper', async () => {
  const workers = app.workers[0] ?? (await app.start());
  const result = await app.opened.runtime.dataSource.query(
    'INSERT INTO notifications (user_id, kind, message, client_id, created_at) VALUES (?, ?, ?, ?, ?)',
    ['u-sjur', NotificationKind.ADMINISTRATOR_GRANTED, 'Du er nå administrator for Tindefjell Bygg AS.', 'c-tinde', app.clock.now()],
  );
  const id = String(result.insertId);
  expect((await workers.sweepNow()).emailsRequeued).toBe(1);
  await eventually(async () => mailsTo('sjur@tindefjell.example').length === 1 && (await sentAt(id)), 'swept e-mail received');
  expect(mailsTo('sjur@tindefjell.example')[0].raw).toContain('Subject: Klient Admin: You are now an administrator of a client');
});

it('S6: while SMTP refuses, the e-mail is retried with backoff and sent once it accepts', async () => {
  const workers = app.workers[0] ?? (await app.start());
  refuseNext = 2;
  try {
    const id = await notify('u-per', 'Retry me.');
    await eventually(async () => mailsTo('per@nordlys.example').length === 1 && (await sentAt(id)), 'e-mail sent after refusals');
    const failures = await workers.metrics.jobFailures.get();
    expect(failures.values.filter((v) => v.labels.queue === 'emails').reduce((n, v) => n + v.value, 0)).toBe(2);
    expect(mailsTo('per@nordlys.example')).toHaveLength(1);
  } finally {
    refuseNext = 0;
  }
});

describe('without SMTP_URL, notification e-mails are logged instead of sent', () => {
  /** Starts an app without SMTP whose log lines are kept, sends one notification, and returns the lines about it. */
  /** The log lines about the notification (the sweeper may log its queuing too), and the e-mail's own among them. */
  async function logOf(nodeEnv: string): Promise<{ notificationId: string; lines: Array<Record<string, unknown>>; emailLines: Array<Record<string, unknown>> }> {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const quiet = await startJobsApp({ env: { NODE_ENV: nodeEnv, AUTH_JWT_SECRET: randomBytes(32).toString('base64') }, logger });
    try {
      await quiet.start();
      const notificationId = await notify('u-ola', 'Du er nå abonnementsadministrator for Fjord Bakeri AS.', quiet);
      await eventually(async () => (await quiet.sql('SELECT email_sent_at AS at FROM notifications WHERE id = ?', [notificationId]))[0].at, 'e-mail logged');
      const about = lines.filter((l) => l.notificationId === notificationId);
      return { notificationId, lines: about, emailLines: about.filter((l) => l.msg === 'notification e-mail (not sent: no SMTP_URL)') };
    } finally {
      await quiet.close();
    }
  }

  it('in production the log line names the notification and its kind, never the subject, the text or the recipient', async () => {
    const { notificationId, lines, emailLines } = await logOf('production');
    expect(emailLines).toEqual([expect.objectContaining({ notificationId, kind: NotificationKind.SUBSCRIPTION_ADMIN_RECEIVED })]);
    const logged = JSON.stringify(lines);
    for (const secret of ['ola@fjordbakeri.example', 'Ola', 'Fjord Bakeri', 'abonnementsadministrator', 'subscription administrator']) {
      expect(logged).not.toContain(secret);
    }
  });

  it('outside production the whole e-mail is logged, to try the product without a mail server', async () => {
    const { emailLines } = await logOf('development');
    expect(emailLines).toHaveLength(1);
    expect(emailLines[0].to).toBe('ola@fjordbakeri.example');
    expect(String(emailLines[0].message)).toContain('You are now the subscription administrator of a client');
  });
});
