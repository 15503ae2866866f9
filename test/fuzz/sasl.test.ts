// Fuzz: SASL exchanges cut short (RFC 5034 §4). A valid
// exchange for PLAIN, LOGIN, CRAM-MD5 or XOAUTH2 (with or without an initial
// response, with a good or a bad token) is run step by step and cut at a
// random step and byte; the client then drops (FIN, RST, destroy), cancels
// with `*`, sends garbage, a POP3 command or an over-long line instead of
// its response. Invariants:
// - every reply is a well-formed status line or `+ base64` challenge;
// - no login happens: nothing is recorded as authenticated;
// - after `*` or any `-ERR` the exchange is over and the session takes
//   commands again: CAPA answers, USER/PASS logs in, DELE 1 and QUIT remove
//   exactly message 1;
// - a dropped session ends as client-closed, untouched and unlocked;
// - nothing escapes into the host process.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { type Pop3Mock, rfcDialect, startPop3Mock } from '../../src';
import { RawClient } from '../helpers/raw-client';
import { check, fuzzParams, jestTimeout, MESSAGES, OAUTH_TOKEN, PASSWORD, USER, watchHost } from './harness';

const STATUS = /^(\+OK|-ERR)( [\x20-\x7e]*)?$/;
const CONTINUATION = /^\+ ([A-Za-z0-9+/]*={0,2})$/;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const texts = rfcDialect.texts;

/**
 * One client step: the line to send, given the last challenge (decoded).
 * `final` marks the line whose reply ends the exchange.
 */
interface Step {
  line: (challenge: Buffer) => string;
}

/** Valid exchanges, each as the lines a client sends; every reply but the last is a challenge. */
const EXCHANGES: Record<string, Step[]> = {
  'PLAIN with initial response': [{ line: () => `AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}` }],
  PLAIN: [{ line: () => 'AUTH PLAIN' }, { line: () => b64(`\0${USER}\0${PASSWORD}`) }],
  LOGIN: [{ line: () => 'AUTH LOGIN' }, { line: () => b64(USER) }, { line: () => b64(PASSWORD) }],
  'LOGIN with initial response': [{ line: () => `AUTH LOGIN ${b64(USER)}` }, { line: () => b64(PASSWORD) }],
  'CRAM-MD5': [
    { line: () => 'AUTH CRAM-MD5' },
    { line: (c) => b64(`${USER} ${createHmac('md5', PASSWORD).update(c).digest('hex')}`) },
  ],
  XOAUTH2: [
    { line: () => 'AUTH XOAUTH2' },
    { line: () => b64(`user=${USER}\x01auth=Bearer ${OAUTH_TOKEN}\x01\x01`) },
  ],
  'XOAUTH2 with a bad token': [
    { line: () => `AUTH XOAUTH2 ${b64(`user=${USER}\x01auth=Bearer wrong\x01\x01`)}` },
    { line: () => '' },
  ],
};

type Cut = 'fin' | 'rst' | 'destroy' | 'cancel' | 'garbage' | 'command' | 'too-long';

let pop3: Pop3Mock;
const watch = watchHost();

beforeAll(async () => {
  pop3 = await startPop3Mock({
    users: { [USER]: { password: PASSWORD, messages: [...MESSAGES], oauthToken: OAUTH_TOKEN } },
    tls: false,
  });
});

afterAll(async () => {
  await pop3.close();
  watch.stop();
});

async function reply(client: RawClient): Promise<string> {
  const line = await client.readLine();
  if (!STATUS.test(line) && !CONTINUATION.test(line))
    throw new Error(`malformed reply ${JSON.stringify(line)}`);
  return line;
}

/** After an -ERR: the exchange is over, so the session takes commands and logs in. */
async function expectUsable(client: RawClient): Promise<void> {
  const capa = await client.multi('CAPA');
  expect(capa.status).toMatch(/^\+OK/);
  expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
  expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
  expect(await client.command('DELE 1')).toMatch(/^\+OK/);
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await client.closed();
}

const RUNS = 250;

