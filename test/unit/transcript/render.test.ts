import { renderSession, renderSessions } from '../../../src/transcript/render';
import { aliceSession, SyntheticSession } from './synthetic';

test('a session renders as the C:/S: text of the RFC examples, PASS masked, data as an octet count', () => {
  const { record } = aliceSession(7, Date.UTC(2026, 0, 2, 3, 4, 5), 51234);
  // Synthetic events are 1 ms apart.
  const lasted = record.events.length - 1;
  expect(record.render()).toBe(
    [
      `# session 7 (alice), from 127.0.0.1:51234, no TLS, started 2026-01-02T03:04:05.000Z, lasted ${lasted} ms`,
      'S: +OK pop3-mock ready',
      'C: USER alice',
      'S: +OK send PASS for alice',
      'C: PASS ******',
      '-- login ok: alice via USER',
      'S: +OK maildrop has 2 messages (320 octets)',
      'C: RETR 1',
      'S: +OK 120 octets',
      'S: [122 octets of data]',
      'S: .',
      'C: DELE 1',
      'S: +OK message 1 deleted',
      'C: QUIT',
      '-- UPDATE: deleted 1 (uid-1)',
      'S: +OK pop3-mock signing off (1 deleted, 1 message left)',
      '-- ended: quit-update',
    ].join('\n'),
  );
  expect(String(record)).toBe(record.render());
});

