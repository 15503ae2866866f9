import type { AddressInfo } from 'node:net';

/** Options of the SMTP intake (`smtp` option of `startPop3Mock`). */
export interface SmtpOptions {
  /** Port for SMTP; default 0 (ephemeral). */
  port?: number | string;
}

/** What the intake needs from the server: who exists, and how to deliver. */
export interface SmtpTarget {
  /** The mailbox user for a recipient address, or undefined to refuse it. */
  userFor(address: string): string | undefined;
  deliverRaw(user: string, message: Buffer): Promise<void>;
}

/** A running SMTP listener. */
export interface SmtpIntake {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * An SMTP listener (nodemailer's smtp-server: a kept implementation, not
 * SMTP by hand) that delivers each message into the mailbox of every
 * recipient, so a test can send with nodemailer and fetch with POP3.
 * No AUTH and no STARTTLS: loopback test traffic only.
 */
export async function startSmtpIntake(
  target: SmtpTarget,
  host: string,
  options: { port?: number },
): Promise<SmtpIntake> {
  // Loaded only when asked for, so a server without SMTP pays nothing.
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (target.userFor(address.address) === undefined) {
        const error = Object.assign(new Error(`no mailbox for ${address.address}`), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const message = Buffer.concat(chunks);
        const users = new Set(session.envelope.rcptTo.map((r) => target.userFor(r.address)));
        Promise.all([...users].filter((u) => u !== undefined).map((u) => target.deliverRaw(u, message))).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of server.connections) connection.close?.();
        server.close(() => resolve());
      }),
  };
}