test(
  'fuzz: a SASL exchange cut short never logs in, never leaks, and leaves the session usable or ended',
  async () => {
    const property = fc.asyncProperty(
      fc.constantFrom(...Object.keys(EXCHANGES)),
      fc.nat(),
      fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      fc.constantFrom<Cut>('fin', 'rst', 'destroy', 'cancel', 'garbage', 'command', 'too-long'),
      fc.uint8Array({ minLength: 1, maxLength: 30 }),
      async (name, stepSeed, fraction, cut, junk) => {
        await pop3.reset();
        const mailbox = pop3.mailbox(USER);
        const uids = mailbox.messages().map((m) => m.uid);
        const steps = EXCHANGES[name]!;
        // Complete `done` steps (each answered by a challenge), then cut inside the next one.
        const done = stepSeed % steps.length;
        const started = pop3.nextSession();
        const client = await RawClient.connect(pop3.port);
        let challenge = Buffer.alloc(0);
        for (const step of steps.slice(0, done)) {
          const answer = await reply(await sendLine(client, step.line(challenge)));
          const match = CONTINUATION.exec(answer);
          if (!match) throw new Error(`expected a challenge, got ${JSON.stringify(answer)}`);
          challenge = Buffer.from(match[1]!, 'base64');
        }
        const line = Buffer.from(steps[done]!.line(challenge));
        const partial = line.subarray(0, Math.floor(fraction * line.length));
        const inExchange = done > 0;

        if (cut === 'fin' || cut === 'rst' || cut === 'destroy') {
          client.write(partial);
          if (cut === 'fin') client.end();
          else if (cut === 'rst') client.reset();
          else client.destroy();
          await client.closed();
          const record = await pop3.sessionEnd(await started, { timeoutMs: 5_000 });
          expect(record.endReason).toBe('client-closed');
          expect(record.user).toBeUndefined();
          expect(record.authAttempts().filter((a) => a.result === 'ok')).toEqual([]);
          expect(mailbox.messages().map((m) => m.uid)).toEqual(uids);
          expect(mailbox.lockedBy).toBeUndefined();
          // The lock is free: a new session logs in.
          const next = await RawClient.login(pop3.port, USER, PASSWORD);
          expect(await next.command('QUIT')).toMatch(/^\+OK/);
          await next.closed();
        } else {
          // Something other than the expected response, as one line.
          const other = {
            cancel: Buffer.from('*'),
            garbage: Buffer.concat([partial, Buffer.from(junk)]).filter((b) => b !== 0x0a),
            command: Buffer.from('QUIT'),
            'too-long': Buffer.alloc(9_000, 'A'),
          }[cut];
          client.write(Buffer.concat([other, Buffer.from('\r\n')]));
          let answer = await reply(client);
          if (cut === 'cancel' && inExchange) expect(answer).toBe(`-ERR ${texts.authCancelled}`);
          if (cut === 'too-long') expect(answer).toBe(`-ERR ${texts.lineTooLong('AUTHORIZATION')}`);
          if (cut === 'command' && !inExchange) {
            // Not in an exchange: QUIT is a command and ends the session.
            expect(answer).toMatch(/^\+OK/);
            await client.closed();
          } else {
            // Inside an exchange any line is a response; it may even be taken (LOGIN's user name).
            while (CONTINUATION.test(answer)) answer = await reply(await sendLine(client, '*'));
            expect(answer).toMatch(/^-ERR/);
            await expectUsable(client);
          }
          const record = await pop3.sessionEnd(await started, { timeoutMs: 5_000 });
          const logins = record.authAttempts().filter((a) => a.result === 'ok');
          const loggedInByUserPass = !(cut === 'command' && !inExchange);
          expect(logins.map((a) => a.mechanism)).toEqual(loggedInByUserPass ? ['USER'] : []);
          const left = loggedInByUserPass ? uids.slice(1) : uids;
          expect(mailbox.messages().map((m) => m.uid)).toEqual(left);
          expect(mailbox.lockedBy).toBeUndefined();
        }
        await watch.assertClean();
      },
    );
    await check(property, fuzzParams(0x5a51, RUNS));
  },
  jestTimeout(RUNS),
);

async function sendLine(client: RawClient, line: string): Promise<RawClient> {
  client.write(`${line}\r\n`);
  return client;
}
