import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DialectFile, InputError, loadDialect, startPop3Mock } from '../../../src';
import { buildStartPlan } from '../../../src/cli/build-options';
import { parseCliArgs } from '../../../src/cli/parse-args';
import { RawClient } from '../../helpers/raw-client';
import { PASSWORD, USER, withMock } from '../../helpers/with-mock';
import { md5hex } from '../extensions/helpers';

const MESSAGES = ['Subject: one\r\n\r\nHello one\r\n', 'Subject: two\r\n\r\nHello two\r\n'];

const file: DialectFile = {
  format: 'pop3-mock-dialect/1',
  name: 'in-house',
  extends: 'dovecot',
  texts: {
    greeting: 'In-house POP3 {{v2}} ready',
    userAccepted: 'hello {user}',
    listHeader: '{count} messages ({octets} octets)',
    noSuchMessage: 'no message {number} (typed {argument}), {count} here',
    unknownCommand: { byState: { AUTHORIZATION: 'what?' }, otherwise: 'unknown {VERB} in {state}' },
    missingArgument: { byVerb: { TOP: 'TOP needs two' }, otherwise: '{verb} needs a number' },
  },
  capa: {
    beforeLogin: ['CAPA', 'TOP', 'UIDL', 'USER', 'X-HOUSE'],
    afterLogin: ['CAPA', 'TOP', 'UIDL', 'X-HOUSE'],
  },
  // Dovecot scans message numbers; words make TOP and DELE count their arguments (missingArgument).
  behaviour: { maxBadCommands: { AUTHORIZATION: null }, argumentReader: { kind: 'words' } },
};

test('a dialect file object replays its templates, CAPA lines and behaviours', async () => {
  const options = { capabilities: { uidl: false } };
  await withMock(
    { ...options, dialect: file, users: { [USER]: { password: PASSWORD, messages: MESSAGES } } },
    async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(client.greeting).toBe('+OK In-house POP3 {v2} ready');
      const capa = await client.multi('CAPA');
      // The capabilities option still turns a captured line off.
      expect(capa.lines).toEqual(['CAPA', 'TOP', 'USER', 'X-HOUSE']);
      // Dovecot closes after 3 bad commands; the file says never.
      for (let i = 0; i < 4; i++) expect(await client.command('XYZZY')).toBe('-ERR what?');
      expect(await client.command(`USER ${USER}`)).toBe(`+OK hello ${USER}`);
      await client.command(`PASS ${PASSWORD}`);
      expect((await client.multi('LIST')).status).toMatch(/^\+OK 2 messages \(\d+ octets\)$/);
      expect(await client.command('LIST 007')).toBe('-ERR no message 7 (typed 007), 2 here');
      expect(await client.command('xyzzy')).toBe('-ERR unknown XYZZY in TRANSACTION');
      expect(await client.command('TOP')).toBe('-ERR TOP needs two');
      expect(await client.command('DELE')).toBe('-ERR DELE needs a number');
      expect(await client.command('TOP 1 x')).toBe('-ERR Invalid size: x');
      expect((await client.multi('CAPA')).lines).toEqual(['CAPA', 'TOP', 'X-HOUSE']);
      expect(await client.command('UIDL')).toBe('-ERR unknown UIDL in TRANSACTION');
      client.destroy();
    },
  );
});

