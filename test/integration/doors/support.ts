// Shared by the door tables: the rules the issue reported, each with the
// issues the wording rules of src/schema/check.ts give it (paths relative to
// the rule), and a normal POP3 session to prove a refusal changed nothing.
import { type Pop3Mock, type Pop3MockOptions, startPop3Mock } from '../../../src';
import { main } from '../../../src/cli/main';
import { hostProcess, watchHost } from '../../helpers/host-errors';
import { RawClient } from '../../helpers/raw-client';

export const USER = 'alice';
export const PASSWORD = 'secret';
export const MESSAGE = 'Subject: one\r\n\r\nbody\r\n';

const ON_RETR = { point: 'command', verbs: ['RETR'] } as const;

/** A good rule with a lower-case verb: accepted (verbs any case), and RETR 1 then gets this line. */
export const LOWER_CASE_RULE = {
  trigger: { point: 'command', verbs: ['retr'] },
  action: { type: 'reply', lines: ['-ERR [SYS/TEMP] lower-case verb fired'] },
} as const;
export const GOOD_RULE = { trigger: ON_RETR, action: { type: 'close' } } as const;

const ACTION_TYPES =
  '"reply", "delay", "hang", "close", "reset", "close-after-bytes", "reset-after-bytes", "garbage", ' +
  '"throttle", "fragment", "stall", "no-terminator", "stls-handshake-failure", "inject-after-reply", ' +
  '"size-skew", "no-dot-stuffing", "bare-lf", "uidl", "top-ignores-count", "renumber-after-dele"';
const DELAY_FORMS =
  'expected milliseconds (a number from 0 to 3600000), { "uniform": [min, max] } or { "lognormal": { "median", "sigma" } }';

/** One issue, its path relative to the rule (`''` for the rule itself, else `.action.bytes`). */
export type RelativeIssue = readonly [path: string, message: string];

/** [what, rule, issues]: every rule here must be refused at every door that takes rules. */
const PROBABILITY = 'expected a number above 0 and at most 1 (a chance of 0 never fires: leave the rule out)';

export const BAD_RULES: readonly (readonly [string, unknown, readonly RelativeIssue[]])[] = [
  [
    'an unknown action type',
    { trigger: ON_RETR, action: { type: 'explode' } },
    [['.action.type', `expected one of ${ACTION_TYPES}, got "explode"`]],
  ],
  [
    'close-after-bytes -3',
    { trigger: ON_RETR, action: { type: 'close-after-bytes', bytes: -3 } },
    [['.action.bytes', 'expected an integer >= 0, got -3']],
  ],
  [
    'close-after-bytes "abc"',
    { trigger: ON_RETR, action: { type: 'close-after-bytes', bytes: 'abc' } },
    [['.action.bytes', 'expected an integer >= 0, got "abc"']],
  ],
  [
    'probability 30',
    { trigger: ON_RETR, probability: 30, action: { type: 'close' } },
    [['.probability', `${PROBABILITY}, got 30`]],
  ],
  // A chance of 0 never fires: the test would believe it set a fault.
  [
    'probability 0',
    { trigger: ON_RETR, probability: 0, action: { type: 'close' } },
    [['.probability', `${PROBABILITY}, got 0`]],
  ],
  [
    'the unknown key forUser',
    { trigger: ON_RETR, forUser: 'bob', action: { type: 'close' } },
    [['', 'unknown key "forUser"']],
  ],
  [
    'reply without lines',
    { trigger: ON_RETR, action: { type: 'reply' } },
    [['.action.lines', 'expected an array, got nothing']],
  ],
  [
    'delay with ms instead of delay',
    { trigger: ON_RETR, action: { type: 'delay', ms: 100 } },
    [
      ['.action.delay', `${DELAY_FORMS}, got nothing`],
      ['.action', 'unknown key "ms"'],
    ],
  ],
  [
    'a command rule without verbs',
    { trigger: { point: 'command' }, action: { type: 'close' } },
    [['.trigger.verbs', 'expected an array, got nothing']],
  ],
  [
    'an empty verb list',
    { trigger: { point: 'command', verbs: [] }, action: { type: 'close' } },
    [['.trigger.verbs', 'expected at least one verb, e.g. ["RETR"] or ["*"], got []']],
  ],
  [
    'a verb with its argument',
    { trigger: { point: 'command', verbs: ['RETR 1'] }, action: { type: 'close' } },
    [['.trigger.verbs[0]', 'expected a command verb such as "RETR", or "*", got "RETR 1"']],
  ],
  [
    'a bug mode on a verb it does not bend',
    { trigger: { point: 'command', verbs: ['stat'] }, action: { type: 'uidl', mode: 'duplicate' } },
    [['.action.type', 'expected a verb it applies to: "uidl" changes only UIDL, the rule names STAT']],
  ],
  [
    'an argument with a space (a line is split at spaces: it never matches)',
    { trigger: { point: 'command', verbs: ['PASS'], args: ['my secret'] }, action: { type: 'close' } },
    [
      [
        '.trigger.args[0]',
        'expected an argument: not empty, no spaces (a command line is split at spaces: give each part as its own argument), got "my secret"',
      ],
    ],
  ],
  [
    'an empty argument',
    { trigger: { point: 'command', verbs: ['RETR'], args: [''] }, action: { type: 'close' } },
    [
      [
        '.trigger.args[0]',
        'expected an argument: not empty, no spaces (a command line is split at spaces: give each part as its own argument), got ""',
      ],
    ],
  ],
  [
    'a command rule in UPDATE (no command is read there: it never fires)',
    { trigger: { point: 'command', verbs: ['QUIT'], state: 'UPDATE' }, action: { type: 'close' } },
    [
      [
        '.trigger.state',
        'expected "AUTHORIZATION" or "TRANSACTION": no command is read in UPDATE, which QUIT ends the session in, got "UPDATE"',
      ],
    ],
  ],
  [
    'per without nth',
    { trigger: ON_RETR, per: 'session', action: { type: 'close' } },
    [['.per', 'expected "per" only together with "nth"']],
  ],
  [
    'failHandshake in TRANSACTION',
    {
      trigger: { point: 'command', verbs: ['STLS'], state: 'TRANSACTION' },
      action: { type: 'stls-handshake-failure' },
    },
    [
      [
        '.trigger.state',
        'expected "AUTHORIZATION" or no state: STLS starts TLS only in AUTHORIZATION (RFC 2595 §4), the rule names TRANSACTION',
      ],
    ],
  ],
  [
    'a size skew of 0 (it changes no size: it never fires)',
    { trigger: { point: 'command', verbs: ['LIST'] }, action: { type: 'size-skew', octets: 0 } },
    [['.action.octets', 'expected octets other than 0, got 0']],
  ],
  [
    'nth 2 per session on a connection (a session connects once: it never fires)',
    { trigger: { point: 'connect' }, nth: 2, per: 'session', action: { type: 'delay', delay: 10 } },
    [
      [
        '.nth',
        'expected nth 1 with "per": "session" on a connection rule: a session connects once, so its connect number 2 never comes',
      ],
    ],
  ],
  [
    'greeting as a command verb (no client sends it: it never fires)',
    { trigger: { point: 'command', verbs: ['greeting'] }, action: { type: 'close' } },
    [
      [
        '.trigger.verbs[0]',
        'expected a command verb: the greeting is no command, write the trigger {"point": "connect"}, got "GREETING"',
      ],
    ],
  ],
];

