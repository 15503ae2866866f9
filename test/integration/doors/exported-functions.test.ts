import {
  connection,
  createIsolatedUser,
  type DialectFile,
  dialectFromFile,
  explainRule,
  InputError,
  loadDialect,
  on,
  startPop3Mock,
  uiLink,
  usePop3Mock,
} from '../../../src';
import { type Side, sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';

/*
 * The package's exported functions are doors too: each checks what it is
 * handed, and says what was wrong (an InputError naming the call and the
 * path), where before some threw a TypeError from inside (`on(5)`: "verb is
 * not iterable"), named a builder's methods as bad fields, or took a
 * misspelt option without a word (`createIsolatedUser(remote, { prefx })`).
 */

/** What `fn` threw, as class, call-and-path message and path. */
function refusal(fn: () => unknown): { name: string; message: string; path: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return { name: error.name, message: error.message, path: error.path };
    throw error;
  }
  throw new Error('expected a refusal, got none');
}

test.each<[string, () => unknown, string, RegExp]>([
  ['on(5)', () => on(5 as never), 'verb', /^on\(\): verb: expected a verb such as "RETR"/],
  ['on([])', () => on([]), 'verb', /^on\(\): verb: /],
  ['on("RETR", 3)', () => on('RETR', 3 as never), 'args[0]', /^on\(\): args\[0\]: expected a string, got 3/],
  [
    'on("greeting", "x")',
    () => on('greeting', 'x'),
    'args',
    /^on\(\): args: expected no arguments: "greeting" is the connection, before any command, got \["x"\]$/,
  ],
  [
    'explainRule(5)',
    () => explainRule(5 as never),
    'rule',
    /^explainRule\(\): rule: expected an object, got 5/,
  ],
  ['explainRule({})', () => explainRule({} as never), 'rule.trigger', /^explainRule\(\): rule\.trigger: /],
  ['dialectFromFile(5)', () => dialectFromFile(5 as never), 'file', /^dialectFromFile\(\): file: /],
  [
    'dialectFromFile({ extends: "dovecot" })',
    () => dialectFromFile({ extends: 'dovecot' } as never),
    'file.format',
    /^dialectFromFile\(\): file\.format: expected "pop3-mock-dialect\/1"/,
  ],
  [
    'loadDialect(5)',
    () => loadDialect(5 as never),
    'path',
    /^loadDialect\(\): path: expected a string, got 5/,
  ],
  [
    'uiLink(5)',
    () => uiLink(5 as never),
    'pop3',
    /^uiLink\(\): pop3: expected the server startPop3Mock\(\) resolves with/,
  ],
])('%s is an InputError naming the call and the path', (_, call, path, message) => {
  const refused = refusal(call);
  expect(refused).toMatchObject({ name: 'InputError', path });
  expect(refused.message).toMatch(message);
});

test("on('Greeting') is the connection in any case, as verbs are: the -ERR greeting goes out", async () => {
  const pop3 = await startPop3Mock({ faults: [on('Greeting').replyAndClose('-ERR busy')] });
  try {
    const client = await RawClient.connect(pop3.port);
    expect(client.greeting).toBe('-ERR busy');
    await client.closed();
    expect(pop3.pendingRules()).toEqual([]);
  } finally {
    await pop3.close();
  }
});

test('explainRule() of a rule still says it in a sentence', () => {
  expect(explainRule(on('RETR').nth(2).reply('-ERR [SYS/TEMP] busy'))).toBe(
    'on the 2nd RETR (per server): reply "-ERR [SYS/TEMP] busy"',
  );
});

test("dialectFromFile() of a checked file makes a dialect a server speaks: the file's greeting on the wire", async () => {
  const file: DialectFile = {
    format: 'pop3-mock-dialect/1',
    name: 'mine',
    extends: 'rfc',
    texts: { greeting: 'mine ready' },
  };
  const pop3 = await startPop3Mock({ dialect: dialectFromFile(file), apop: false });
  try {
    const client = await RawClient.connect(pop3.port);
    expect(client.greeting).toBe('+OK mine ready');
    await client.command('QUIT');
  } finally {
    await pop3.close();
  }
});