test('a dialect file sets how USER takes its name and the APOP timestamp shape (APOP then on)', async () => {
  const apop: DialectFile = {
    ...file,
    behaviour: { userTakesRestOfLine: false, apopTimestamp: '<{hex}-{digits}.{base64}@{host}>' },
  };
  await withMock(
    {
      dialect: apop,
      hostname: 'pop.example.test',
      users: { [USER]: { password: PASSWORD, messages: MESSAGES } },
    },
    async (pop3) => {
      // The greeting's timestamp, of the file's shape; undefined when missing or of another shape.
      const stampOf = (greeting: string) =>
        /^\+OK In-house POP3 \{v2\} ready (<[0-9a-f]+-\d+\.[A-Za-z0-9+/]+=*@pop\.example\.test>)$/.exec(
          greeting,
        )?.[1];
      const client = await RawClient.connect(pop3.port);
      const stamp = stampOf(client.greeting);
      expect(stamp).toBeDefined();
      // Dovecot (the preset) takes a bare USER; this file says one argument (its missingArgument text).
      expect(await client.command('USER')).toBe('-ERR USER needs a number');
      expect(await client.command(`APOP ${USER} ${md5hex(`${stamp}${PASSWORD}`)}`)).toBe('+OK Logged in.');
      client.destroy();
      // The next connection gets a timestamp of the same shape, a new one.
      const next = await RawClient.connect(pop3.port);
      const nextStamp = stampOf(next.greeting);
      expect(nextStamp).toBeDefined();
      expect(nextStamp).not.toBe(stamp);
      next.destroy();
    },
  );
  // The apop option still turns it off.
  await withMock({ dialect: apop, apop: false }, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(client.greeting).toBe('+OK In-house POP3 {v2} ready');
    client.destroy();
  });
});

test('a file from the first capture, with observed.apopTimestamp, still loads; the field stays informational', async () => {
  const first: DialectFile = {
    ...file,
    observed: { saslMechanisms: ['PLAIN'], apopTimestamp: '<1896.697170952@dbc.mtview.ca.us>' },
  };
  await withMock({ dialect: first }, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    // No timestamp: only behaviour.apopTimestamp turns APOP on, as when that capture wrote it.
    expect(client.greeting).toBe('+OK In-house POP3 {v2} ready');
    client.destroy();
  });
  const badObserved = { ...file, observed: { apopTimestamp: 42 } };
  await expect(startPop3Mock({ dialect: badObserved as unknown as DialectFile })).rejects.toThrow(
    /dialect\.observed\.apopTimestamp/,
  );
});

