// Fuzz: random segmentation of the byte stream. TCP may
// cut a client's bytes anywhere, so the server's answer must not depend on
// where the cuts fall (RFC 1939 §3: a command is a line, whatever the
// segments; RFC 2449 §6.6 pipelining). The same stream is sent in one write
// and in random pieces (down to one byte at a time); both conversations must
// produce byte-identical output and leave the same mailbox.
import fc from 'fast-check';
import { type Dialect, type Pop3Mock, rfcDialect, startPop3Mock } from '../../src';
import {
  check,
  clientStream,
  converse,
  fuzzParams,
  jestTimeout,
  MESSAGES,
  OAUTH_TOKEN,
  PASSWORD,
  segmentation,
  USER,
  watchHost,
} from './harness';

const counting: Dialect = {
  ...rfcDialect,
  name: 'fuzz-counting',
  maxLineLength: { AUTHORIZATION: 300, TRANSACTION: 300 },
  maxBadCommands: { AUTHORIZATION: 3, TRANSACTION: 4 },
};

const servers: Pop3Mock[] = [];
const watch = watchHost();

beforeAll(async () => {
  const users = { [USER]: { password: PASSWORD, messages: [...MESSAGES], oauthToken: OAUTH_TOKEN } };
  for (const dialect of [rfcDialect, counting])
    servers.push(await startPop3Mock({ users, dialect, tls: false }));
});

afterAll(async () => {
  for (const pop3 of servers) await pop3.close();
  watch.stop();
});

/** One conversation from a fresh mailbox: what the server sent, and the uids left. */
async function run(pop3: Pop3Mock, input: Buffer, pieces: readonly number[]) {
  await pop3.reset();
  const started = pop3.nextSession();
  const { output } = await converse(pop3.port, input, pieces, 'fin');
  const record = await pop3.sessionEnd(await started, { timeoutMs: 5_000 });
  return {
    output: output.toString('latin1'),
    endReason: record.endReason,
    left: pop3
      .mailbox(USER)
      .messages()
      .map((m) => m.uid),
  };
}

const RUNS = 250;

test(
  'fuzz: where the stream is cut changes nothing in the replies or the mailbox',
  async () => {
    const property = fc.asyncProperty(
      fc.nat({ max: 1 }),
      // CRAM-MD5 challenges are random, so their conversations cannot match byte for byte.
      clientStream.filter((input) => !/cram/i.test(input.toString('latin1'))),
      segmentation,
      async (which, input, pieces) => {
        const pop3 = servers[which]!;
        const whole = await run(pop3, input, [0]);
        const cut = await run(pop3, input, pieces);
        expect(cut.output).toBe(whole.output);
        expect(cut.endReason).toBe(whole.endReason);
        expect(cut.left).toEqual(whole.left);
        await watch.assertClean();
      },
    );
    await check(property, fuzzParams(0x5e6, RUNS));
  },
  jestTimeout(RUNS),
);