test('secrets: true shows the password as sent; notes: false and header: false leave only C:/S: lines', () => {
  const text = aliceSession().record.render({ secrets: true, notes: false, header: false });
  expect(text.split('\n').slice(0, 4)).toEqual([
    'S: +OK pop3-mock ready',
    'C: USER alice',
    'S: +OK send PASS for alice',
    'C: PASS hunter2 with spaces',
  ]);
  expect(text).not.toMatch(/^(#|--)/m);
});

test('an empty listing is the status line and the terminator; a status reply has no terminator', () => {
  const s = new SyntheticSession().reply('+OK hi').command('LIST').reply('+OK 0 messages (0 octets)', 0);
  expect(s.record.render({ header: false })).toBe(
    ['S: +OK hi', 'C: LIST', 'S: +OK 0 messages (0 octets)', 'S: .', '-- still open (AUTHORIZATION)'].join(
      '\n',
    ),
  );
});

test('stable output hides times, ports and ids, APOP timestamps and timestamp challenges', () => {
  const make = (id: number, start: number, port: number, stamp: string) =>
    new SyntheticSession(id, start, port)
      .reply(`+OK pop3-mock ready ${stamp}`)
      .command('AUTH CRAM-MD5')
      .reply(`+ ${Buffer.from(stamp).toString('base64')}`)
      .emit({ type: 'sasl-response', mechanism: 'CRAM-MD5', raw: 'YWxpY2UgZGlnZXN0' })
      .login('alice', 'CRAM-MD5')
      .reply('+OK in')
      .end('client-closed').record;
  const a = make(3, 1_000, 40_001, '<1.2.1000@localhost>');
  const b = make(9, 99_000, 40_999, '<7.8.99000@localhost>');
  expect(renderSession(a, { stable: true })).toBe(renderSession(b, { stable: true }));
  expect(renderSession(a, { stable: true })).toBe(
    [
      '# session 1 (alice), no TLS',
      'S: +OK pop3-mock ready <timestamp>',
      'C: AUTH CRAM-MD5',
      'S: + <challenge>',
      'C: ******',
      '-- login ok: alice via CRAM-MD5',
      'S: +OK in',
      '-- ended: client-closed',
    ].join('\n'),
  );
  expect(renderSession(a)).not.toBe(renderSession(b));
});

test('several sessions are numbered in the order rendered when stable', () => {
  const text = renderSessions([aliceSession(5).record, aliceSession(8).record], { stable: true });
  expect(text.match(/^# session \d+/gm)).toEqual(['# session 1', '# session 2']);
  expect(text).toContain('-- ended: quit-update\n\n# session 2');
});

test('timestamps: true prefixes each line with the time since the session started', () => {
  const text = aliceSession().record.render({ timestamps: true, header: false });
  expect(text.split('\n')[0]).toBe('[+1ms] S: +OK pop3-mock ready');
  expect(renderSession(aliceSession().record, { timestamps: true, stable: true })).not.toContain('[+');
});

test('control characters print escaped, so one line stays one line', () => {
  const s = new SyntheticSession().command('NO\x00OP\x1b');
  expect(s.record.render({ header: false, notes: false })).toBe('C: NO\\x00OP\\x1b');
});

// A reply cut short (wholeBytes) shows the octets that went out. Through the
// wire (integration/transcript/cut-replies) the first lines are ASCII; a
// line of UTF-8 (a fault's own reply text) is cut here, octet by octet.
describe('a reply cut short', () => {
  const cutAfter = (line: string, bytes: number, wholeBytes: number, options = {}) => {
    const status = line.startsWith('-ERR') ? '-ERR' : '+OK';
    const s = new SyntheticSession().emit({ type: 'reply', status, line, bytes, wholeBytes });
    const lines = s.record.render({ header: false, ...options }).split('\n');
    return lines.filter((l) => !l.startsWith('-- still open'));
  };
  const LINE = '-ERR caf\u00e9 \u{1F4EC}';
  const OCTETS = Buffer.byteLength(LINE);
  const note = (sent: number, whole: number) =>
    `-- reply cut after ${sent} of ${whole} octets; the rest never reached the client`;

  test.each([
    ['before a character', 8, '-ERR caf'],
    ['inside a 2-octet character', 9, '-ERR caf\\xc3'],
    ['inside a 4-octet character', OCTETS - 2, '-ERR caf\u00e9 \\xf0\\x9f'],
    ['before the line end', OCTETS, LINE],
    ['between CR and LF', OCTETS + 1, `${LINE}\\x0d`],
  ])('%s: the octets of the first line that went out, whole characters as text', (_name, sent, shown) => {
    expect(cutAfter(LINE, sent, OCTETS + 2 + 10)).toEqual([
      `S: ${shown}   <- cut here`,
      note(sent, OCTETS + 12),
    ]);
  });

  test('the note shows with notes: false too; a single-line reply cut after its line has no data line', () => {
    expect(cutAfter('+OK hi', 3, 30, { notes: false })).toEqual(['S: +OK   <- cut here', note(3, 30)]);
    // 8 octets of the line, then 2 (too few for data and a terminator), of which 1 went out.
    expect(cutAfter('+OK hi', 9, 10)).toEqual(['S: +OK hi', 'S: [1 of 2 octets]', note(9, 10)]);
  });

  test('of a multi-line reply: the data octets that went out, the terminator as far as it went', () => {
    const whole = 8 + 20 + 3;
    expect(cutAfter('+OK hi', 18, whole)).toEqual([
      'S: +OK hi',
      'S: [10 of 20 octets of data]',
      note(18, whole),
    ]);
    expect(cutAfter('+OK hi', 28, whole)).toEqual(['S: +OK hi', 'S: [20 octets of data]', note(28, whole)]);
    expect(cutAfter('+OK hi', 29, whole)).toEqual([
      'S: +OK hi',
      'S: [20 octets of data]',
      'S: .   <- cut here',
      note(29, whole),
    ]);
  });

  test('stable output masks a timestamp cut in the middle of the greeting', () => {
    const greeting = '+OK ready <1.2@host>';
    expect(cutAfter(greeting, 13, 40, { stable: true })).toEqual([
      'S: +OK ready <timestamp   <- cut here',
      note(13, 40),
    ]);
    expect(cutAfter(greeting, 22, 40, { stable: true })).toEqual(['S: +OK ready <timestamp>', note(22, 40)]);
  });
});