test('a bad dialect file is refused with the path of the bad field', async () => {
  const bad = { ...file, texts: { listHeader: '{count} messages, {size}' } };
  await expect(startPop3Mock({ dialect: bad as DialectFile })).rejects.toThrow(
    /dialect\.texts\.listHeader: unknown placeholder \{size\} in listHeader/,
  );
  const badLimit = { ...file, behaviour: { maxLineLength: { AUTHORIZATION: 12 } } };
  await expect(startPop3Mock({ dialect: badLimit })).rejects.toThrow(
    /dialect\.behaviour\.maxLineLength\.AUTHORIZATION/,
  );
  const badReader = { ...file, behaviour: { argumentReader: { kind: 'scan', largestMessageNumber: 0 } } };
  await expect(startPop3Mock({ dialect: badReader as DialectFile })).rejects.toThrow(
    /dialect\.behaviour\.argumentReader\.largestMessageNumber: expected an integer from 1 to/,
  );
  const badKind = { ...file, behaviour: { argumentReader: { kind: 'split' } } };
  await expect(startPop3Mock({ dialect: badKind as unknown as DialectFile })).rejects.toThrow(
    /dialect\.behaviour\.argumentReader\.kind: expected \{ "kind": "words" \} or \{ "kind": "scan"/,
  );
  const badShape = { ...file, behaviour: { apopTimestamp: '<{pid}.{digits}@{host}>' } };
  await expect(startPop3Mock({ dialect: badShape })).rejects.toThrow(
    /dialect\.behaviour\.apopTimestamp: expected a timestamp shape like "<\{digits\}\.\{hex\}\.\{base64\}@\{host\}>"/,
  );
});

test('a text with a character outside printable ASCII is refused: the replay would send ? in its place', async () => {
  const accented = { ...file, texts: { greeting: 'Bienvenue à bord' } };
  await expect(startPop3Mock({ dialect: accented })).rejects.toThrow(
    /dialect\.texts\.greeting: expected one line of printable ASCII \(the mock sends \? for any other character\)/,
  );
  const tab = {
    ...file,
    texts: { unknownCommand: { byVerb: { XYZZY: 'no\tthanks' }, otherwise: 'unknown' } },
  };
  await expect(startPop3Mock({ dialect: tab })).rejects.toThrow(
    /dialect\.texts\.unknownCommand\.byVerb\.XYZZY: /,
  );
});

test('a byVerb or byState the mock never reads is refused at its path; the ones it reads are taken and answer', async () => {
  // The mock hands these texts no command or state: the RETR template was taken and RETR 9 got "otherwise".
  const unread: [DialectFile['texts'], RegExp][] = [
    [
      { noSuchMessage: { byVerb: { RETR: 'no RETR {number}' }, otherwise: 'no {number}' } },
      /dialect\.texts\.noSuchMessage\.byVerb: expected no byVerb: noSuchMessage is the same for every command \(the mock sends "otherwise"\)/,
    ],
    [
      { greeting: { byState: { AUTHORIZATION: 'hi' }, otherwise: 'hello' } },
      /dialect\.texts\.greeting\.byState: expected no byState: greeting is the same in every state/,
    ],
    [
      { missingArgument: { byState: { TRANSACTION: 'later' }, otherwise: '{verb} needs one' } },
      /dialect\.texts\.missingArgument\.byState: expected no byState/,
    ],
    [
      { loggedIn: { byVerb: { RETR: 'never', APOP: 'in by APOP' }, otherwise: 'in' } },
      /dialect\.texts\.loggedIn\.byVerb\.RETR: expected one of PASS, APOP, AUTH: loggedIn is chosen by the command that logged in/,
    ],
  ];
  for (const [texts, refusal] of unread) {
    await expect(startPop3Mock({ dialect: { ...file, texts } })).rejects.toThrow(refusal);
  }
  // The same file through --dialect FILE: the file and the field named (the CLI exits 4 with it).
  const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-dialect-'));
  try {
    writeFileSync(join(dir, 'unread.json'), JSON.stringify({ ...file, texts: unread[0]![0] }));
    expect(() => buildStartPlan(parseCliArgs(['--dialect', './unread.json']), undefined, dir)).toThrow(
      /dialect file \.\/unread\.json: texts\.noSuchMessage\.byVerb: expected no byVerb/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // loggedIn by the command that logged in, wrongState by verb and state: read, so taken.
  const read: DialectFile = {
    ...file,
    texts: {
      loggedIn: { byVerb: { APOP: 'in by APOP' }, otherwise: 'in by {count}' },
      wrongState: {
        byVerb: { RETR: 'not yet: RETR' },
        byState: { TRANSACTION: 'done' },
        otherwise: 'no {VERB}',
      },
    },
  };
  await withMock(
    { dialect: read, users: { [USER]: { password: PASSWORD, messages: MESSAGES } } },
    async (pop3) => {
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('RETR 1')).toBe('-ERR not yet: RETR');
      expect(await client.command('STAT')).toBe('-ERR no STAT');
      await client.command(`USER ${USER}`);
      expect(await client.command(`PASS ${PASSWORD}`)).toBe('+OK in by 2');
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
      client.destroy();
    },
  );
});

test('loadDialect reads and checks a file, naming the file and the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-dialect-'));
  try {
    writeFileSync(join(dir, 'good.json'), JSON.stringify(file));
    expect(loadDialect(join(dir, 'good.json'))).toEqual(file);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...file, extends: 'exchange' }));
    let error: unknown;
    try {
      loadDialect('bad.json', dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toBe('extends');
    expect((error as InputError).message).toMatch(/^dialect file bad\.json: extends: /);
    expect(() => loadDialect(join(dir, 'missing.json'))).toThrow(
      /cannot read dialect file .*missing\.json: not found/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--dialect with a path or a .json name loads a dialect file; a bad one names the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pop3-mock-dialect-'));
  try {
    writeFileSync(join(dir, 'mine.json'), JSON.stringify(file));
    const plan = buildStartPlan(parseCliArgs(['--dialect', 'mine.json']), undefined, dir);
    expect(plan.options.dialect).toEqual(file);
    expect(plan.dialectName).toBe('in-house (mine.json)');
    expect(
      buildStartPlan(parseCliArgs(['--dialect', './mine.json']), undefined, dir).options.dialect,
    ).toEqual(file);
    expect(buildStartPlan(parseCliArgs(['--dialect', 'dovecot']), undefined, dir).options.dialect).toBe(
      'dovecot',
    );
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...file, behaviour: { lock: 'shared' } }));
    expect(() => buildStartPlan(parseCliArgs(['--dialect', './bad.json']), undefined, dir)).toThrow(
      /dialect file \.\/bad\.json: behaviour\.lock: /,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file with one CAPA list answers it in both states (the other list is the same one)', async () => {
  const half: DialectFile = {
    format: 'pop3-mock-dialect/1',
    name: 'half',
    extends: 'dovecot',
    capa: { beforeLogin: ['USER', 'UIDL'] },
  };
  await withMock({ dialect: half, users: { [USER]: PASSWORD } }, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect((await client.multi('CAPA')).lines).toEqual(['USER', 'UIDL']);
    await client.command(`USER ${USER}`);
    await client.command(`PASS ${PASSWORD}`);
    expect((await client.multi('CAPA')).lines).toEqual(['USER', 'UIDL']);
    client.destroy();
  });
  const after: DialectFile = { ...half, capa: { afterLogin: ['TOP', 'UIDL'] } };
  await withMock({ dialect: after, users: { [USER]: PASSWORD } }, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect((await client.multi('CAPA')).lines).toEqual(['TOP', 'UIDL']);
    client.destroy();
  });
});