/** The issues of a bad rule at index `i` of a list the door calls `at` (`rules`, `faults`, or `''` for a file). */
export function issuesAt(at: string, i: number, issues: readonly RelativeIssue[]) {
  return issues.map(([path, message]) => ({ path: `${at}[${i}]${path}`, message }));
}

/** The InputError message: `SOURCE: path: message; ...` (a problem with the whole input has no path). */
export function messageOf(source: string, issues: readonly { path: string; message: string }[]): string {
  return `${source}: ${issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ')}`;
}

/** `pop3-mock ARGS` through main() in this process, in `cwd`: the exit code and what it printed. */
export async function runMain(args: readonly string[], cwd = process.cwd()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, cwd);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** USER/PASS/STAT/QUIT as a client would: the server still serves normally. */
export async function expectNormalSession(port: number, messages = 1): Promise<void> {
  const client = await RawClient.login(port, USER, PASSWORD);
  expect(await client.command('STAT')).toBe(`+OK ${messages} ${Buffer.byteLength(MESSAGE)}`);
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await client.closed();
}

/** RETR 1 gets the line the lower-case rule replies with. */
export async function expectLowerCaseRuleFires(port: number): Promise<void> {
  const client = await RawClient.login(port, USER, PASSWORD);
  expect(await client.command('retr 1')).toBe(LOWER_CASE_RULE.action.lines[0]);
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await client.closed();
}

/**
 * How many TCP servers this process holds once handles being closed are gone
 * (a refused start must leave none behind; a failed bind closes its handle
 * asynchronously).
 */
export async function listeningServers(): Promise<number> {
  // Two turns of the event loop: a close started before the call has run its close callback by then.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  return hostProcess.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}

/**
 * One mock for a test file ({@link USER} with one message, plus `options`):
 * reset after each test, which must leave nothing in the host process.
 */
export function sharedMock(options: Pop3MockOptions = {}): { readonly pop3: Pop3Mock } {
  const host = watchHost();
  const side = {} as { pop3: Pop3Mock };
  beforeAll(async () => {
    side.pop3 = await startPop3Mock({
      users: { [USER]: { password: PASSWORD, messages: [MESSAGE] } },
      ...options,
    });
  });
  afterAll(async () => {
    await side.pop3?.close();
    host.stop();
  });
  afterEach(async () => {
    await side.pop3.reset();
    await host.assertClean();
  });
  return side;
}
