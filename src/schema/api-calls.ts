import * as z from 'zod';
import { EVENT_TYPES, type Pop3Event, type Pop3EventType } from '../vocabulary';
import { checkInput, type Door, show } from './check';
import { faultRules } from './fault-rule';
import { InputError, type InputIssue } from './input-error';
import { codeMessages, codeUserOrPassword, controlToken } from './options';
import { codeOnly, int, ruleId, userName } from './primitives';
import {
  codeWaitForCommand,
  exportOptions,
  filterOptions,
  renderOptions,
  SINCE_WITH_SESSION,
  sessionWaitOptions,
  transcriptOptions,
  verifyOptions,
  waitTimeoutOptions,
} from './queries';

/*
 * The arguments of every call of the test API (`Pop3MockApi`), checked here
 * once. The in-process server and the remote client both check with these
 * before they act, so a bad argument is the same `InputError`, naming the
 * same call and path, on both sides. (The control API checks an HTTP
 * request's parts with schemas of its own, which name the request.)
 */

const door = (call: string, at?: string): Door => ({ source: `${call}()`, ...(at ? { at } : {}) });

/** Which sessions a query reads: `listSessions()`, `droppedSessions()`, `commands()`. */
export function checkFilter(call: 'listSessions' | 'droppedSessions' | 'commands', filter: unknown) {
  return checkInput(filterOptions, filter ?? {}, door(call));
}

/** A user name given to `removeUser()`, `mailbox()`, `deliver()` or `outcome()`. */
export function checkUser(call: 'removeUser' | 'mailbox' | 'deliver' | 'outcome', user: unknown): string {
  return checkInput(userName, user, door(call, 'user'));
}

export function checkAddUser(user: unknown, options: unknown) {
  return {
    user: checkInput(userName, user, door('addUser', 'user')),
    options: checkInput(codeUserOrPassword, options, door('addUser', 'options')),
  };
}

export function checkDeliver(user: unknown, messages: unknown) {
  return {
    user: checkUser('deliver', user),
    messages: checkInput(codeMessages, messages, door('deliver', 'messages')),
  };
}

/** A message number given to a mailbox's `raw()`: as `messages()` numbers them, from 1. */
export function checkMessageNumber(number: unknown): number {
  return checkInput(int(1), number, door('raw', 'number'));
}

export function checkRuleId(id: unknown): string {
  return checkInput(ruleId, id, door('removeRule', 'id'));
}

/** `use()`'s rules, their shapes only: whether a stored rule has an id is the server's to say. */
export function checkRules(rules: unknown) {
  return checkInput(faultRules, rules, door('use', 'rules'));
}

export function checkTranscript(options: unknown) {
  return checkInput(transcriptOptions, options ?? {}, door('transcript'));
}

/** A session record's `render()` options: `transcript()`'s, but for which sessions. */
export function checkRender(options: unknown) {
  return checkInput(renderOptions, options ?? {}, door('render'));
}

export function checkExport(options: unknown) {
  return checkInput(exportOptions, options ?? {}, door('exportTranscripts'));
}

export function checkVerify(pattern: unknown, options: unknown) {
  return checkInput(verifyOptions, { pattern, ...spreadable('verify', options) }, door('verify'));
}

export function checkWaitForCommand(pattern: unknown, options: unknown) {
  return checkInput(
    codeWaitForCommand,
    { pattern, ...spreadable('waitForCommand', options) },
    door('waitForCommand'),
  );
}

export function checkSessionWait(call: 'nextSession' | 'sessionEnd', options: unknown) {
  return checkInput(sessionWaitOptions, options ?? {}, door(call));
}

// The schemas of this file are made on first use (z.lazy), as the control API's are: every process
// that loads the package loads this file, and most never hand over a bad argument.
const session = z.lazy(() =>
  z.union([int(1), codeOnly<object>(isSessionRecord, 'a SessionRecord')], {
    error: 'expected a session: a SessionRecord or its id (an integer >= 1)',
  }),
);

/**
 * `sessionEnd()`'s session: a record, an id, or none (the latest); `since` only with none, as it picks the session.
 * `R` is the record type the caller declares (`SessionRecord`, which schema/ cannot import: transcript/ imports schema/).
 */
