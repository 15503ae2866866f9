// The startPop3Mock() door (and the faults file it reads): bad options are
// refused with the path and the exact message before anything listens; a
// port given as a string of digits is that port, and so is a tlsPort; fault rules in the options
// or a faults file are checked like use() and a lower-case verb fires.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Clock,
  type DialectFile,
  dovecotDialect,
  InputError,
  type Pop3MockOptions,
  startPop3Mock,
} from '../../../src';
import { systemClock } from '../../../src/clock';
import { watchHost } from '../../helpers/host-errors';
import { RawClient } from '../../helpers/raw-client';
import {
  BAD_RULES,
  expectLowerCaseRuleFires,
  GOOD_RULE,
  issuesAt,
  LOWER_CASE_RULE,
  listeningServers,
  MESSAGE,
  messageOf,
  PASSWORD,
  USER,
} from './support';

const SOURCE = 'pop3-mock options';
const PORT_FORMS = 'expected a port: an integer from 0 to 65535, or a string of its digits';
const KEEP_SESSIONS = 'expected a number of ended sessions to keep (an integer >= 1) or "all"';
const CODE_MESSAGE =
  'expected a message: a Buffer, a path, raw text, { raw, uid }, { path } or nodemailer fields';
const users = { [USER]: { password: PASSWORD, messages: [MESSAGE] } };
const host = watchHost();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pop3-doors-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  host.stop();
});
afterEach(() => host.assertClean());

/** Starting with `options` is refused with exactly `issues`, and no server is left listening. */
async function expectRefused(options: unknown, issues: readonly { path: string; message: string }[]) {
  const servers = await listeningServers();
  const refused = startPop3Mock(options as Pop3MockOptions);
  await expect(refused).rejects.toBeInstanceOf(InputError);
  await expect(refused).rejects.toMatchObject({
    message: messageOf(SOURCE, issues),
    path: issues[0]!.path,
    issues,
  });
  expect(await listeningServers()).toBeLessThanOrEqual(servers);
}