test("a file's messageExpunged answers RETR and TOP of a message another session's UPDATE removed; without one the preset's", async () => {
  const own: DialectFile = {
    format: 'pop3-mock-dialect/1',
    name: 'expunging',
    extends: 'rfc',
    texts: { messageExpunged: 'gone: {number}' },
    behaviour: { lock: 'none' },
  };
  const replies = async (dialect: DialectFile) => {
    const users = { [USER]: { password: PASSWORD, messages: MESSAGES } };
    let got: string[] = [];
    await withMock({ dialect, users }, async (pop3) => {
      const login = async () => {
        const client = await RawClient.connect(pop3.port);
        await client.command(`USER ${USER}`);
        expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
        return client;
      };
      const reader = await login();
      const deleter = await login();
      await deleter.command('DELE 2');
      expect(await deleter.command('QUIT')).toMatch(/^\+OK/);
      got = [await reader.command('RETR 2'), await reader.command('TOP 2 0')];
      reader.destroy();
    });
    return got;
  };
  expect(await replies(own)).toEqual(['-ERR gone: 2', '-ERR gone: 2']);
  expect(await replies(file)).toEqual(['-ERR Message 2 expunged.', '-ERR Message 2 expunged.']);
});

test('behaviour.requireTls refuses a login before STLS with plaintextDisallowed, takes it after; requireTls: false overrides; nothing serving TLS is refused at the door', async () => {
  const strict: DialectFile = {
    format: 'pop3-mock-dialect/1',
    name: 'tls-only',
    extends: 'rfc',
    texts: { plaintextDisallowed: 'log in over TLS' },
    behaviour: { requireTls: true },
  };
  const users = { [USER]: { password: PASSWORD, messages: MESSAGES } };
  await withMock({ dialect: strict, users }, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect((await client.multi('CAPA')).lines).not.toContain('USER');
    expect(await client.command(`USER ${USER}`)).toBe('-ERR log in over TLS');
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    await client.upgradeToTls(pop3.tls.ca);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    client.destroy();
  });
  await withMock({ dialect: strict, users, requireTls: false }, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    client.destroy();
  });
  const refused = await startPop3Mock({ dialect: strict, users, tls: false }).catch(
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(InputError);
  expect((refused as InputError).issues).toEqual([
    {
      path: 'dialect',
      message: expect.stringMatching(
        /^the "tls-only" dialect requires TLS for a login \(behaviour\.requireTls\), but nothing serves TLS: .*pass requireTls: false/,
      ),
    },
  ]);
  // Told so, it serves logins without TLS.
  const allowed = await startPop3Mock({ dialect: strict, users, tls: false, requireTls: false });
  await allowed.close();
});
