import { createServer, type Server, type Socket } from 'node:net';
import { type InspectOptions, inspect } from 'node:util';
import { type Clock, systemClock } from '../clock';
import { ControlServer } from '../control/control-server';
import { dialects, isDialectName } from '../dialects';
import type { Dialect } from '../dialects/dialect';
import { rfcDialect } from '../dialects/rfc';
import { acceptRules, withIds } from '../faults/accept-rules';
import type { BuiltRule } from '../faults/builder';
import { FaultEngine, type RuleStatus } from '../faults/engine';
import { loadFaultFixture } from '../faults/fixture';
import type { FaultRuleInput } from '../faults/rule';
import { loadMessages } from '../fixtures/load-messages';
import type { MessageSource } from '../fixtures/types';
import { Mailbox, type MessageInfo } from '../mailbox/mailbox';
import type { Pop3MockOptions, UserOptions } from '../options';
import type { CapabilitySettings } from '../protocol/capabilities';
import { ALL_MECHANISMS } from '../protocol/sasl/mechanisms';
import { checkInput } from '../schema/check';
import { type CheckedOptions, codeMessages, codeUserOrPassword, pop3MockOptions } from '../schema/options';
import { userName } from '../schema/primitives';
import { verifyOptions } from '../schema/queries';
import { Connection } from '../session/connection';
import { refuseConnection } from '../session/refusal';
import { Session } from '../session/session';
import type { SessionHost } from '../session/session-host';
import { attachDebugLog, debugLoggerFromEnv } from '../transcript/debug-log';
import { EventHub, type EventOf } from '../transcript/event-hub';
import type { JsonOptions, TranscriptExport } from '../transcript/json-export';
import type { LocatedCommand } from '../transcript/pattern';
import { Recorder } from '../transcript/recorder';
import type { RenderOptions } from '../transcript/render';
import type { SessionRecord } from '../transcript/session-record';
import {
  type CommandPattern,
  type MailboxOutcome,
  type SessionFilter,
  TranscriptApi,
  type WaitForCommandOptions,
} from '../transcript/transcript-api';
import type { VerifyOptions } from '../transcript/verify';
import { mountUi } from '../ui';
import type { LockMode, Pop3Event, Pop3EventType, TlsMode } from '../vocabulary';
import { listen } from './listen';
import { type SmtpIntake, startSmtpIntake } from './smtp-intake';
import { ServerTls } from './tls/tls-material';

/**
 * A running mock POP3 server. Create it with {@link startPop3Mock}; always
 * `await close()` it (in `afterEach`/`afterAll`).
 */
export class Pop3Mock {
  /** The address the server listens on. */
  readonly host: string;
  /** The POP3 port. */
  port = 0;
  /** The implicit-TLS (POP3S) port, when `tlsPort` was given. */
  tlsPort: number | undefined;
  /** The SMTP intake port, when `smtp` was given. */
  smtpPort: number | undefined;

  private readonly server: Server;
  private readonly tlsServer: Server | undefined;
  private readonly serverTls: ServerTls | undefined;
  private readonly hub = new EventHub();
  private readonly recorder = new Recorder(this.hub);
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly live = new Set<Session>();
  private readonly faults: FaultEngine;
  private readonly host_: SessionHost;
  private readonly transcripts: TranscriptApi;
  private nextSessionId = 1;
  private control: ControlServer | undefined;
  private smtp: SmtpIntake | undefined;
  private closed = false;