export function checkSessionEnd<R extends object>(which: R | number | undefined, options: unknown) {
  const checked = {
    session:
      which === undefined
        ? undefined
        : (checkInput(session, which, door('sessionEnd', 'session')) as R | number),
    options: checkSessionWait('sessionEnd', options),
  };
  if (checked.session !== undefined && checked.options.since !== undefined)
    throw new InputError([{ path: 'since', message: SINCE_WITH_SESSION }], 'sessionEnd()');
  return checked;
}

const predicate = z.lazy(() =>
  codeOnly<(event: Pop3Event) => boolean>(
    (v) => typeof v === 'function',
    'a function of an event that returns true for the one to wait for',
  ),
);

/**
 * An isolated user's `sessionEnd()`: only a time limit. It picks the session
 * itself (its user's latest), so `since` would be ignored, and without a
 * session yet it waits through `waitFor()`: one check for both ways.
 */
export function checkIsolatedSessionEnd(options: unknown) {
  return checkInput(waitTimeoutOptions, options ?? {}, door('sessionEnd'));
}

export function checkWaitFor(test: unknown, options: unknown) {
  return {
    predicate: checkInput(predicate, test, door('waitFor', 'predicate')),
    options: checkInput(waitTimeoutOptions, options ?? {}, door('waitFor')),
  };
}

const eventType = z.lazy(() =>
  z.enum(['*', ...EVENT_TYPES] as [Pop3EventType | '*', ...(Pop3EventType | '*')[]], {
    error: `expected an event type (${EVENT_TYPES.join(', ')}) or '*' for all`,
  }),
);
const listener = z.lazy(() =>
  codeOnly<(event: Pop3Event) => void>((v) => typeof v === 'function', 'a function'),
);

/** `on()`: a type no event has would listen to nothing, silently. */
export function checkOn(type: unknown, listen: unknown) {
  return {
    type: checkInput(eventType, type, door('on', 'type')),
    listener: checkInput(listener, listen, door('on', 'listener')),
  };
}

const anyOptions = z.lazy(() => z.looseObject({}).optional());

/** Options given beside a pattern, as an object (or none) to spread beside it: `5` is refused, not spread to nothing. */
function spreadable(call: string, options: unknown): object {
  return checkInput(anyOptions, options, door(call, 'options')) ?? {};
}

const isolatedUserOptions = z.lazy(() =>
  z.strictObject({
    messages: codeMessages.optional(),
    // The start of a user name: the name is `${prefix}-<12 hex digits>`.
    prefix: userName.optional(),
  }),
);
const sharedServer = z.lazy(() =>
  codeOnly<object>(
    (v) => typeof v === 'object' && v !== null && typeof (v as { addUser?: unknown }).addUser === 'function',
    'the client connectPop3Mock() resolves with (or a server startPop3Mock() resolves with)',
  ),
);

/**
 * The options an isolated user's `verify()` is given, to spread beside its
 * own user: an object or none, as the server's `verify()` takes them (`5`
 * spread to nothing would verify "at least once"), and no other user's
 * sessions (the spread would read this user's instead).
 */
export function checkIsolatedVerify(options: unknown, user: string): object {
  const given = spreadable('verify', options);
  const other: unknown = (given as { user?: unknown }).user;
  if (other !== undefined && other !== user)
    throw new InputError(
      [
        {
          path: 'options.user',
          message: `expected no user or ${user}: an isolated user verifies only its own sessions, not ${show(other)}'s`,
        },
      ],
      'verify()',
    );
  return given;
}

export function checkIsolatedUser(server: unknown, options: unknown) {
  checkInput(sharedServer, server, door('createIsolatedUser', 'server'));
  return checkInput(isolatedUserOptions, options ?? {}, door('createIsolatedUser', 'options'));
}

/**
 * The control API's address: scheme, host and port, as `controlUrl` gives it.
 * The client adds the API's paths (`/api/...`): a URL with a path (`.../api`,
 * the browser view's `/ui/` link), query or fragment reached no endpoint and
 * failed with a 404's or an HTML page's words, or as "no answer" from a
 * running server.
 */
const controlApiUrl = z
  .string()
  .regex(/^https?:\/\/[^/\s]+/, { error: 'expected the control API URL, such as http://127.0.0.1:4000' })
  // Only a URL with its scheme: one without is the check above's.
  .regex(/^https?:\/\/[^/\s?#]+\/?$|^(?!https?:\/\/)/, {
    error:
      'expected the control API URL with no path, query or fragment, such as http://127.0.0.1:4000 (the client adds /api/...)',
  });

