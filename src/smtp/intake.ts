import type { AddressInfo, Socket } from 'node:net';
import type { SMTPServer, SMTPServerOptions } from 'smtp-server';
import type { Clock } from '../clock';
import type { TlsContextOptions } from '../server/tls/tls-material';
import { intakeHandlers } from './intake-handlers';
import type { SmtpTarget } from './smtp-target';

export type { SmtpTarget } from './smtp-target';

/** Who must authenticate before sending: nobody can, anybody may, everybody must. */
export type SmtpAuthMode = 'off' | 'optional' | 'required';

/** Options of the SMTP intake (`smtp` option of `startPop3Mock`). */
export interface SmtpOptions {
  /** Port for SMTP, with STARTTLS when TLS is on; default 0 (ephemeral). */
  port?: number | string;
  /**
   * Also listen for SMTP over implicit TLS (SMTPS, RFC 8314) on this port, with
   * the server's certificate (`pop3.tls`); `0` for an ephemeral one. Default: off.
   */
  tlsPort?: number | string;
  /**
   * AUTH PLAIN and LOGIN, checked against the POP3 users' passwords (the name
   * is a user name, or an address that names one as a recipient would):
   * `'off'` (not offered), `'optional'` (default: offered, not needed) or
   * `'required'` (MAIL FROM before AUTH gets 530). A wrong password gets 535.
   * AUTH works without TLS too, as USER/PASS does on the POP3 side.
   */
  auth?: SmtpAuthMode;
  /**
   * Put `Return-Path:` and `Received:` (client address, TLS state, time from
   * the `clock` option) in front of each delivered message, as a real server
   * does on final delivery (RFC 5321 §4.4). Default true; `false` stores the
   * message as sent, its line ends made CRLF (as every stored message's).
   */
  traceHeaders?: boolean;
  /**
   * Accept mail for an unknown recipient by creating a user named after the
   * whole address (its domain lower-cased), with that name as its password
   * (as GreenMail does). Default false: an unknown recipient gets 550.
   */
  createUsers?: boolean;
  /** The largest message in octets: announced with SIZE (RFC 1870), a larger one gets 552. Default: no limit. */
  maxSize?: number;
}

/** A running SMTP intake. */
export interface SmtpIntake {
  readonly port: number;
  /** The SMTPS port, when `tlsPort` was given. */
  readonly tlsPort: number | undefined;
  close(): Promise<void>;
}

/** Where and how the intake runs, from the server's options (checked). */
export interface SmtpIntakeSettings {
  host: string;
  /** This server's name, in the greeting and in `Received: by`. */
  hostname: string;
  clock: Pick<Clock, 'now'>;
  /** Key, certificate and versions for STARTTLS and SMTPS, as POP3's STLS and POP3S use them; undefined when TLS is off. */
  tls: TlsContextOptions | undefined;
}

/** The intake's options after the schema: ports as numbers. */
type CheckedSmtpOptions = Omit<SmtpOptions, 'port' | 'tlsPort'> & { port?: number; tlsPort?: number };

/**
 * The SMTP intake: nodemailer's smtp-server (a kept implementation, not SMTP
 * by hand) on a plain port with STARTTLS and, when asked, an implicit-TLS
 * port, delivering each message into the mailbox of every recipient, so a
 * test can send over SMTP and fetch over POP3.
 */
export async function startSmtpIntake(
  target: SmtpTarget,
  settings: SmtpIntakeSettings,
  options: CheckedSmtpOptions,
): Promise<SmtpIntake> {
  // Loaded only when asked for, so a server without SMTP pays nothing.
  const { SMTPServer } = await import('smtp-server');
  const handlers = intakeHandlers(target, {
    hostname: settings.hostname,
    now: () => settings.clock.now(),
    traceHeaders: options.traceHeaders ?? true,
    createUsers: options.createUsers ?? false,
  });
  const auth = options.auth ?? 'optional';
  const common: SMTPServerOptions = {
    ...handlers,
    name: settings.hostname,
    logger: false,
    // No reverse DNS: the Received line names the client by its address, at once.
    disableReverseLookup: true,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: auth !== 'required',
    // As on the POP3 side (requireTls off by default): loopback test traffic may log in without TLS.
    allowInsecureAuth: true,
    disabledCommands: [...(auth === 'off' ? ['AUTH'] : []), ...(settings.tls ? [] : ['STARTTLS'])],
    ...(options.maxSize === undefined ? {} : { size: options.maxSize, rejectOversized: true }),
    // smtp-server makes its context from these: the versions a test set hold for SMTP as for POP3.
    ...settings.tls,
  };
  if (options.tlsPort !== undefined && !settings.tls) throw new Error('pop3-mock: smtp.tlsPort needs TLS');
  const plain = new SMTPServer({ ...common, secure: false });
  const implicit = options.tlsPort === undefined ? undefined : new SMTPServer({ ...common, secure: true });
  const servers = [plain, ...(implicit ? [implicit] : [])];
  for (const server of servers) greetAtOnce(server);
  const sockets = trackSockets(servers);
  try {
    const port = await listen(plain, settings.host, options.port ?? 0);
    const tlsPort = implicit ? await listen(implicit, settings.host, options.tlsPort ?? 0) : undefined;
    return { port, tlsPort, close: () => closeAll(servers, sockets) };
  } catch (error) {
    await closeAll(servers, sockets);
    throw error;
  }
}

/**
 * smtp-server holds every connection 100 ms before its greeting, to catch
 * clients that talk first (a spam defence; no option turns it off), so each
 * message a test sent over SMTP paid 100 ms. A test's client is no spammer:
 * each connection is greeted as soon as it is set up (after the handshake on
 * the SMTPS port), which is what the connection's `init()` does but for
 * that timer (and a `maxClients` check: the intake sets no such limit).
 */
function greetAtOnce(server: SMTPServer): void {
  const connections = server.connections;
  const add = connections.add;
  // connect() adds each new connection to the set, then calls its init(): it is replaced in between.
  connections.add = function addGreetingAtOnce(connection) {
    connection.init = () => connection._setListeners(() => connection.connectionReady());
    return add.call(this, connection);
  };
}

/**
 * Every client's TCP socket, as it is accepted, until it closes: close()
 * destroys them, as the POP3 side does. smtp-server's own close waits up
 * to five seconds for a client that keeps its half of the connection open
 * (Python's smtplib does), longer than jest's hook timeout.
 */
function trackSockets(servers: readonly SMTPServer[]): Set<Socket> {
  const sockets = new Set<Socket>();
  for (const server of servers) {
    server.server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
  }
  return sockets;
}

async function listen(server: SMTPServer, host: string, port: number): Promise<number> {
  // A client's socket error is that client's business; smtp-server reports it here too.
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  return (server.server.address() as AddressInfo).port;
}

async function closeAll(servers: readonly SMTPServer[], sockets: Set<Socket>): Promise<void> {
  const closed = Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.server.listening) return resolve();
          server.close(() => resolve());
        }),
    ),
  );
  // No 421 (RFC 5321 §3.8 allows a server to just close): a test's close() ends every conversation at once.
  for (const socket of sockets) socket.destroy();
  await closed;
}
