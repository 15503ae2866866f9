import { type Pop3Mock, startPop3Mock } from '../../../src';
import { ALICE_PASSWORD, python, startTranscriptServer, transcriptOptions } from './setup';

const servers: Pop3Mock[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** One server, one poplib session reading, deleting and quitting, one session that gives up. */
async function run(): Promise<Pop3Mock> {
  const pop3 = await startTranscriptServer({ apop: true });
  servers.push(pop3);
  await python(
    pop3.port,
    `P.user('alice'); P.pass_(ARGS[0]); P.list(); P.uidl(); P.retr(2); P.dele(2); P.quit()`,
    ALICE_PASSWORD,
  );
  await pop3.sessionEnd(pop3.sessions[0]);
  await python(pop3.port, `P.user('alice'); P.pass_('nope'); P.close()`).catch(() => '');
  await pop3.sessionEnd(pop3.sessions[1]);
  return pop3;
}

test('stable rendering is equal across two servers, while the plain one differs (ports, times)', async () => {
  const [a, b] = [await run(), await run()];
  expect(a.transcript({ stable: true })).toBe(b.transcript({ stable: true }));
  expect(a.transcript()).not.toBe(b.transcript());
  expect(a.transcript({ stable: true })).not.toMatch(/:\d{4,5}\b|\d{4}-\d\d-\d\dT|lasted/);
});

test('the stable text is the session as the RFC examples write it', async () => {
  const pop3 = await run();
  const messages = pop3.outcome('alice');
  const [one, two, three] = [messages.remaining[0]!, messages.deleted[0]!, messages.remaining[1]!];
  const total = one.size + two.size + three.size;
  // LIST/UIDL data octets: "n size\r\n" / "n uid\r\n" per message.
  const listData = [one.size, two.size, three.size].map((size, i) => `${i + 1} ${size}\r\n`).join('').length;
  const uidlData = [one.uid, two.uid, three.uid].map((uid, i) => `${i + 1} ${uid}\r\n`).join('').length;
  expect(pop3.transcript({ stable: true })).toBe(
    [
      '# session 1 (alice), no TLS',
      'S: +OK pop3-mock ready <timestamp>',
      'C: USER alice',
      'S: +OK send PASS for alice',
      'C: PASS ******',
      '-- login ok: alice via USER',
      `S: +OK maildrop has 3 messages (${total} octets)`,
      'C: LIST',
      `S: +OK 3 messages (${total} octets)`,
      `S: [${listData} octets of data]`,
      'S: .',
      'C: UIDL',
      'S: +OK unique-id listing follows',
      `S: [${uidlData} octets of data]`,
      'S: .',
      'C: RETR 2',
      `S: +OK ${two.size} octets`,
      `S: [${two.size} octets of data]`,
      'S: .',
      'C: DELE 2',
      'S: +OK message 2 deleted',
      'C: QUIT',
      `-- UPDATE: deleted 2 (${two.uid})`,
      'S: +OK pop3-mock signing off (1 deleted, 2 messages left)',
      '-- ended: quit-update',
      '',
      '# session 2 (not logged in), no TLS',
      'S: +OK pop3-mock ready <timestamp>',
      'C: USER alice',
      'S: +OK send PASS for alice',
      'C: PASS ******',
      '-- login failed: alice via USER',
      'S: -ERR [AUTH] invalid user name or password',
      '-- ended: client-closed',
    ].join('\n'),
  );
  // Both sessions are alice's: the second tried her name and logged in as nobody.
  expect(pop3.transcript({ stable: true, user: 'alice' })).toBe(pop3.transcript({ stable: true }));
  expect(pop3.transcript({ stable: true, sessionId: 1 })).toBe(
    pop3.transcript({ stable: true }).split('\n\n')[0],
  );
});

test('the plain rendering names the session id, port and start time', async () => {
  const pop3 = await run();
  const [first] = pop3.sessions;
  expect(pop3.transcript({ sessionId: 1 }).split('\n')[0]).toBe(
    `# session 1 (alice), from 127.0.0.1:${first!.remotePort}, no TLS, started ${first!.startedAt.toISOString()}, lasted ${first!.durationMs} ms`,
  );
});

test('the logger option prints each line live with its session id; DEBUG=pop3-mock prints to stderr', async () => {
  const lines: string[] = [];
  const pop3 = await startPop3Mock(transcriptOptions({ logger: (line) => lines.push(line) }));
  servers.push(pop3);
  await python(pop3.port, `P.user('alice'); P.pass_(ARGS[0]); P.noop(); P.quit()`, ALICE_PASSWORD);
  await pop3.sessionEnd();
  const prefix = (line: string | RegExp) =>
    typeof line === 'string' ? `pop3-mock #1 ${line}` : expect.stringMatching(`^pop3-mock #1 ${line.source}`);
  expect(lines.slice(1)).toEqual(
    [
      'S: +OK pop3-mock ready',
      'C: USER alice',
      'S: +OK send PASS for alice',
      'C: PASS ******',
      '-- login ok: alice via USER',
      /S: \+OK maildrop has 3 messages/,
      'C: NOOP',
      'S: +OK',
      'C: QUIT',
      '-- UPDATE: nothing deleted',
      /S: \+OK pop3-mock signing off/,
      '-- ended: quit-update',
    ].map(prefix),
  );
  expect(lines[0]).toMatch(/^pop3-mock #1 -- connected from 127\.0\.0\.1:\d+$/);

  const previous = process.env.DEBUG;
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    process.env.DEBUG = 'other,pop3-mock';
    const debugged = await startPop3Mock(transcriptOptions());
    servers.push(debugged);
    await python(debugged.port, `P.user('alice'); P.pass_(ARGS[0]); P.quit()`, ALICE_PASSWORD);
    await debugged.sessionEnd();
  } finally {
    spy.mockRestore();
    process.env.DEBUG = previous;
  }
  expect(written).toContain('pop3-mock #1 C: PASS ******\n');
  expect(written.join('')).not.toContain(ALICE_PASSWORD);
});
