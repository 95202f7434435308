import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message the test server accepted: its recipients, and its text with header lines unfolded (a header reads as one line). */
export interface ReceivedMail {
  to: string[];
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  /** Connections opened to the server so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A local SMTP server for the e-mail tests, on a free port: it pushes what it accepts onto `received`, and answers
 * 451 (try again later) to a message `refuse` says to refuse, given the message's recipients.
 */
export async function startTestSmtpServer(received: ReceivedMail[], refuse: (to: string[]) => boolean = () => false): Promise<TestSmtpServer> {
  let connections = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    // No reverse DNS lookup of each client: on a machine without a resolver for 127.0.0.1 it delays every connection.
    disableReverseLookup: true,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      let raw = '';
      stream.on('data', (chunk) => (raw += chunk));
      stream.on('end', () => {
        if (refuse(to)) {
          callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
          return;
        }
        received.push({ to, raw: raw.replace(/\r?\n[ \t]+/g, ' ') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (smtp.server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
