import type { Opened } from '../../src/boot';
import { runInTransaction } from '../../src/db/unit-of-work';
import { emailBatchJobId, emailJobId, openProducerQueues } from '../../src/jobs/queues';
import { NotificationKind } from '../../src/notifications/notification.entity';
import { createMailer, sendNotificationEmail, sendNotificationEmails } from '../../src/notifications/email';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp-server';
import { eventually, JobsApp, openSecondRuntime, startJobsApp } from './support';

let app: JobsApp;
let smtp: TestSmtpServer;
let port: number;
const received: ReceivedMail[] = [];
/** How many messages to each address the server refuses next (451, try later). */
const refuse = new Map<string, number>();
const extra: Opened[] = [];

beforeAll(async () => {
  smtp = await startTestSmtpServer(received, (to) => {
    const refused = to.find((address) => (refuse.get(address) ?? 0) > 0);
    if (refused) refuse.set(refused, refuse.get(refused)! - 1);
    return refused !== undefined;
  });
  port = smtp.port;
  app = await startJobsApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'Klient Admin <varsler@klientadmin.example>' } });
});

afterEach(async () => {
  for (const w of app.workers.splice(0)) await w.stop();
  for (const o of extra.splice(0)) await o.close();
  refuse.clear();
});

afterAll(async () => {
  await app.close();
  await smtp.close();
});

/** Notification rows written together, as a batch of archivings writes its notices; their e-mails are not queued. */
async function writeNotifications(users: string[], message: string): Promise<string[]> {
  const { runtime } = app.opened;
  return runInTransaction(runtime.dataSource, async (uow) => {
    const ids: string[] = [];
    for (const userId of users) {
      const result = await uow.manager.query('INSERT INTO notifications (user_id, kind, message, client_id, created_at) VALUES (?, ?, ?, ?, ?)', [
        userId,
        NotificationKind.ARCHIVE_GENERATED,
        `${message} (${userId})`,
        'c-fjord',
        runtime.clock.now(),
      ]);
      ids.push(String(result.insertId));
    }
    return ids;
  });
}

const USERS = ['u-ola', 'u-eva', 'u-sjur', 'u-per', 'u-kari', 'u-lars'];
const ADDRESS: Record<string, string> = {
  'u-ola': 'ola@fjordbakeri.example',
  'u-eva': 'eva@fjordbakeri.example',
  'u-sjur': 'sjur@tindefjell.example',
  'u-per': 'per@nordlys.example',
  'u-kari': 'kari@nordlys.example',
  'u-lars': 'lars@fjell.example',
};

const messageIdOf = (id: string) => `Message-ID: <notification-${id}.${app.queuePrefix}@klientadmin>`;
const mailsWith = (id: string) => received.filter((m) => m.raw.includes(messageIdOf(id)));
const sentAt = async (ids: string[]) =>
  new Map((await app.sql('SELECT id, email_sent_at AS at FROM notifications WHERE id IN (?)', [ids])).map((r: { id: unknown; at: Date | null }) => [String(r.id), r.at]));

/** A message without the headers that differ on every send (date, boundaries, the SMTP server's trace). */
const stable = (raw: string) =>
  raw
    .split(/\r?\n/)
    .filter((line) => !/^(Date|Received|X-|Content-Type: multipart)/i.test(line))
    .join('\n')
    .replace(/--_NmP-[^\s-]+(-Part_\d+)?/g, '--<boundary>');