test.each<[string, unknown, string]>([
  ['a port of letters and digits', { port: '21a' }, `${SOURCE}: port: ${PORT_FORMS}, got "21a"`],
  // Only the number branch fits the kind, so its own bound is the message.
  ['a port over 65535', { port: 70000 }, `${SOURCE}: port: expected an integer from 0 to 65535, got 70000`],
  ['the option user', { user: { alice: 'pw' } }, `${SOURCE}: unknown option "user"; did you mean "users"?`],
  ['the option tlsport', { tlsport: 995 }, `${SOURCE}: unknown option "tlsport"; did you mean "tlsPort"?`],
  [
    "a user's message",
    { users: { alice: { password: 'pw', message: 'raw' } } },
    `${SOURCE}: users.alice: unknown key "message"; did you mean "messages"?`,
  ],
  [
    'capabilities.uidll',
    { capabilities: { uidll: true } },
    `${SOURCE}: capabilities: unknown key "uidll"; did you mean "uidl"?`,
  ],
  [
    'a user with pasword',
    { users: { bob: { pasword: 'x' } } },
    `${SOURCE}: users.bob.password: expected a password (a non-empty string), got nothing; ` +
      'users.bob: unknown key "pasword"; did you mean "password"?',
  ],
  [
    'a message { raw } of the wrong kind',
    { users: { alice: { password: 'pw', messages: [{ raw: 5 }] } } },
    `${SOURCE}: users.alice.messages[0].raw: expected a string or a Buffer, got 5`,
  ],
  [
    'a message { path } of the wrong kind',
    { users: { alice: { password: 'pw', messages: [{ path: 5 }] } } },
    `${SOURCE}: users.alice.messages[0].path: expected a string, got 5`,
  ],
  [
    // A Buffer is a message form; a Uint8Array is not: one issue, not its indices and methods as unknown keys.
    'a message as a Uint8Array',
    { users: { alice: { password: 'pw', messages: [new Uint8Array([104, 105])] } } },
    `${SOURCE}: users.alice.messages[0]: expected an object, got {"0":104,"1":105}`,
  ],
  [
    'portFallback as text',
    { portFallback: 'no' },
    `${SOURCE}: portFallback: expected true or false, got "no"`,
  ],
  [
    // The second listener failed to bind, told as "port in use" as if another program held it.
    'two listeners asking for one port',
    { port: 41_234, smtp: { port: 41_234, tlsPort: 41_235 }, control: { port: 41_235 } },
    // Named at the later of the two, in the order port, tlsPort, control.port, smtp.port, smtp.tlsPort.
    `${SOURCE}: smtp.port: expected a port no other listener asks for: port asks for 41234 too; smtp.tlsPort: expected a port no other listener asks for: control.port asks for 41235 too`,
  ],
  [
    'tlsPort with tls: false',
    { tls: false, tlsPort: 0 },
    `${SOURCE}: tlsPort: expected no tlsPort with tls: false (implicit TLS needs a certificate)`,
  ],
  [
    'capabilities.stls: true with tls: false',
    { tls: false, capabilities: { stls: true } },
    `${SOURCE}: capabilities.stls: expected false or nothing with tls: false (STLS needs a certificate)`,
  ],
  ['options that are not an object', 'alice', `${SOURCE}: expected an object, got "alice"`],
  [
    'faults as a number',
    { faults: 5 },
    `${SOURCE}: faults: expected a list of fault rules, or the path of a JSON file of them, got 5`,
  ],
  [
    'control as text',
    { control: 'yes' },
    `${SOURCE}: control: expected true, false or { port, token }, got "yes"`,
  ],
  ['control with a misspelt key', { control: { prot: 1 } }, `${SOURCE}: control: unknown key "prot"`],
  ['smtp as a number', { smtp: 25 }, `${SOURCE}: smtp: expected true, false or { port }, got 25`],
  ['tls: true', { tls: true }, `${SOURCE}: tls: expected false or { key, cert, ca }, got true`],
  ['keepSessions 0', { keepSessions: 0 }, `${SOURCE}: keepSessions: ${KEEP_SESSIONS}, got 0`],
  ['keepSessions 2.5', { keepSessions: 2.5 }, `${SOURCE}: keepSessions: ${KEEP_SESSIONS}, got 2.5`],
  ['keepSessions "none"', { keepSessions: 'none' }, `${SOURCE}: keepSessions: ${KEEP_SESSIONS}, got "none"`],
])('%s is refused before anything listens', async (_, options, message) => {
  const servers = await listeningServers();
  await expect(startPop3Mock(options as Pop3MockOptions)).rejects.toThrow(message);
  await expect(startPop3Mock(options as Pop3MockOptions)).rejects.toMatchObject({ message });
  expect(await listeningServers()).toBeLessThanOrEqual(servers);
});

