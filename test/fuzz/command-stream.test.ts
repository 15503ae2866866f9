// Fuzz: random, built and mutated command lines, binary
// and NUL bytes, huge tokens around and far past the line limits, random
// segmentation of the byte stream, and FIN, RST or destroy at the end, under
// three dialect settings. Invariants checked on every run:
// - every reply is well formed: one `+OK`/`-ERR` status line (or a `+ `
//   SASL challenge) per line received, in order, multi-line replies
//   terminated and dot-stuffed, RETR data exact (RFC 1939 §3, §19);
// - the dialect's limits hold exactly: an over-long line gets one `-ERR`,
//   the Nth bad command closes the session, closeOnLongLine closes it;
// - nothing escapes into the host process;
// - the session ends, and is recorded as ended with the right reason;
// - the mailbox changes only through a QUIT from TRANSACTION, and then by
//   exactly the messages marked, and the lock is released.
import fc from 'fast-check';
import { type Dialect, type Pop3Mock, rfcDialect, startPop3Mock } from '../../src';
import {
  check,
  checkConversation,
  clientStream,
  converse,
  type Ending,
  expectedRemaining,
  fuzzParams,
  jestTimeout,
  MESSAGES,
  OAUTH_TOKEN,
  PASSWORD,
  segmentation,
  USER,
  watchHost,
} from './harness';

interface Server {
  name: string;
  pop3: Pop3Mock;
  dialect: Dialect;
  tls: boolean;
}

/** Closes on an over-long line, closes after 4 bad commands before login and 6 after. */
const closing: Dialect = {
  ...rfcDialect,
  name: 'fuzz-closing',
  maxLineLength: { AUTHORIZATION: 300, TRANSACTION: 300 },
  closeOnLongLine: true,
  maxBadCommands: { AUTHORIZATION: 4, TRANSACTION: 6 },
};

/** Answers an over-long line and goes on, but counts it: 3 bad commands before login, 4 after. */
const counting: Dialect = {
  ...rfcDialect,
  name: 'fuzz-counting',
  maxLineLength: { AUTHORIZATION: 300, TRANSACTION: 300 },
  closeOnLongLine: false,
  maxBadCommands: { AUTHORIZATION: 3, TRANSACTION: 4 },
};

const servers: Server[] = [];
const watch = watchHost();

beforeAll(async () => {
  const users = { [USER]: { password: PASSWORD, messages: [...MESSAGES], oauthToken: OAUTH_TOKEN } };
  for (const [name, dialect, tls] of [
    ['rfc', rfcDialect, false],
    ['closing+tls', closing, true],
    ['counting', counting, false],
  ] as const) {
    const pop3 = await startPop3Mock({ users, dialect, ...(tls ? {} : { tls: false }) });
    servers.push({ name, pop3, dialect, tls });
  }
});

afterAll(async () => {
  for (const { pop3 } of servers) await pop3.close();
  watch.stop();
});

const ending = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Ending>('fin') },
  { weight: 1, arbitrary: fc.constant<Ending>('rst') },
  { weight: 1, arbitrary: fc.constant<Ending>('destroy') },
);

const RUNS = 500;

test(
  'fuzz: any byte stream gets well-formed replies, ends, and changes the mailbox only through QUIT',
  async () => {
    const property = fc.asyncProperty(
      fc.nat({ max: 2 }),
      clientStream,
      segmentation,
      ending,
      async (which, input, pieces, end) => {
        const { pop3, dialect, tls } = servers[which]!;
        await pop3.reset();
        const mailbox = pop3.mailbox(USER);
        const seeded = mailbox.messages();
        const started = pop3.nextSession();

        const { output } = await converse(pop3.port, input, pieces, end);
        const record = await pop3.sessionEnd(await started, { timeoutMs: 5_000 });
        const conclusion = checkConversation(input, output, { dialect, tls, abrupt: end !== 'fin' });

        expect(record.ended).toBe(true);
        expect(record.endedAt).toBeInstanceOf(Date);
        expect(mailbox.lockedBy).toBeUndefined();

        const uids = seeded.map((m) => m.uid);
        const left = mailbox.messages();
        const leftUids = left.map((m) => m.uid);
        const known = end === 'fin' || conclusion.closedBy !== undefined;
        if (known) {
          const expectedReason = {
            'quit-update': 'quit-update',
            'quit-authorization': 'quit-authorization',
            'bad-commands': 'server-closed',
            'long-line': 'server-closed',
            stls: record.endReason,
            none: 'client-closed',
          }[conclusion.closedBy ?? 'none'];
          expect(record.endReason).toBe(expectedReason);
          const marks = conclusion.closedBy === 'quit-update' ? conclusion.marks : new Set<number>();
          expect(leftUids).toEqual(expectedRemaining(uids, marks));
        } else if (record.endReason === 'quit-update') {
          // RST raced a QUIT the server had already read: the UPDATE is whole and recorded.
          const quitIn = record.commandEvents().find((c) => c.verb === 'QUIT')?.state;
          expect(quitIn).toBe('TRANSACTION');
          expect(leftUids).toEqual(uids.filter((u) => !record.deleted.some((d) => d.uid === u)));
        } else {
          expect(leftUids).toEqual(uids);
        }
        expect(record.deleted.map((d) => d.uid)).toEqual(uids.filter((u) => !leftUids.includes(u)));
        for (const m of left) expect(m.bytes.equals(seeded.find((s) => s.uid === m.uid)!.bytes)).toBe(true);

        await watch.assertClean();
      },
    );
    await check(property, fuzzParams(0x90a3, RUNS));
  },
  jestTimeout(RUNS),
);
