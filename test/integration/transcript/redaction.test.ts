import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { type Pop3Mock, VerificationError } from '../../../src';
import { pop3Matchers } from '../../../src/testing/jest';
import { RawClient } from '../../helpers/raw-client';
import { ALICE_PASSWORD, BOB_PASSWORD, python, startTranscriptServer } from './setup';

expect.extend(pop3Matchers);

// Every way the mock prints a session, collected after sessions that used
// USER/PASS (poplib and raw), APOP (poplib), AUTH PLAIN with an initial
// response and AUTH LOGIN with continuation lines. None may hold a secret.

let pop3: Pop3Mock;
const log: string[] = [];
const b64 = (text: string) => Buffer.from(text).toString('base64');
const PLAIN = b64(`\0bob\0${BOB_PASSWORD}`);

beforeAll(async () => {
  pop3 = await startTranscriptServer({ apop: true, logger: (line) => log.push(line) });
  await python(pop3.port, `P.user('alice'); P.pass_(ARGS[0]); P.stat(); P.quit()`, ALICE_PASSWORD);
  await pop3.sessionEnd(pop3.sessions[0]);
  await python(pop3.port, `P.apop('alice', ARGS[0]); P.quit()`, ALICE_PASSWORD);
  await pop3.sessionEnd(pop3.sessions[1]);

  const plain = await RawClient.connect(pop3.port);
  expect(await plain.command(`AUTH PLAIN ${PLAIN}`)).toMatch(/^\+OK/);
  await plain.command('QUIT');
  await pop3.sessionEnd(pop3.sessions[2]);

  const login = await RawClient.connect(pop3.port);
  expect(await login.command('AUTH LOGIN')).toBe(`+ ${b64('Username:')}`);
  expect(await login.command(b64('alice'))).toBe(`+ ${b64('Password:')}`);
  expect(await login.command(b64(ALICE_PASSWORD))).toMatch(/^\+OK/);
  // A wrong password, typed by hand, is a secret too.
  await login.command('QUIT');
  await pop3.sessionEnd(pop3.sessions[3]);

  const typo = await RawClient.connect(pop3.port);
  await typo.command('USER bob');
  expect(await typo.command(`PASS ${BOB_PASSWORD}x`)).toMatch(/^-ERR/);
  typo.destroy();
  await pop3.sessionEnd(pop3.sessions[4]);
});

afterAll(async () => {
  await pop3.close();
});

/** Every secret the clients sent, taken from the structured record (where they stay real). */
function secrets(): string[] {
  const apop = pop3.sessions[1]!.commandEvents().find((c) => c.verb === 'APOP')!;
  const sasl = pop3.sessions[3]!.events.flatMap((e) => (e.type === 'sasl-response' ? [e.raw] : []));
  return [ALICE_PASSWORD, BOB_PASSWORD, `${BOB_PASSWORD}x`, PLAIN, apop.args[1]!, ...sasl];
}

test('the structured record keeps the real values, so tests can match them', () => {
  const [passCommand] = pop3.sessions[0]!.commandEvents().filter((c) => c.verb === 'PASS');
  expect(passCommand!.raw).toBe(`PASS ${ALICE_PASSWORD}`);
  const greeting = pop3.sessions[1]!.replies()[0]!.line;
  const timestamp = /<[^>]+>/.exec(greeting)![0];
  const digest = createHash('md5')
    .update(timestamp + ALICE_PASSWORD)
    .digest('hex');
  expect(pop3.sessions[1]!.commandEvents()[0]!.args).toEqual(['alice', digest]);
  expect(pop3.sessions[3]!.events.filter((e) => e.type === 'sasl-response').map((e) => e.raw)).toEqual([
    b64('alice'),
    b64(ALICE_PASSWORD),
  ]);
  expect(() => pop3.verify(`PASS ${ALICE_PASSWORD}`, { times: 1 })).not.toThrow();
  expect(() => pop3.verify(`APOP alice ${digest}`)).not.toThrow();
  expect(pop3.sessions.map((s) => s.user)).toEqual(['alice', 'alice', 'bob', 'alice', undefined]);
});

