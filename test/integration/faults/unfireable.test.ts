// A rule that could never fire is refused at every door (docs/FAULTS.md, "Server-bug modes"): a
// server-bug mode fires only on a reply whose octets it changes, so one that bends only the replies
// of a verb this server leaves out, or of a TRANSACTION verb in AUTHORIZATION, would let a test
// believe it set a fault its server never makes. Each case shows the verb's -ERR on the wire too.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltRule, InputError, on, type Pop3MockOptions, startPop3Mock } from '../../../src';
import { sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';
import { aliceAndBob, failOnHostErrors, PASSWORD, startError, USER } from './helpers';

failOnHostErrors();

const TWO = ['Subject: one\r\n\r\n.dot\r\n', 'Subject: two\r\n\r\nbody\r\n'];

/** A rule, a server that leaves out what it bends, the line that shows it, and the refusal's words. */
const LEFT_OUT: [string, () => BuiltRule, Pop3MockOptions, string, string][] = [
  [
    'noDotStuffing() on TOP, capabilities.top: false',
    () => on('TOP').noDotStuffing(),
    { capabilities: { top: false } },
    'TOP 1 0',
    '"no-dot-stuffing" bends only TOP here, and this server leaves out TOP (capabilities.top: false)',
  ],
  [
    'topIgnoresCount() on a dialect without TOP',
    () => on('TOP').topIgnoresCount(),
    { dialect: 'rfc1939-minimal' },
    'TOP 1 0',
    '"top-ignores-count" bends only TOP here, and this server leaves out TOP (the "rfc1939-minimal" dialect offers none)',
  ],
  [
    "uidlBug('duplicate') on UIDL, capabilities.uidl: false",
    () => on('UIDL').uidlBug('duplicate'),
    { capabilities: { uidl: false } },
    'UIDL',
    '"uidl" bends only UIDL here, and this server leaves out UIDL (capabilities.uidl: false)',
  ],
  [
    'noTerminator() on TOP and CAPA, both off',
    () => on(['TOP', 'CAPA']).noTerminator(),
    { capabilities: { top: false, capa: false } },
    'CAPA',
    '"no-terminator" bends only TOP, CAPA here, and this server leaves out TOP (capabilities.top: false) and CAPA (capabilities.capa: false)',
  ],
  [
    'noTerminator() on any verb in AUTHORIZATION, capabilities.capa: false',
    () => on('*').inState('AUTHORIZATION').noTerminator(),
    { capabilities: { capa: false } },
    'CAPA',
    '"no-terminator" bends only CAPA here in AUTHORIZATION (RETR, TOP, LIST, UIDL only in TRANSACTION), and this server leaves out CAPA (capabilities.capa: false)',
  ],
];

const why = (words: string) => `expected a verb this server answers: ${words}, so the rule could never fire`;

describe.each(sides)('%s: use() of a rule bending only a verb the server leaves out', (_, start) => {
  test.each(LEFT_OUT)(
    '%s: refused, nothing stored; the verb is -ERR on the wire',
    async (__, rule, options, line, words) => {
      const side = await start(aliceAndBob({ messages: TWO, ...options }));
      try {
        const refused = await side.api.use(rule()).catch((error: unknown) => error);
        expect(refused).toMatchObject({
          message: expect.stringContaining(`rules[0].action.type: ${why(words)}`),
        });
        expect(await side.server.rules()).toEqual([]);
        const client = await RawClient.login(side.server.port, USER, PASSWORD);
        expect(await client.command(line)).toMatch(/^-ERR /);
        await client.command('QUIT');
      } finally {
        await side.close();
      }
    },
  );
});

test.each(LEFT_OUT)(
  '%s: in the faults option, the start is refused naming the rule',
  async (_, rule, options, __, words) => {
    const refused = await startError(aliceAndBob({ ...options, faults: [on('RETR').delay(1), rule()] }));
    expect(refused).toBeInstanceOf(InputError);
    expect((refused as Error).message).toBe(`pop3-mock options: faults[1].action.type: ${why(words)}`);
  },
);

test.each(LEFT_OUT)(
  '%s: in the faults file, the start is refused naming the file',
  async (_, rule, options, __, words) => {
    const dir = await mkdtemp(join(tmpdir(), 'pop3-mock-unfireable-'));
    try {
      const file = join(dir, 'rules.json');
      await writeFile(file, JSON.stringify([rule()]));
      const refused = await startError(aliceAndBob({ ...options, faults: file }));
      expect(refused).toBeInstanceOf(InputError);
      expect((refused as Error).message).toBe(`fault rules ${file}: [0].action.type: ${why(words)}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test('a mode that bends another verb the server answers is taken, and fires there (RETR, with TOP off)', async () => {
  const pop3 = await startPop3Mock(aliceAndBob({ messages: TWO, capabilities: { top: false } }));
  try {
    await pop3.use(on(['RETR', 'TOP']).noDotStuffing());
    const client = await RawClient.login(pop3.port, USER, PASSWORD);
    // Without stuffing, the message's ".dot" line goes out as it is (stuffed, "..dot"): the fault fired on RETR.
    const wire = (await client.multi('RETR 1')).wire.toString('latin1');
    expect(wire).toContain('\r\n.dot\r\n');
    expect(wire).not.toContain('..dot');
    await client.command('QUIT');
    expect(pop3.rules().map((r) => r.hits)).toEqual([1]);
  } finally {
    await pop3.close();
  }
});

describe.each(sides)('%s: a mode bending only TRANSACTION verbs, in AUTHORIZATION', (_, start) => {
  test.each<[string, () => BuiltRule, string]>([
    [
      'sizeSkew() on LIST',
      () => on('LIST').inState('AUTHORIZATION').sizeSkew(3),
      '"size-skew" bends only LIST',
    ],
    [
      'bareLf() on any verb',
      () => on('*').inState('AUTHORIZATION').bareLf(),
      '"bare-lf" bends only RETR, TOP',
    ],
  ])('%s: refused at trigger.state; LIST before login is -ERR on the wire', async (__, rule, words) => {
    const side = await start(aliceAndBob({ messages: TWO }));
    try {
      const refused = await side.api.use(rule()).catch((error: unknown) => error);
      expect(refused).toMatchObject({
        message: expect.stringContaining(
          `rules[0].trigger.state: expected "TRANSACTION" or no state: ${words} here, answered only in TRANSACTION (RFC 1939 §5), so the rule could never fire in AUTHORIZATION`,
        ),
      });
      expect(await side.server.rules()).toEqual([]);
      const client = await RawClient.connect(side.server.port);
      expect(await client.command('LIST')).toMatch(/^-ERR /);
      await client.command('QUIT');
    } finally {
      await side.close();
    }
  });

  test('noTerminator() on any verb in AUTHORIZATION is taken: CAPA is answered there, and it fires', async () => {
    const side = await start(aliceAndBob({ messages: TWO }));
    try {
      await side.api.use(on('*').inState('AUTHORIZATION').noTerminator());
      const client = await RawClient.connect(side.server.port);
      await client.command('CAPA');
      client.destroy();
      await side.api.sessionEnd();
      expect(side.server.rules().map((r) => r.hits)).toEqual([1]);
    } finally {
      await side.close();
    }
  });
});

// The refusal above rests on this: a verb the server leaves out answers its -ERR, which no mode
// changes. renumberAfterDele() made `UIDL 1` on a server without UIDL a +OK with the uid.
test('renumberAfterDele() on LIST and UIDL, UIDL off: taken; UIDL stays -ERR, LIST is renumbered', async () => {
  const pop3 = await startPop3Mock(aliceAndBob({ messages: TWO, dialect: 'rfc1939-minimal' }));
  try {
    await pop3.use(on(['LIST', 'UIDL']).renumberAfterDele());
    const client = await RawClient.login(pop3.port, USER, PASSWORD);
    expect(await client.command('UIDL 1')).toMatch(/^-ERR /);
    expect(pop3.rules().map((r) => r.hits)).toEqual([0]);
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    expect(await client.command('UIDL 1')).toMatch(/^-ERR /);
    expect(await client.command('LIST 1')).toMatch(/^\+OK 1 /);
    expect(pop3.rules().map((r) => r.hits)).toEqual([1]);
    await client.command('QUIT');
  } finally {
    await pop3.close();
  }
});

// A rule matches a command only with as many arguments as its `args` give: LIST 1's one line has no
// terminator to leave out, UIDL 2 no listing to put a uid twice in, TOP 1 and STLS x get -ERR.
describe.each(sides)('%s: a mode whose args no command it bends has', (_, start) => {
  test.each<[string, () => BuiltRule, string, string, RegExp]>([
    [
      "on('LIST', '1').noTerminator()",
      () => on('LIST', '1').noTerminator(),
      'LIST 1',
      '"no-terminator" bends LIST with 0',
      /^\+OK 1 \d+$/,
    ],
    [
      "on('UIDL', '2').uidlBug('duplicate')",
      () => on('UIDL', '2').uidlBug('duplicate'),
      'UIDL 2',
      '"uidl" bends UIDL with 0',
      /^\+OK 2 \S+$/,
    ],
    [
      "on('TOP', '1').noDotStuffing()",
      () => on('TOP', '1').noDotStuffing(),
      'TOP 1',
      '"no-dot-stuffing" bends TOP with 2',
      /^-ERR /,
    ],
    [
      "on('STLS', 'x').failHandshake()",
      () => on('STLS', 'x').failHandshake(),
      'STLS x',
      '"stls-handshake-failure" bends STLS with 0',
      /^-ERR /,
    ],
  ])(
    '%s: refused at trigger.args; on the wire the reply is not one it bends',
    async (__, rule, line, words, answer) => {
      const side = await start(aliceAndBob({ messages: TWO }));
      try {
        const refused = await side.api.use(rule()).catch((error: unknown) => error);
        expect(refused).toMatchObject({
          message: expect.stringContaining(
            `rules[0].trigger.args: expected as many arguments as a command it bends has: ${words} argument(s) here, and the rule matches only commands with 1, so it could never fire`,
          ),
        });
        expect(await side.server.rules()).toEqual([]);
        // The reply such a command gets is one line (or -ERR): nothing the mode could bend.
        const client = line.startsWith('STLS')
          ? await RawClient.connect(side.server.port)
          : await RawClient.login(side.server.port, USER, PASSWORD);
        expect(await client.command(line)).toMatch(answer);
        await client.command('QUIT');
      } finally {
        await side.close();
      }
    },
  );

  test("modes that bend a command with that many arguments are taken, and fire: on('UIDL', '2').uidlBug('space'), on('LIST', '1').sizeSkew(3)", async () => {
    const side = await start(aliceAndBob({ messages: TWO }));
    try {
      await side.api.use(on('UIDL', '2').uidlBug('space'), on('LIST', '1').sizeSkew(3));
      const client = await RawClient.login(side.server.port, USER, PASSWORD);
      expect(await client.command('UIDL 2')).toMatch(/^\+OK 2 \S+ \S+$/);
      expect(await client.command('LIST 1')).toBe(
        `+OK 1 ${side.server.mailbox(USER).messages()[0]!.size + 3}`,
      );
      await client.command('QUIT');
      expect(side.server.rules().map((r) => r.hits)).toEqual([1, 1]);
    } finally {
      await side.close();
    }
  });
});