it('S6: notifications written together go out as one batch job: each e-mail once, the same message and Message-ID as alone, and marked sent', async () => {
  // Written after the start-up sweep, which would give every unsent notification its own job.
  const workers = await app.start();
  const alone = await writeNotifications(['u-ola'], 'Arkivet er klart');
  const together = await writeNotifications(USERS, 'Arkivet er klart');
  await app.opened.runtime.emailTrigger.sync(alone);
  await app.opened.runtime.emailTrigger.sync(together);
  // One job for the batch, under its deterministic id; none of the notifications has a job of its own.
  const queues = openProducerQueues(app.opened.runtime.config);
  try {
    expect(await queues.emails.getJobState(emailBatchJobId(together))).not.toBe('unknown');
    for (const id of together) expect(await queues.emails.getJobState(emailJobId(id))).toBe('unknown');
  } finally {
    await queues.close();
  }
  const allMarked = async (ids: string[]) => [...(await sentAt(ids)).values()].every((at) => at !== null);
  await eventually(async () => [...alone, ...together].every((id) => mailsWith(id).length === 1) && (await allMarked([...alone, ...together])), 'every e-mail received and marked');
  const marked = await sentAt([...alone, ...together]);
  for (const id of [...alone, ...together]) expect(marked.get(id)).toEqual(app.clock.now());
  for (const [i, id] of together.entries()) expect(mailsWith(id)[0].to).toEqual([ADDRESS[USERS[i]]]);
  // The batch's message to u-ola is the single path's, but for its own id.
  expect(stable(mailsWith(together[0])[0].raw).replace(together[0], '<id>')).toEqual(stable(mailsWith(alone[0])[0].raw).replace(alone[0], '<id>'));

  // Queued again (the batch and one by one), swept: nothing is sent twice.
  await app.opened.runtime.emailTrigger.sync(together);
  for (const id of together) await app.opened.runtime.emailTrigger.sync([id]);
  await workers.sweepNow();
  const [marker] = await writeNotifications(['u-eva'], 'Marker');
  await app.opened.runtime.emailTrigger.sync([marker]);
  await eventually(async () => mailsWith(marker).length === 1, 'marker e-mail');
  for (const id of [...alone, ...together]) expect(mailsWith(id)).toHaveLength(1);
});

it('S6: two workers racing for the same notifications, in batches and alone, send each e-mail exactly once', async () => {
  const second = await openSecondRuntime(app);
  extra.push(second);
  const ids = await writeNotifications(USERS, 'Kappløp');
  const more = await writeNotifications(USERS, 'Kappløp igjen');
  const all = [...ids, ...more];
  const { logger, clock, config } = app.opened.runtime;
  const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, smtpFrom: 'Klient Admin <varsler@klientadmin.example>' }, logger);
  try {
    const depsOf = (o: Opened) => ({ dataSource: o.runtime.dataSource, clock, logger, config });
    // Two processes (separate connections) each send the whole lot as a batch, the other order too, and one by one.
    const results = await Promise.all([
      sendNotificationEmails(depsOf(app.opened), mailer, all),
      sendNotificationEmails(depsOf(second), mailer, [...all].reverse()),
      Promise.all(all.map((id) => sendNotificationEmail(depsOf(second), mailer, id))),
    ]);
    const [a, b, single] = results;
    // Every notification was sent by exactly one of them; a batch leaves a row another sender holds to it.
    const sentBy = [...a.sent, ...b.sent, ...all.filter((_, i) => single[i] === 'sent')];
    expect([...sentBy].sort()).toEqual([...all].sort());
    expect(a.failed).toEqual([]);
    expect(b.failed).toEqual([]);
  } finally {
    mailer.close();
  }
  for (const id of all) expect(mailsWith(id)).toHaveLength(1);
  const marked = await sentAt(all);
  for (const id of all) expect(marked.get(id)).toEqual(clock.now());

  // And through the queue: two worker processes, a batch job and every notification's own job.
  const queued = await writeNotifications(USERS, 'Kø');
  await app.start();
  await app.start({}, second);
  await app.opened.runtime.emailTrigger.sync(queued);
  for (const id of queued) await app.opened.runtime.emailTrigger.sync([id]);
  await eventually(async () => [...(await sentAt(queued)).values()].every((at) => at !== null) && queued.every((id) => mailsWith(id).length >= 1), 'queued e-mails sent');
  const [marker] = await writeNotifications(['u-eva'], 'Marker 2');
  await app.opened.runtime.emailTrigger.sync([marker]);
  await eventually(async () => mailsWith(marker).length === 1, 'marker e-mail');
  for (const id of queued) expect(mailsWith(id)).toHaveLength(1);
});