// No own keys: a Date or a Map fitted nodemailer fields and became an empty message (the Map's subject lost).
test.each<[string, unknown, string]>([
  [
    'a Date and a Map as messages',
    [new Date(0), new Map([['subject', 'hi']])],
    `${SOURCE}: users.${USER}.messages[0]: ${CODE_MESSAGE}, got a Date; users.${USER}.messages[1]: ${CODE_MESSAGE}, got a Map`,
  ],
  [
    'a Set as the messages',
    new Set([MESSAGE]),
    `${SOURCE}: users.${USER}.messages: expected a message or a list of messages, got a Set`,
  ],
])('%s: refused, where STAT over the wire showed empty messages', async (_, messages, message) => {
  const outcome = await startPop3Mock({ users: { [USER]: { password: PASSWORD, messages } } } as never).then(
    async (pop3) => {
      // Started anyway: what a client sees, for the failure below.
      const client = await RawClient.login(pop3.port, USER, PASSWORD);
      const stat = await client.command('STAT');
      await client.command('QUIT');
      await client.closed();
      await pop3.close();
      return stat;
    },
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(InputError);
  expect((outcome as InputError).message).toBe(message);
});

test('a class instance of fields, and a plain object, are still messages: STAT counts them', async () => {
  class Fields {
    subject = 'from a class';
    text = 'hello';
  }
  const pop3 = await startPop3Mock({
    users: { [USER]: { password: PASSWORD, messages: [new Fields(), { subject: 'plain', text: 'hi' }] } },
  });
  try {
    const client = await RawClient.login(pop3.port, USER, PASSWORD);
    expect(await client.command('STAT')).toMatch(/^\+OK 2 \d+$/);
    expect((await client.multi('TOP 1 0')).lines).toContain('Subject: from a class');
    await client.command('QUIT');
    await client.closed();
    await expect(pop3.deliver(USER, [new Map()] as never)).rejects.toThrow(
      `deliver(): messages[0]: ${CODE_MESSAGE}, got a Map`,
    );
  } finally {
    await pop3.close();
  }
});

test('a user with pasword: the issues by path, and no server listening afterwards', async () => {
  await expectRefused({ users: { bob: { pasword: 'x' } } }, [
    { path: 'users.bob.password', message: 'expected a password (a non-empty string), got nothing' },
    { path: 'users.bob', message: 'unknown key "pasword"; did you mean "password"?' },
  ]);
});

test('options given as getters of a class are checked like a plain object, in the options order', async () => {
  class Settings {
    get host(): unknown {
      return '';
    }
    get port(): unknown {
      return 70000;
    }
  }
  await expectRefused(new Settings(), [
    { path: 'host', message: 'expected a non-empty string, got ""' },
    { path: 'port', message: 'expected an integer from 0 to 65535, got 70000' },
  ]);
});

describe('a port as a string of digits, or a tlsPort, is that port', () => {
  let held: Server;
  beforeAll(async () => {
    held = createServer();
    await new Promise<void>((resolve) => held.listen({ port: 0, host: '127.0.0.1' }, resolve));
  });
  afterAll(() => new Promise<void>((resolve) => held.close(() => resolve())));

  test('String(held port) without fallback fails with EADDRINUSE', async () => {
    const port = (held.address() as { port: number }).port;
    const servers = await listeningServers();
    await expect(startPop3Mock({ port: String(port), portFallback: false })).rejects.toMatchObject({
      code: 'EADDRINUSE',
      port,
    });
    expect(await listeningServers()).toBeLessThanOrEqual(servers);
  });

  // portFallback is about the preferred `port`: a tlsPort that was asked for is that port.
  test.each([
    ['default portFallback', {}],
    ['portFallback: true', { portFallback: true }],
  ])('a taken tlsPort fails with EADDRINUSE naming it (%s)', async (_, fallback) => {
    const port = (held.address() as { port: number }).port;
    const servers = await listeningServers();
    // A server that starts anyway is closed: the failure then shows the port it took.
    const started = startPop3Mock({ tlsPort: port, ...fallback }).then(async (pop3) => {
      await pop3.close();
      return { tlsPort: pop3.tlsPort };
    });
    await expect(started).rejects.toMatchObject({
      code: 'EADDRINUSE',
      port,
    });
    expect(await listeningServers()).toBeLessThanOrEqual(servers);
  });
});

describe('fault rules in the options', () => {
  test('a lower-case verb is accepted and fires', async () => {
    const pop3 = await startPop3Mock({ users, faults: [LOWER_CASE_RULE] as never });
    try {
      expect(pop3.rules().map((s) => [s.source, s.rule.trigger])).toEqual([
        ['options', { point: 'command', verbs: ['RETR'] }],
      ]);
      await expectLowerCaseRuleFires(pop3.port);
    } finally {
      await pop3.close();
    }
  });

  test.each(BAD_RULES)('%s is refused at faults[1]', async (_, rule, relative) => {
    await expectRefused({ users, faults: [GOOD_RULE, rule] }, issuesAt('faults', 1, relative));
  });
});

describe('a faults file', () => {
  const write = (name: string, rules: unknown) => {
    writeFileSync(join(dir, name), JSON.stringify(rules));
    return name;
  };

  test('a lower-case verb is accepted and fires', async () => {
    const pop3 = await startPop3Mock({ users, baseDir: dir, faults: write('lower.json', [LOWER_CASE_RULE]) });
    try {
      expect(pop3.rules().map((s) => s.rule.trigger)).toEqual([{ point: 'command', verbs: ['RETR'] }]);
      await expectLowerCaseRuleFires(pop3.port);
    } finally {
      await pop3.close();
    }
  });

  test.each(BAD_RULES)('%s is refused with the file and [1]', async (_, rule, relative) => {
    const name = write('bad.json', [GOOD_RULE, rule]);
    const issues = issuesAt('', 1, relative);
    const servers = await listeningServers();
    const refused = startPop3Mock({ users, baseDir: dir, faults: name });
    await expect(refused).rejects.toMatchObject({
      name: 'InputError',
      message: messageOf(`fault rules ${join(dir, name)}`, issues),
      issues,
    });
    expect(await listeningServers()).toBeLessThanOrEqual(servers);
  });
});

describe('a start with the same options as a recent one reuses its check, and sees every change', () => {
  test('options changed in place after a start are checked again: a bad value is refused', async () => {
    const options: Record<string, unknown> = { users, keepSessions: 5 };
    const pop3 = await startPop3Mock(options as Pop3MockOptions);
    await pop3.close();
    options.keepSessions = 0;
    await expectRefused(options, [{ path: 'keepSessions', message: `${KEEP_SESSIONS}, got 0` }]);
  });

  test("a password changed in place is the next server's password", async () => {
    const options = { users: { [USER]: { password: 'first' } } };
    const first = await startPop3Mock(options);
    await first.close();
    options.users[USER].password = 'second';
    const pop3 = await startPop3Mock(options);
    try {
      const client = await RawClient.connect(pop3.port);
      await client.command(`USER ${USER}`);
      expect(await client.command('PASS first')).toMatch(/^-ERR/);
      await client.command(`USER ${USER}`);
      expect(await client.command('PASS second')).toMatch(/^\+OK/);
      await client.command('QUIT');
    } finally {
      await pop3.close();
    }
  });

  test('a clock given anew (an object the options hold as given) is the one the next server reads', async () => {
    const makeClock = (): Clock => ({ now: () => 1_000, setTimeout: systemClock.setTimeout });
    const first = await startPop3Mock({ clock: makeClock() });
    await first.close();
    const clock = makeClock();
    const pop3 = await startPop3Mock({ clock });
    try {
      clock.now = () => 5_000_000;
      const client = await RawClient.connect(pop3.port);
      await client.command('QUIT');
      expect(pop3.sessions[0]?.startedAt.getTime()).toBe(5_000_000);
    } finally {
      await pop3.close();
    }
  });
});

describe('what a recent start cannot answer for', () => {
  test('a Symbol key in the users record is refused as a fresh check refuses it', async () => {
    const pop3 = await startPop3Mock({ users: { [USER]: PASSWORD } });
    await pop3.close();
    const withSymbol = { users: { [USER]: PASSWORD, [Symbol('bob')]: PASSWORD } };
    const fresh = await startPop3Mock(withSymbol as Pop3MockOptions).then(
      (started) => started.close().then(() => 'started'),
      (error: Error) => error.message,
    );
    expect(fresh).not.toBe('started');
    const again = startPop3Mock(withSymbol as Pop3MockOptions);
    await expect(again).rejects.toBeInstanceOf(InputError);
    await expect(again).rejects.toThrow(fresh);
  });

  test('a dialect file is made from the presets as they are at each start, and leaves them as they were', async () => {
    const options = (): Pop3MockOptions => ({
      dialect: { format: 'pop3-mock-dialect/1', name: 'mine', extends: 'dovecot' } satisfies DialectFile,
      users: { [USER]: PASSWORD },
    });
    const before = Object.isFrozen(dovecotDialect.capabilities);
    const first = await startPop3Mock(options());
    await first.close();
    expect(Object.isFrozen(dovecotDialect.capabilities)).toBe(before);
    const noop = dovecotDialect.texts.noop;
    dovecotDialect.texts.noop = 'changed in the preset';
    try {
      const pop3 = await startPop3Mock(options());
      try {
        const client = await RawClient.connect(pop3.port);
        await client.command(`USER ${USER}`);
        await client.command(`PASS ${PASSWORD}`);
        expect(await client.command('NOOP')).toBe('+OK changed in the preset');
        await client.command('QUIT');
      } finally {
        await pop3.close();
      }
    } finally {
      dovecotDialect.texts.noop = noop;
    }
  });
});