const connectOptions = z.lazy(() =>
  z.strictObject({
    url: controlApiUrl.optional(),
    token: controlToken.optional(),
  }),
);

/** Where a connection's URL and token came from, for the messages of its refusals. */
export interface ConnectTarget {
  url: string;
  token: string;
  /** `options.url` or `POP3_MOCK_CONTROL_URL`. */
  urlFrom: string;
  /** `options.token` or `POP3_MOCK_TOKEN`. */
  tokenFrom: string;
}

/**
 * `connectPop3Mock()`'s options, then the environment the jest global setup
 * fills (`POP3_MOCK_CONTROL_URL`, `POP3_MOCK_TOKEN`, empty counting as unset):
 * the URL and token, checked by the options' schemas and named as the
 * variable when read from it, or an InputError naming the one missing.
 */
export function checkConnect(options: unknown, env: NodeJS.ProcessEnv): ConnectTarget {
  const given = checkInput(connectOptions, options ?? {}, door('connectPop3Mock', 'options'));
  const fromEnv = <T>(schema: z.ZodType<T>, name: string): T | undefined => {
    const value = env[name] || undefined;
    return value === undefined ? undefined : checkInput(schema, value, { source: 'environment', at: name });
  };
  const url = given.url ?? fromEnv(controlApiUrl, 'POP3_MOCK_CONTROL_URL');
  const token = given.token ?? fromEnv(controlToken, 'POP3_MOCK_TOKEN');
  const issues: InputIssue[] = [];
  if (!url)
    issues.push({
      path: 'options.url',
      message:
        "expected the control API URL: pass { url } or set POP3_MOCK_CONTROL_URL (pop3-mock's jest global setup sets it for its workers)",
    });
  if (!token)
    issues.push({
      path: 'options.token',
      message:
        "expected the control API token: pass { token } or set POP3_MOCK_TOKEN (pop3-mock's jest global setup sets it for its workers)",
    });
  if (!url || !token) throw new InputError(issues, 'connectPop3Mock()');
  return {
    url,
    token,
    urlFrom: given.url === undefined ? 'POP3_MOCK_CONTROL_URL' : 'options.url',
    tokenFrom: given.token === undefined ? 'POP3_MOCK_TOKEN' : 'options.token',
  };
}

/**
 * A session record by its shape, not `instanceof`: a record from the other
 * module format's copy of the package (CJS beside ESM) works too, as it does
 * for the matchers.
 */
function isSessionRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as { id?: unknown; locatedCommands?: unknown; events?: unknown };
  return (
    Number.isInteger(record.id) &&
    typeof record.locatedCommands === 'function' &&
    Array.isArray(record.events)
  );
}

const PRINT_MODES = ['failed', 'always', 'never'] as const;
const printMode = z.enum(PRINT_MODES, { error: 'expected "failed", "always" or "never"' });
const usePop3MockSettings = z.lazy(() => {
  const hook = codeOnly<(...args: never[]) => unknown>(
    (v) => typeof v === 'function',
    "a hook function of the test runner (its beforeAll, afterAll, beforeEach or afterEach; node:test's before, after, beforeEach, afterEach)",
  ).optional();
  return z.strictObject({
    before: hook,
    after: hook,
    afterEach: hook,
    beforeEach: hook,
    beforeAll: hook,
    afterAll: hook,
    printTranscript: printMode.optional(),
    print: codeOnly<(text: string) => void>((v) => typeof v === 'function', 'a function').optional(),
    resetAfterEach: z.boolean().optional(),
  });
});

/**
 * `usePop3Mock()`'s settings, and `POP3_MOCK_PRINT`: a misspelt one was
 * passed over (`printTranscript: 'alway'` printed nothing, `resetAfterEch`
 * reset all the same). Its options are checked by `startPop3Mock()`.
 */
export function checkUsePop3MockSettings(settings: unknown, env: NodeJS.ProcessEnv = process.env) {
  const checked = checkInput(usePop3MockSettings, settings ?? {}, door('usePop3Mock', 'settings'));
  const fromEnv = env.POP3_MOCK_PRINT || undefined;
  const printFromEnv =
    fromEnv === undefined
      ? undefined
      : checkInput(printMode, fromEnv, { source: 'environment', at: 'POP3_MOCK_PRINT' });
  return { ...checked, printFromEnv };
}