  /** @internal Use {@link startPop3Mock}. */
  constructor(private readonly options: CheckedOptions) {
    this.host = options.host ?? '127.0.0.1';
    const dialect: Dialect =
      typeof options.dialect === 'string' ? dialectNamed(options.dialect) : (options.dialect ?? rfcDialect);
    const clock: Clock = options.clock ?? systemClock;
    const capabilities: CapabilitySettings = {
      capa: true,
      top: true,
      uidl: true,
      user: true,
      pipelining: true,
      respCodes: true,
      authRespCode: true,
      implementation: dialect.implementation,
      sasl: ALL_MECHANISMS,
      stls: options.tls !== false,
      loginDelay: undefined,
      expire: undefined,
      utf8: false,
      lang: false,
      ...dialect.capabilities,
      ...options.capabilities,
    };
    this.serverTls = options.tls === false ? undefined : new ServerTls(options.tls);
    this.faults = new FaultEngine(
      typeof options.faults === 'string' ? [] : withIds(options.faults ?? []),
      options.seed ?? 1,
    );
    const lockMode: LockMode = options.lock ?? dialect.lock;
    this.host_ = {
      dialect,
      clock,
      capabilities,
      lockMode,
      autologoutMs: options.autologoutMs ?? 600_000,
      tls: this.serverTls,
      requireTls: options.requireTls ?? false,
      apop: options.apop ?? false,
      hostname: options.hostname ?? 'localhost',
      ports: () => (this.tlsPort === undefined ? [this.port] : [this.port, this.tlsPort]),
      mailbox: (user) => this.mailboxes.get(user),
      emit: (event) => this.hub.emit(event),
      faults: this.faults,
    };
    this.transcripts = new TranscriptApi(this.hub, this.recorder, clock);
    const logger = options.logger ?? debugLoggerFromEnv();
    if (logger) attachDebugLog(this.hub, logger);
    // noDelay: Nagle would merge a fault's fragments and hold small replies for the
    // client's delayed ACK; pipelined replies are batched with cork() instead.
    // allowHalfOpen: a client that half-closes still gets its pipelined replies.
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
      this.accept(socket, 'none'),
    );
    this.server.on('error', () => {});
    if (options.tlsPort !== undefined) {
      if (!this.serverTls) throw new Error('pop3-mock: tlsPort needs TLS; do not pass tls: false');
      this.tlsServer = createServer({ allowHalfOpen: true, noDelay: true }, (socket) =>
        this.accept(socket, 'implicit'),
      );
      this.tlsServer.on('error', () => {});
    }
  }

  /** Whether STLS is offered (TLS on and the `stls` capability set). */
  get offersStls(): boolean {
    return this.serverTls !== undefined && this.host_.capabilities.stls;
  }

  /**
   * The server's TLS material: `ca` is the certificate a client should
   * trust (e.g. `tls.connect({ ca: pop3.tls.ca })`, `curl --cacert`).
   * Throws when TLS is off.
   */
  get tls(): { ca: string; cert: string; key: string } {
    if (!this.serverTls) throw new Error('pop3-mock: TLS is off (tls: false)');
    return this.serverTls.material;
  }

  /** `console.log` shows addresses and counts, never a password or the control token. */
  [inspect.custom](_depth: number, options: InspectOptions): string {
    const view = {
      host: this.host,
      port: this.port,
      tlsPort: this.tlsPort,
      controlUrl: this.controlUrl,
      users: this.users(),
      sessions: this.recorder.sessions.length,
    };
    return `Pop3Mock ${inspect(view, options)}`;
  }

  /** `pop3://host:port`, for clients that take a URL. */
  get url(): string {
    return `pop3://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** Every session so far, oldest first, live ones included. */
  get sessions(): readonly SessionRecord[] {
    return this.recorder.sessions;
  }

  /** The control API's base URL, when `control` was given. */
  get controlUrl(): string | undefined {
    return this.control?.url;
  }

  /** The control API's bearer token, when `control` was given. */
  get controlToken(): string | undefined {
    return this.control?.token;
  }

  /** @internal The control server, for the browser view to mount on. */
  get controlServer(): ControlServer | undefined {
    return this.control;
  }

  /** User names, in the order they were added. */
  users(): string[] {
    return [...this.mailboxes.keys()];
  }

  /** Removes a user; its sessions go on with their snapshot. */
  removeUser(user: string): boolean {
    return this.mailboxes.delete(user);
  }

  /** The mailbox of a user; throws for an unknown user. */
  mailbox(user: string): Mailbox {
    const mailbox = this.mailboxes.get(user);
    if (!mailbox) {
      const known = [...this.mailboxes.keys()].join(', ') || 'none';
      throw new Error(`pop3-mock: no user ${JSON.stringify(user)} (users: ${known})`);
    }
    return mailbox;
  }

  /** Adds a user (or replaces one that is not logged in) with its messages. */
  async addUser(user: string, options: UserOptions | string): Promise<Mailbox> {
    const door = { source: 'addUser()' };
    checkInput(userName, user, { ...door, at: 'user' });
    const checked = checkInput(codeUserOrPassword, options, { ...door, at: 'options' });
    return this.storeUser(user, checked);
  }

  /** A checked user into its mailbox (replacing one of the same name). */
  private async storeUser(user: string, options: UserOptions | string): Promise<Mailbox> {
    const { password, messages = [] } = typeof options === 'string' ? { password: options } : options;
    const loaded = await loadMessages(messages, { baseDir: this.options.baseDir });
    const mailbox = new Mailbox(user, password, () => this.host_.clock.now());
    if (typeof options !== 'string') mailbox.oauthToken = options.oauthToken;
    mailbox.add(loaded);
    mailbox.markAsSeed();
    this.mailboxes.set(user, mailbox);
    return mailbox;
  }

  /** Delivers messages to a user's mailbox; they show from the next session on (RFC 1939 §4). */
  async deliver(user: string, messages: MessageSource | readonly MessageSource[]): Promise<MessageInfo[]> {
    const mailbox = this.mailbox(user);
    const checked = checkInput(codeMessages, messages, { source: 'deliver()', at: 'messages' });
    return mailbox.add(await loadMessages(checked, { baseDir: this.options.baseDir }));
  }

  /** Listens to server events: `'session-start'`, `'command'`, `'reply'`, ..., or `'*'` for all. */
  on<T extends Pop3EventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
  on(type: '*', listener: (event: Pop3Event) => void): () => void;
  on(type: Pop3EventType | '*', listener: (event: never) => void): () => void {
    return this.hub.on(type as '*', listener as (event: Pop3Event) => void);
  }

  /** Commands received by every session (or those matching `filter`), as `'RETR 1'`; secrets masked. */
  commands(filter?: SessionFilter): string[] {
    return this.transcripts.commands(filter);
  }

  /** Resolves with the first event matching `predicate`; the timeout error lists what was seen instead. */
  waitFor(predicate: (event: Pop3Event) => boolean, options?: { timeoutMs?: number }): Promise<Pop3Event> {
    return this.transcripts.waitFor(predicate, options);
  }

  /** Resolves with the next command that matches (see {@link CommandPattern}), recorded on arrival. */
  waitForCommand(pattern: CommandPattern, options?: WaitForCommandOptions): Promise<LocatedCommand> {
    return this.transcripts.waitForCommand(pattern, options);
  }

  /** Resolves with the record of the next session to connect. */
  nextSession(options?: { timeoutMs?: number }): Promise<SessionRecord> {
    return this.transcripts.nextSession(options);
  }

  /**
   * Resolves when a session has ended (now, if it already has). Without an
   * argument: the most recent session, or the next one if none started yet.
   */
  sessionEnd(session?: SessionRecord, options?: { timeoutMs?: number }): Promise<SessionRecord> {
    return this.transcripts.sessionEnd(session, options);
  }

  /** Throws a `VerificationError` listing the closest commands unless `pattern` was received (`times`). */
  verify(pattern: CommandPattern, options?: VerifyOptions): void {
    const checked = checkInput(verifyOptions, { pattern, ...options }, { source: 'verify()' });
    this.transcripts.verify(checked.pattern, checked);
  }

  /** The sessions as `C:`/`S:` text; secrets masked unless `{ secrets: true }`; `{ stable: true }` for snapshots. */
  transcript(options?: RenderOptions & SessionFilter): string {
    return this.transcripts.render(options);
  }

  /** Every session as plain data for a JSON file (e.g. kept by CI); secrets masked unless `{ secrets: true }`. */
  exportTranscripts(options?: JsonOptions & SessionFilter): TranscriptExport {
    return this.transcripts.exportJSON(options);
  }

  /** A user's mailbox now, what UPDATE removed from it and what its sessions retrieved. */
  outcome(user: string): MailboxOutcome {
    return this.transcripts.outcome(this.mailbox(user));
  }

  /** Back to the start: mailboxes as seeded, transcripts forgotten. Live sessions go on. */
  async reset(): Promise<void> {
    for (const mailbox of this.mailboxes.values()) mailbox.reset();
    this.recorder.clear();
    this.faults.reset();
    for (const session of this.live) session.cancelFaults();
  }

  /**
   * Adds fault rules, active when the promise resolves. The newest rule is
   * checked first; `reset()` removes them (rules from the `faults` option stay).
   *
   * @example
   * await pop3.use(on('RETR').nth(2).reply('-ERR [SYS/TEMP] try later'));
   */
  async use(...rules: FaultRuleInput[]): Promise<void> {
    for (const rule of acceptRules(rules, { source: 'use()', at: 'rules' })) this.faults.add(rule, 'runtime');
  }

  /** Every fault rule with its hit count, newest first. */
  rules(): RuleStatus[] {
    return this.faults.status();
  }

  /** Rules that never fired: a test can fail when a fault it set up never happened. */
  pendingRules(): BuiltRule[] {
    return this.faults
      .status()
      .filter((s) => s.hits === 0)
      .map((s) => s.rule);
  }

  /** Removes one fault rule by id; false when there was none. */
  removeRule(id: string): boolean {
    return this.faults.remove(id);
  }

  /**
   * Stops the server: ends every session (no UPDATE), destroys every socket,
   * cancels every timer, and resolves when the port is free.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stopped = [this.server, this.tlsServer].map(
      (server) =>
        new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve())),
    );
    for (const session of this.live) session.destroy();
    await Promise.all([...stopped, this.control?.close(), this.smtp?.close()]);
    await this.transcripts.cancelWaits('the server was closed');
  }

  /** @internal */
  async start(): Promise<void> {
    if (typeof this.options.faults === 'string') {
      for (const rule of await loadFaultFixture(this.options.faults, this.options.baseDir))
        this.faults.add(rule, 'options');
    }
    for (const [user, options] of Object.entries(this.options.users ?? {}))
      await this.storeUser(user, options);
    const fallback = this.options.portFallback ?? true;
    if (this.options.control) {
      const control = this.options.control === true ? {} : this.options.control;
      this.control = new ControlServer(this, control);
      mountUi(this, this.control);
      await this.control.listen(control.port ?? 0);
    }
    if (this.options.smtp) {
      const smtp = this.options.smtp === true ? {} : this.options.smtp;
      this.smtp = await startSmtpIntake(
        {
          userFor: (address) => this.userForAddress(address),
          deliverRaw: async (user, message) => void (await this.deliver(user, message)),
        },
        this.host,
        smtp,
      );
      this.smtpPort = this.smtp.port;
    }
    this.port = await listen(this.server, this.host, this.options.port ?? 0, fallback);
    if (this.tlsServer)
      this.tlsPort = await listen(this.tlsServer, this.host, this.options.tlsPort ?? 0, fallback);
  }

  /** SMTP recipient to user: the whole address if such a user exists, else its local part. */
  private userForAddress(address: string): string | undefined {
    if (this.mailboxes.has(address)) return address;
    const local = address.split('@')[0] ?? '';
    return this.mailboxes.has(local) ? local : undefined;
  }

  private accept(socket: Socket, tls: TlsMode): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const max = this.options.maxSessions;
    if (max !== undefined && this.live.size >= max) {
      // Recorded as a session of its own; never rejects (a failure is an internal error).
      void refuseConnection(socket, this.nextSessionId++, this.host_);
      return;
    }
    const id = this.nextSessionId++;
    let session: Session | undefined;
    const connection = new Connection(socket, (byServer) => {
      if (!session) return;
      this.live.delete(session);
      session.onClosed(byServer);
    });
    session = new Session(id, this.host_, connection, tls);
    this.live.add(session);
    session.start().catch(() => connection.destroy());
  }
}

function dialectNamed(name: string): Dialect {
  if (!isDialectName(name)) {
    throw new Error(
      `pop3-mock: unknown dialect ${JSON.stringify(name)} (known: ${Object.keys(dialects).join(', ')})`,
    );
  }
  return dialects[name];
}

/**
 * Starts a mock POP3 server and resolves once it is listening.
 *
 * @example
 * const pop3 = await startPop3Mock({ users: { alice: { password: 'secret', messages: ['fixtures/a.eml'] } } });
 * // ... point the code under test at pop3.host and pop3.port ...
 * await pop3.close();
 */
export async function startPop3Mock(options: Pop3MockOptions = {}): Promise<Pop3Mock> {
  // Checked before anything listens: a wrong option fails here, naming its path.
  const mock = new Pop3Mock(
    checkInput(pop3MockOptions, options, { source: 'pop3-mock options', noun: 'option' }),
  );
  try {
    await mock.start();
  } catch (error) {
    await mock.close();
    throw error;
  }
  return mock;
}