describe.each(sides)('%s', (_name, start) => {
  let side: Side;
  beforeAll(async () => {
    side = await start({ users: { alice: 'secret' } });
  });
  afterAll(() => side.close());

  test('use(on("RETR")), a builder with no action, is refused as one; nothing stored, a session works', async () => {
    const refused = await (async () => side.api.use(on('RETR') as never))().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InputError);
    expect(refused).toMatchObject({ path: 'rules[0]' });
    // Not one issue per builder method read as a field (nth, times, probability, ...).
    expect((refused as InputError).issues).toEqual([
      {
        path: 'rules[0]',
        message:
          "expected a rule, got a rule builder with no action yet: end it with one, e.g. on('RETR').reply('-ERR [SYS/TEMP] try later')",
      },
    ]);
    expect(await side.api.rules()).toEqual([]);
    const client = await RawClient.login(side.server.port, 'alice', 'secret');
    expect(await client.command('NOOP')).toMatch(/^\+OK/);
    await client.command('QUIT');
  });

  test('createIsolatedUser() checks its server and options: nothing added on a refusal', async () => {
    const before = await side.api.users();
    const misspelt = await createIsolatedUser(side.api as never, { prefx: 'a' } as never).catch(
      (error: unknown) => error,
    );
    expect(misspelt).toMatchObject({
      name: 'InputError',
      message: 'createIsolatedUser(): options: unknown key "prefx"; did you mean "prefix"?',
    });
    const spaced = await createIsolatedUser(side.api as never, { prefix: 'a b' }).catch(
      (error: unknown) => error,
    );
    expect(spaced).toMatchObject({ name: 'InputError', path: 'options.prefix' });
    const notServer = await createIsolatedUser(5 as never).catch((error: unknown) => error);
    expect(notServer).toMatchObject({ name: 'InputError', path: 'server' });
    expect(await side.api.users()).toEqual(before);
  });

  test("uiLink() of this side is the server's own link, and it logs a browser in (303)", async () => {
    const link = uiLink(side.api as never);
    expect(link).toBe(uiLink(side.server));
    const answer = await fetch(link!, { redirect: 'manual' });
    expect(answer.status).toBe(303);
  });

  test("an isolated user's use() refuses a connection rule and a bad rule as InputErrors naming the rule", async () => {
    const mine = await createIsolatedUser(side.api as never, { prefix: 'iso' });
    try {
      const onConnection = await mine.use(connection().close()).catch((error: unknown) => error);
      expect(onConnection).toMatchObject({ name: 'InputError', path: 'rules[0]' });
      expect((onConnection as Error).message).toMatch(/acts on connections, before any login/);
      const bad = await mine.use(5 as never).catch((error: unknown) => error);
      expect(bad).toMatchObject({ name: 'InputError', path: 'rules[0]' });
      expect(await side.api.rules()).toEqual([]);
    } finally {
      await mine.remove();
    }
  });
});

test('startPop3Mock({ faults: [on("RETR")] }), a builder with no action among the options: one issue at its place', async () => {
  const refused = await startPop3Mock({ faults: [on('RETR') as never] }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(InputError);
  expect((refused as InputError).issues).toEqual([
    {
      path: 'faults[0]',
      message:
        "expected a rule, got a rule builder with no action yet: end it with one, e.g. on('RETR').reply('-ERR [SYS/TEMP] try later')",
    },
  ]);
});

describe('usePop3Mock() settings, checked before any hook is registered', () => {
  const noHook = () => {
    throw new Error('no hook may be registered for refused settings');
  };
  const hooks = { before: noHook, after: noHook, afterEach: noHook };

  test.each<[string, unknown, string, string]>([
    [
      'a misspelt printTranscript value',
      { ...hooks, printTranscript: 'alway' },
      'settings.printTranscript',
      'usePop3Mock(): settings.printTranscript: expected "failed", "always" or "never", got "alway"',
    ],
    [
      'a misspelt key',
      { ...hooks, resetAfterEch: false },
      'settings',
      'usePop3Mock(): settings: unknown key "resetAfterEch"; did you mean "resetAfterEach"?',
    ],
    [
      'a hook that is no function',
      { ...hooks, before: 5 },
      'settings.before',
      "usePop3Mock(): settings.before: expected a hook function of the test runner (its beforeAll, afterAll, beforeEach or afterEach; node:test's before, after, beforeEach, afterEach), got 5",
    ],
  ])('%s: an InputError naming it', (_, settings, path, message) => {
    expect(refusal(() => usePop3Mock({}, settings as never))).toEqual({ name: 'InputError', path, message });
  });

  test('a bad POP3_MOCK_PRINT is named as that variable', () => {
    const saved = process.env.POP3_MOCK_PRINT;
    process.env.POP3_MOCK_PRINT = 'yes';
    try {
      expect(refusal(() => usePop3Mock({}, hooks))).toEqual({
        name: 'InputError',
        path: 'POP3_MOCK_PRINT',
        message: 'environment: POP3_MOCK_PRINT: expected "failed", "always" or "never", got "yes"',
      });
    } finally {
      if (saved === undefined) delete process.env.POP3_MOCK_PRINT;
      else process.env.POP3_MOCK_PRINT = saved;
    }
  });
});
