import { type FaultRule, InputError, on, type Pop3MockOptions, startPop3Mock } from '../../../src';
import { type Side, sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';

/*
 * No door awaits its input, so a Promise (an async call's result passed on
 * without `await`) where a value goes is refused where it sits. Before, a
 * Promise read as an object with no keys: `capabilities: Promise` served the
 * defaults, `addUser('bob', Promise)` was refused for a missing password
 * (not what was wrong), and `users: Promise` threw a TypeError from inside
 * the schema. The check is the one door
 * check's, so it holds at every door (config files: config-promise.test.ts).
 */

const WORDS =
  'expected a value, got a Promise: what is given here is read at once, never awaited (await it first, or compute it synchronously)';
const MESSAGE = 'Subject: hi\r\n\r\nbody\r\n';

/** What the call threw; 'accepted' (after closing what it started) when it took the input. */
async function refusal(call: () => Promise<unknown>): Promise<unknown> {
  try {
    const made = await call();
    if (made instanceof Object && 'close' in made && typeof made.close === 'function') await made.close();
    return 'accepted';
  } catch (e) {
    return e;
  }
}

describe('startPop3Mock() options', () => {
  test.each<[string, unknown, string]>([
    ['users', { users: Promise.resolve({ alice: 'x' }) }, 'users'],
    ['capabilities', { capabilities: Promise.resolve({ top: false }) }, 'capabilities'],
    [
      'a message',
      { users: { alice: { password: 'x', messages: [Promise.resolve(MESSAGE)] } } },
      'users.alice.messages[0]',
    ],
    ['a fault rule', { faults: [Promise.resolve(on('RETR').reply('-ERR no'))] }, 'faults[0]'],
  ])('a Promise as %s is an InputError at its path', async (_, options, path) => {
    const refused = await refusal(() => startPop3Mock(options as Pop3MockOptions));
    expect(refused).toBeInstanceOf(InputError);
    expect(refused).toMatchObject({ path, message: `pop3-mock options: ${path}: ${WORDS}` });
  });

  test('the options themselves as a Promise are an InputError', async () => {
    const refused = await refusal(() =>
      startPop3Mock(Promise.resolve({ users: {} }) as unknown as Pop3MockOptions),
    );
    expect(refused).toBeInstanceOf(InputError);
    expect(refused).toMatchObject({ path: '', message: `pop3-mock options: ${WORDS}` });
  });
});

describe.each(sides)('%s', (_, start) => {
  let side: Side;
  beforeAll(async () => {
    side = await start({ users: { alice: { password: 'alice-pw', messages: [MESSAGE] } } });
  });
  afterAll(() => side.close());

  test('addUser(name, Promise) is an InputError at options, and no user is made', async () => {
    const refused = await refusal(() =>
      side.api.addUser('bob', Promise.resolve({ password: 'bob-pw' }) as unknown as string),
    );
    expect(refused).toBeInstanceOf(InputError);
    expect(refused).toMatchObject({ path: 'options', message: `addUser(): options: ${WORDS}` });
    const client = await RawClient.connect(side.server.port);
    await client.command('USER bob');
    expect(await client.command('PASS bob-pw')).toMatch(/^-ERR/);
    await client.command('QUIT');
    await client.closed();
  });

  test('use(Promise) is an InputError at rules[0], and no rule is added', async () => {
    const rule = Promise.resolve(on('STAT').reply('-ERR [SYS/TEMP] later'));
    const refused = await refusal(() => side.api.use(rule as unknown as FaultRule));
    expect(refused).toBeInstanceOf(InputError);
    expect(refused).toMatchObject({ path: 'rules[0]' });
    expect(await side.api.rules()).toEqual([]);
  });

  test('deliver(user, [Promise]) is an InputError at messages[0], and nothing is delivered', async () => {
    const refused = await refusal(() =>
      side.api.deliver('alice', [Promise.resolve(MESSAGE)] as unknown as string[]),
    );
    expect(refused).toBeInstanceOf(InputError);
    expect(refused).toMatchObject({ path: 'messages[0]', message: `deliver(): messages[0]: ${WORDS}` });
    const client = await RawClient.connect(side.server.port);
    await client.command('USER alice');
    await client.command('PASS alice-pw');
    expect(await client.command('STAT')).toMatch(/^\+OK 1 /);
    await client.command('QUIT');
    await client.closed();
  });
});
