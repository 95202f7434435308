import pino from 'pino';
import { createMailer } from '../../src/notifications/email';

describe('the notification mailer', () => {
  it('bounds the SMTP connection: the timeouts are options of the transport, not defaults of each message', () => {
    const mailer = createMailer({ smtpUrl: 'smtp://varsler:secret@127.0.0.1:2525', smtpFrom: 'Klient Admin <varsler@klientadmin.example>' }, pino({ level: 'silent' }));
    try {
      expect(mailer.logOnly).toBe(false);
      expect(mailer.transporter.options).toMatchObject({
        host: '127.0.0.1',
        port: 2525,
        auth: { user: 'varsler', pass: 'secret' },
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
    } finally {
      mailer.close();
    }
  });

  it('without SMTP_URL only logs', () => {
    const mailer = createMailer({ smtpUrl: null, smtpFrom: 'Klient Admin <varsler@klientadmin.example>' }, pino({ level: 'silent' }));
    expect(mailer.logOnly).toBe(true);
  });
});
