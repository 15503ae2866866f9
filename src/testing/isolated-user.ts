import { randomBytes } from 'node:crypto';
import { refuseEach } from '../faults/accept-rules';
import { withExplain } from '../faults/builder';
import type { FaultRule } from '../faults/rule';
import type { MessageSource } from '../fixtures/types';
import type { Pop3MockApi, Where } from '../mock-api';
import {
  checkIsolatedSessionEnd,
  checkIsolatedUser,
  checkIsolatedVerify,
  checkRules,
} from '../schema/api-calls';
import { InputError } from '../schema/input-error';
import { UserLoggedInError } from '../server/user-logged-in-error';
import type { SessionRecord } from '../transcript/session-record';
import type { Times } from '../transcript/verify';
import { WaitTimeoutError } from '../transcript/waiting';

/** Options of {@link createIsolatedUser}. */
export interface IsolatedUserOptions {
  /** The messages the mailbox starts with (and goes back to on `reset()`). */
  messages?: MessageSource | readonly MessageSource[];
  /** Start of the user name. Default `w<JEST_WORKER_ID>` (or `p<pid>` outside jest). */
  prefix?: string;
}

/**
 * A user of its own on a shared server: random credentials, and queries,
 * waits and faults scoped to it, so tests running in parallel against one
 * server (jest workers) never see each other's mail or faults.
 */
export interface IsolatedUser {
  /** The random user name, e.g. `w1-3f9a0c1b2d4e`. */
  readonly user: string;
  /** The random password. */
  readonly password: string;
  /**
   * Adds fault rules that fire only in this user's sessions (the rules get
   * `user` set and an id of their own). Connection-level rules (`connection()`,
   * `onConnection()`) cannot be scoped to a user and are refused, as is a rule
   * `forUser()` another user.
   */
  use(...rules: FaultRule[]): Promise<void>;
  /** Delivers more messages to this user. */
  deliver(messages: MessageSource | readonly MessageSource[]): Promise<void>;
  /** The user's sessions (logged-in ones), oldest first. */
  sessions(): Promise<readonly SessionRecord[]>;
  /** The user's sessions as `C:`/`S:` text, secrets masked. */
  transcript(): Promise<string>;
  /** The commands of the user's sessions, as `'RETR 1'`. */
  commands(): Promise<string[]>;
  /** Rejects with a `VerificationError` unless the user's sessions received the command. */
  verify(pattern: string | RegExp, options?: { times?: Times }): Promise<number>;
  /**
   * Resolves when the user's latest session, as of the call, has ended (now,
   * if it has). Before the user's first login it waits for that session to
   * log in (or be refused as the user), then to end, each within `timeoutMs`
   * (else a `WaitTimeoutError`). A session that has not tried the user yet is
   * no session of the user: to wait for the end of one about to begin, call
   * this after its login.
   */
  sessionEnd(options?: { timeoutMs?: number }): Promise<SessionRecord>;
  /**
   * Mailbox back to its first messages, this user's fault rules removed.
   * Other users are untouched. The user's sessions stay recorded (the server
   * forgets sessions only on a global reset): for a test that checks
   * commands or transcripts, create a user per test instead (`beforeEach`).
   */
  reset(): Promise<void>;
  /**
   * Removes the user and its fault rules. A session logged in as the user is
   * waited for (up to 1 s: a client that has just closed or sent QUIT), then
   * the user goes. One still logged in after that makes it reject with a
   * `UserLoggedInError`, and the user stays (its rules are removed): end the
   * client's session first. So does an eleventh session logged in after ten
   * were waited for in turn (a client still polling).
   */
  remove(): Promise<void>;
}

/** How long `remove()` waits for a session still logged in as the user to end. */
const END_WAIT_MS = 1_000;
/** How many such sessions `remove()` waits for in turn: a client that keeps logging in would hold it for ever. */
const MOST_SESSIONS_WAITED = 10;

/**
 * Creates a user with fresh random credentials on a shared server (the one
 * the jest global setup started, reached with `connectPop3Mock()`), so tests
 * in parallel workers never see each other's mail, faults or sessions. It
 * takes either side of {@link Pop3MockApi}: the remote client, typed as the
 * class or as `Pop3MockApi<'remote'>`, or an in-process server shared by
 * tests run at once.
 *
 * Create one per test (`beforeEach`, and `remove()` in `afterEach`): it
 * costs one HTTP request. In a shared server, never call `remote.reset()`:
 * it resets every worker's mailboxes, faults and transcripts.
 *
 * @example
 * const remote = await connectPop3Mock();
 * const mine = await createIsolatedUser(remote, { messages: ['Subject: hi\r\n\r\nbody\r\n'] });
 * await mine.use(on('RETR').once().reply('-ERR [SYS/TEMP] try later'));
 * await fetchMail({ host: remote.host, port: remote.port, user: mine.user, password: mine.password });
 * await mine.verify('RETR 1', { times: 2 });
 * await mine.remove();
 */