it('S6: a message the server refuses in a batch neither holds up nor marks the others; it is retried by its own job and sent once', async () => {
  const workers = await app.start();
  const ids = await writeNotifications(USERS, 'Avvist');
  const refused = ids[USERS.indexOf('u-sjur')];
  refuse.set('sjur@tindefjell.example', 2);
  const failuresBefore = (await workers.metrics.jobFailures.get()).values.filter((v) => v.labels.queue === 'emails').reduce((n, v) => n + v.value, 0);
  await app.opened.runtime.emailTrigger.sync(ids);
  await eventually(
    async () => ids.every((id) => mailsWith(id).length === 1) && [...(await sentAt(ids)).values()].every((at) => at !== null),
    'every e-mail received and marked, the refused one after its retries',
  );
  for (const id of ids) expect(mailsWith(id)).toHaveLength(1);
  const marked = await sentAt(ids);
  for (const id of ids) expect(marked.get(id)).toEqual(app.clock.now());
  // Refused twice: once in the batch, once by its own job, which then sent it.
  const failures = (await workers.metrics.jobFailures.get()).values.filter((v) => v.labels.queue === 'emails').reduce((n, v) => n + v.value, 0);
  expect(failures - failuresBefore).toBe(2);
  const queues = openProducerQueues(app.opened.runtime.config);
  try {
    expect(await queues.emails.getJobState(emailJobId(refused))).toBe('completed');
    for (const id of ids.filter((i) => i !== refused)) expect(await queues.emails.getJobState(emailJobId(id))).toBe('unknown');
  } finally {
    await queues.close();
  }
});

it('S6: a batch that refuses one message marks only the ones the server accepted', async () => {
  const ids = await writeNotifications(USERS, 'Delvis');
  const refused = ids[USERS.indexOf('u-per')];
  refuse.set('per@nordlys.example', 1);
  const { logger, clock, config, dataSource } = app.opened.runtime;
  const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, smtpFrom: 'Klient Admin <varsler@klientadmin.example>' }, logger);
  try {
    const result = await sendNotificationEmails({ dataSource, clock, logger, config }, mailer, ids);
    expect(result.failed.map((f) => f.notificationId)).toEqual([refused]);
    expect([...result.sent].sort()).toEqual(ids.filter((id) => id !== refused).sort());
    const marked = await sentAt(ids);
    expect(marked.get(refused)).toBeNull();
    for (const id of ids.filter((i) => i !== refused)) expect(marked.get(id)).toEqual(clock.now());
    // The same batch again sends only what is left.
    const again = await sendNotificationEmails({ dataSource, clock, logger, config }, mailer, ids);
    expect(again.sent).toEqual([refused]);
    expect(again.done.length).toBe(ids.length - 1);
  } finally {
    mailer.close();
  }
  for (const id of ids) expect(mailsWith(id)).toHaveLength(1);
});

it('S6: a worker keeps a few SMTP connections open and sends every message of its batches over them', async () => {
  const first = await writeNotifications(USERS, 'Første runde');
  const second = await writeNotifications(USERS, 'Andre runde');
  const { logger, clock, config, dataSource } = app.opened.runtime;
  const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, smtpFrom: 'Klient Admin <varsler@klientadmin.example>' }, logger);
  const before = smtp.connections();
  try {
    expect((await sendNotificationEmails({ dataSource, clock, logger, config }, mailer, first)).sent).toHaveLength(USERS.length);
    expect((await sendNotificationEmails({ dataSource, clock, logger, config }, mailer, second)).sent).toHaveLength(USERS.length);
  } finally {
    mailer.close();
  }
  // Twelve messages in two batches; a connection per message would have opened twelve.
  const opened = smtp.connections() - before;
  expect(opened).toBeGreaterThan(0);
  expect(opened).toBeLessThanOrEqual(4);
  for (const id of [...first, ...second]) expect(mailsWith(id)).toHaveLength(1);
});