test('what the printed forms show instead: the verb, public arguments and a mask', () => {
  expect(pop3.commands()).toEqual([
    'USER alice',
    'PASS ******',
    'STAT',
    'QUIT',
    'APOP alice ******',
    'QUIT',
    'AUTH PLAIN ******',
    'QUIT',
    'AUTH LOGIN',
    'QUIT',
    'USER bob',
    'PASS ******',
  ]);
  expect(pop3.sessions[3]!.render({ header: false }).split('\n').slice(0, 7)).toEqual([
    'S: +OK pop3-mock ready <timestamp>'.replace(
      '<timestamp>',
      /<[^>]+>/.exec(pop3.sessions[3]!.replies()[0]!.line)![0],
    ),
    'C: AUTH LOGIN',
    `S: + ${b64('Username:')}`,
    'C: ******',
    `S: + ${b64('Password:')}`,
    'C: ******',
    '-- login ok: alice via LOGIN',
  ]);
});

function printedForms(): Record<string, string> {
  const forms: Record<string, string> = {
    render: pop3.transcript(),
    'render (stable)': pop3.transcript({ stable: true }),
    'record.render + toString': pop3.sessions.map((s) => `${s.render()}\n${String(s)}`).join('\n'),
    'JSON export': JSON.stringify(pop3.exportTranscripts()),
    'JSON.stringify(sessions)': JSON.stringify(pop3.sessions),
    'util.inspect': inspect(pop3.sessions, { depth: 10 }),
    'debug log': log.join('\n'),
    commands: pop3.commands().join('\n'),
  };
  try {
    pop3.verify(`PASS ${ALICE_PASSWORD}`, { times: 5 });
  } catch (error) {
    expect(error).toBeInstanceOf(VerificationError);
    forms['verify error'] = (error as Error).message;
  }
  try {
    pop3.verify('RETR 1');
  } catch (error) {
    forms['verify near misses'] = (error as Error).message;
  }
  try {
    expect(pop3).toHaveReceivedCommand(`PASS ${BOB_PASSWORD}y`);
  } catch (error) {
    forms['matcher failure'] = (error as Error).message;
  }
  try {
    expect(pop3).toHaveReceivedCommands(['AUTH LOGIN', `PASS ${ALICE_PASSWORD}`]);
  } catch (error) {
    forms['sequence matcher failure'] = (error as Error).message;
  }
  return forms;
}

test('no secret appears in any printed form', () => {
  const forms = printedForms();
  expect(Object.keys(forms)).toHaveLength(12);
  for (const [name, text] of Object.entries(forms)) {
    expect(text.length).toBeGreaterThan(0);
    for (const secret of secrets()) {
      if (text.includes(secret))
        throw new Error(`${name} prints the secret ${JSON.stringify(secret)}:\n${text}`);
    }
    expect(`${name}: ${text.includes('******')}`).toBe(`${name}: true`);
  }
});

test('a wait that times out lists what it saw without secrets', async () => {
  const waiting = pop3.waitForCommand('RETR 1', { timeoutMs: 300 });
  const client = await RawClient.login(pop3.port, 'bob', BOB_PASSWORD);
  await client.command('NOOP');
  const error = (await waiting.catch((e: unknown) => e)) as Error;
  client.destroy();
  expect(error.message).toContain('C: PASS ******');
  expect(error.message).toContain('C: NOOP');
  expect(error.message).not.toContain(BOB_PASSWORD);
});

test('{ secrets: true } opts in to the real values in render and JSON', () => {
  expect(pop3.transcript({ secrets: true })).toContain(`C: PASS ${ALICE_PASSWORD}`);
  expect(pop3.transcript({ secrets: true })).toContain(`C: ${b64(ALICE_PASSWORD)}`);
  expect(JSON.stringify(pop3.exportTranscripts({ secrets: true }))).toContain(PLAIN);
});