export async function createIsolatedUser(
  remote: Pop3MockApi<Where>,
  options: IsolatedUserOptions = {},
): Promise<IsolatedUser> {
  const checked = checkIsolatedUser(remote, options);
  const prefix = checked.prefix ?? defaultPrefix();
  const user = `${prefix}-${randomBytes(6).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await remote.addUser(user, { password, messages: checked.messages ?? [] });
  const ruleIds = new Set<string>();
  let nextRule = 1;

  const removeRules = async () => {
    for (const id of ruleIds) await remote.removeRule(id);
    ruleIds.clear();
  };

  return {
    user,
    password,
    async use(...given) {
      const rules = checkRules(given);
      refuseEach(rules, { source: 'use()', at: 'rules' }, [], (rule) =>
        rule.trigger.point === 'connect' || rule.connection !== undefined
          ? `expected a rule on commands: this one acts on connections, before any login, so it cannot be limited to user ${user}; use a server of its own (startPop3Mock) for connection faults`
          : undefined,
      );
      // Scoping sets `user`: a rule for another user would silently become one for this user.
      refuseEach(rules, { source: 'use()', at: 'rules' }, ['user'], (rule) =>
        rule.user !== undefined && rule.user !== user
          ? `expected no user or ${user}: the rules of an isolated user fire only in its sessions, not in ${rule.user}'s`
          : undefined,
      );
      const scoped = rules.map((rule) => withExplain({ ...rule, id: `${user}-rule-${nextRule++}`, user }));
      await remote.use(...scoped).catch((error: unknown) => {
        throw scopingRefused(error, rules);
      });
      for (const rule of scoped) ruleIds.add(rule.id);
    },
    async deliver(messages) {
      await remote.deliver(user, messages);
    },
    // Promises either way: an in-process server answers at once.
    sessions: async () => remote.listSessions({ user }),
    transcript: async () => remote.transcript({ user }),
    commands: async () => remote.commands({ user }),
    verify: async (pattern, verifyOptions) =>
      remote.verify(pattern, { ...checkIsolatedVerify(verifyOptions, user), user }),
    async sessionEnd(options) {
      const waitOptions = checkIsolatedSessionEnd(options);
      const latest = (await remote.listSessions({ user })).at(-1);
      if (latest) return remote.sessionEnd(latest.id, waitOptions);
      // None yet: the first login as the user, or one refused as it (a session of the user's too,
      // as { user } selects it), names the session to wait for.
      const login = await remote.waitFor((e) => e.type === 'auth' && e.user === user, waitOptions);
      return remote.sessionEnd(login.sessionId, waitOptions);
    },
    async reset() {
      await removeRules();
      await remote.mailbox(user).reset();
    },
    async remove() {
      await removeRules();
      // A client that has just closed or sent QUIT may still be logged in on the server's
      // side: each such session's end first (within END_WAIT_MS), then the removal.
      for (let waited = 0; ; waited++) {
        try {
          await remote.removeUser(user);
          return;
        } catch (error) {
          if (!(error instanceof UserLoggedInError)) throw error;
          if (waited === MOST_SESSIONS_WAITED) {
            throw new UserLoggedInError(
              user,
              error.sessionId,
              'removeUser',
              `remove() waited for ${waited} sessions of the user to end, one after another, and another is logged in: stop the client first`,
            );
          }
          const ended = await remote.sessionEnd(error.sessionId, { timeoutMs: END_WAIT_MS }).then(
            () => true,
            (waitError: unknown) => {
              if (waitError instanceof WaitTimeoutError) return false;
              throw waitError;
            },
          );
          // Still logged in: the client holds its session open. The refusal says so.
          if (!ended) throw error;
        }
      }
    },
  };
}

/**
 * The server's refusal of a scoped rule, saying when the scoping made it: a
 * rule given for no user that acts only before login on lines that name none
 * (`on('STLS').failHandshake()`, a QUIT in AUTHORIZATION) could never fire
 * for this user, as a connection rule could not.
 */
function scopingRefused(error: unknown, given: readonly { readonly user?: string }[]): unknown {
  if (!(error instanceof InputError)) return error;
  const issues = error.issues.map((issue) => {
    const at = /^rules\[(\d+)\]\.user$/.exec(issue.path)?.[1];
    if (at === undefined || given[Number(at)]?.user !== undefined) return issue;
    return {
      ...issue,
      message: `${issue.message}; the rules of an isolated user fire only in its sessions: use a server of its own (startPop3Mock) for this fault`,
    };
  });
  return new InputError(issues, error.source);
}

function defaultPrefix(): string {
  const worker = process.env.JEST_WORKER_ID ?? process.env.VITEST_POOL_ID;
  return worker === undefined ? `p${process.pid}` : `w${worker}`;
}
