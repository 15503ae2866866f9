// A rule for one user that acts only before login matches only a line that names that user: USER,
// APOP and PASS, and where the dialect keeps USER's name until PASS (dovecot, greenmail) any line but
// AUTH. `on('QUIT').forUser('alice').inState('AUTHORIZATION')` was taken at every door by the default
// dialect, which forgets USER's name at the next command, and never fired: 0 hits after `USER alice`,
// `QUIT`. Refused now at every door that knows the server (`rules[i].user`), as the rules a server
// leaves no verb for are (unfireable.test.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltRule, InputError, on, type Pop3MockOptions, startPop3Mock } from '../../../src';
import { sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';
import { aliceAndBob, failOnHostErrors, PASSWORD, startError, USER } from './helpers';

failOnHostErrors();

const never = (verbs: string, why: string) =>
  `expected a rule for user ${USER} to act on a line that names a user before login: this one acts only on ${verbs} there, and ${why}, so it could never fire`;
const USER_OFF =
  'USER is answered as unknown (capabilities.user: false), so no line after it carries its name';
const FORGETS =
  'only a USER, APOP or PASS line names one (the "rfc" dialect forgets USER\'s name at any other command)';

/** A rule, the server's options, the refusal's words. */
const NAMELESS: [string, () => BuiltRule, Pop3MockOptions, string][] = [
  [
    "on('QUIT').forUser().inState('AUTHORIZATION'), rfc",
    () => on('QUIT').forUser(USER).inState('AUTHORIZATION').reply('-ERR not now'),
    { dialect: 'rfc' },
    never('QUIT', FORGETS),
  ],
  [
    "on('STLS').forUser().failHandshake(), rfc",
    () => on('STLS').forUser(USER).failHandshake(),
    { dialect: 'rfc' },
    never('STLS', FORGETS),
  ],
  [
    "on('*').forUser().inState('AUTHORIZATION').noTerminator(): CAPA only, rfc",
    () => on('*').forUser(USER).inState('AUTHORIZATION').noTerminator(),
    { dialect: 'rfc' },
    never('CAPA', FORGETS),
  ],
  [
    "on('AUTH').forUser().inState('AUTHORIZATION'), dovecot",
    () => on('AUTH').forUser(USER).inState('AUTHORIZATION').reply('-ERR not now'),
    { dialect: 'dovecot' },
    never('AUTH', 'AUTH names its user only in the lines after it'),
  ],
  [
    "on('PASS').forUser().inState('AUTHORIZATION'), capabilities.user: false",
    () => on('PASS').forUser(USER).inState('AUTHORIZATION').reply('-ERR not yet'),
    { capabilities: { user: false } },
    never('PASS', USER_OFF),
  ],
  [
    "on('QUIT').forUser().inState('AUTHORIZATION'), dovecot with capabilities.user: false",
    () => on('QUIT').forUser(USER).inState('AUTHORIZATION').reply('-ERR not now'),
    { dialect: 'dovecot', capabilities: { user: false } },
    never('QUIT', USER_OFF),
  ],
];

describe.each(sides)('%s: use() of a rule for a user, before login, on lines that name none', (_, start) => {
  test.each(NAMELESS)('%s: refused at rules[i].user, nothing stored', async (__, rule, options, words) => {
    const side = await start(aliceAndBob(options));
    try {
      const refused = await side.api.use(on('NOOP').reply('-ERR first'), rule()).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InputError);
      expect((refused as InputError).issues).toEqual([{ path: 'rules[1].user', message: words }]);
      expect(side.server.rules()).toEqual([]);
    } finally {
      await side.close();
    }
  });
});

test.each(NAMELESS)(
  '%s: in the faults option, the start is refused naming the rule',
  async (_, rule, options, words) => {
    const refused = await startError(aliceAndBob({ ...options, faults: [on('RETR').delay(1), rule()] }));
    expect(refused).toBeInstanceOf(InputError);
    expect((refused as Error).message).toBe(`pop3-mock options: faults[1].user: ${words}`);
  },
);

test.each(NAMELESS)(
  '%s: in the faults file, the start is refused naming the file',
  async (_, rule, options, words) => {
    const dir = await mkdtemp(join(tmpdir(), 'pop3-mock-unfireable-user-'));
    try {
      const file = join(dir, 'rules.json');
      await writeFile(file, JSON.stringify([rule()]));
      const refused = await startError(aliceAndBob({ ...options, faults: file }));
      expect(refused).toBeInstanceOf(InputError);
      expect((refused as Error).message).toBe(`fault rules ${file}: [0].user: ${words}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

// What the refusal rests on, on the wire: the same rules where a line does name the user.
test("the QUIT rule is taken where USER's name is kept until PASS (dovecot), and fires after USER", async () => {
  const pop3 = await startPop3Mock(aliceAndBob({ dialect: 'dovecot' }));
  try {
    await pop3.use(on('QUIT').forUser(USER).inState('AUTHORIZATION').reply('-ERR not now'));
    const client = await RawClient.connect(pop3.port);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command('QUIT')).toBe('-ERR not now');
    client.destroy();
    expect(pop3.rules().map((r) => r.hits)).toEqual([1]);
  } finally {
    await pop3.close();
  }
});

test("on the rfc dialect a rule on PASS for the user, before login, is taken: PASS names USER's user", async () => {
  const pop3 = await startPop3Mock(aliceAndBob());
  try {
    await pop3.use(on('PASS').forUser(USER).inState('AUTHORIZATION').reply('-ERR not yet'));
    const client = await RawClient.connect(pop3.port);
    expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${PASSWORD}`)).toBe('-ERR not yet');
    client.destroy();
    expect(pop3.rules().map((r) => r.hits)).toEqual([1]);
  } finally {
    await pop3.close();
  }
});

test('with capabilities.user: false a rule on USER for the user, before login, is taken: the USER line names its user', async () => {
  const pop3 = await startPop3Mock(aliceAndBob({ capabilities: { user: false } }));
  try {
    await pop3.use(on('USER').forUser(USER).inState('AUTHORIZATION').reply('-ERR not here'));
    const client = await RawClient.connect(pop3.port);
    expect(await client.command(`USER ${USER}`)).toBe('-ERR not here');
    client.destroy();
    expect(pop3.rules().map((r) => r.hits)).toEqual([1]);
  } finally {
    await pop3.close();
  }
});
