// Faults over TLS: on the POP3S port and after STLS, each action must do on
// the wire what it does in cleartext (docs/FAULTS.md).

import { type FaultRuleInput, on } from '../../../src';
import { runCurl } from '../../helpers/clients/curl';
import { caFile } from '../extensions/helpers';
import {
  aliceAndBob,
  expectFault,
  failOnHostErrors,
  MESSAGES,
  PASSWORD,
  python,
  RawClient,
  retrData,
  sizeOf,
  USER,
  warmPython,
  withMock,
} from './helpers';

failOnHostErrors();
warmPython();

/** The bytes an unfaulted `RETR 1` sends, computed from the fixture. */
const retr1 = Buffer.concat([Buffer.from(`+OK ${sizeOf(MESSAGES[0]!)} octets\r\n`), retrData(MESSAGES[0]!)]);

/** A client logged in over POP3S, or over STLS on the cleartext port. */
async function loggedInOverTls(
  pop3: { port: number; tlsPort: number | undefined; tls: { ca: string } },
  mode: 'POP3S' | 'STLS',
): Promise<RawClient> {
  let client: RawClient;
  if (mode === 'POP3S') client = await RawClient.connectTls(pop3.tlsPort!, pop3.tls.ca);
  else {
    client = await RawClient.connect(pop3.port);
    expect(await client.command('STLS')).toMatch(/^\+OK/);
    await client.upgradeToTls(pop3.tls.ca);
  }
  expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
  expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
  return client;
}

describe.each(['POP3S', 'STLS'] as const)('over %s', (mode) => {
  test('reset, resetAfterBytes and a reply then RST end with an RST, as in cleartext: no internal error', async () => {
    const cases: [FaultRuleInput, string][] = [
      [on('RETR').reset(), ''],
      [on('RETR').resetAfterBytes(20), retr1.subarray(0, 20).toString('latin1')],
      [
        {
          trigger: { point: 'command', verbs: ['RETR'] },
          action: { type: 'reply', lines: ['-ERR busy'], after: 'reset' },
        },
        '-ERR busy\r\n',
      ],
    ];
    await withMock(aliceAndBob({ tlsPort: 0 }), async (pop3) => {
      for (const [input, expected] of cases) {
        await pop3.use(input);
        const rule = pop3.rules()[0]!.rule;
        const client = await loggedInOverTls(pop3, mode);
        let error: string | undefined;
        client.socket.on('error', (e: NodeJS.ErrnoException) => {
          error = e.code;
        });
        client.write('RETR 1\r\n');
        const bytes = (await client.readToEnd()).toString('latin1');
        expect({ bytes, error }).toEqual({ bytes: expected, error: 'ECONNRESET' });
        const session = await pop3.sessionEnd();
        expect(session.endReason).toBe('fault');
        expectFault(pop3, session, rule, rule.action.type);
        expect(pop3.transcript()).not.toContain('internal error');
        await pop3.reset();
      }
    });
  });
});

test('on STLS, a byte-count cut closes with its FIN or RST, no TLS starts, and the session ends as the fault', async () => {
  await withMock(aliceAndBob({ tlsPort: 0 }), async (pop3) => {
    // Within the +OK: the client never gets a whole line, so it starts no handshake.
    for (const rule of [on('STLS').closeAfterBytes(5), on('STLS').resetAfterBytes(5)]) {
      await pop3.use(rule);
      const client = await RawClient.connect(pop3.port);
      client.write('STLS\r\n');
      expect((await client.readToEnd()).toString('latin1')).toBe('+OK B');
      const session = await pop3.sessionEnd();
      expect([session.endReason, session.tls]).toEqual(['fault', 'none']);
      expectFault(pop3, session, rule, rule.action.type);
      await pop3.reset();
    }
    // Past the +OK: the whole reply, then the close, before the client's handshake could complete.
    for (const rule of [on('STLS').closeAfterBytes(100), on('STLS').resetAfterBytes(100)]) {
      await pop3.use(rule);
      const client = await RawClient.connect(pop3.port);
      expect(await client.command('STLS')).toMatch(/^\+OK /);
      await expect(client.upgradeToTls(pop3.tls.ca)).rejects.toThrow();
      const session = await pop3.sessionEnd();
      expect([session.endReason, session.tls]).toEqual(['fault', 'none']);
      expectFault(pop3, session, rule, rule.action.type);
      await pop3.reset();
    }
  });
});

test('curl pop3s:// on a message cut by resetAfterBytes exits 56, as over cleartext', async () => {
  await withMock(aliceAndBob({ tlsPort: 0 }), async (pop3) => {
    const ca = await caFile(pop3);
    try {
      await pop3.use(on('RETR').resetAfterBytes(40));
      const url = `pop3s://127.0.0.1:${pop3.tlsPort}/1`;
      const result = await runCurl([url, '--cacert', ca.path, '-u', `${USER}:${PASSWORD}`]);
      expect(result.code).toBe(56);
      expect(result.stdout.toString('latin1')).not.toContain('-ERR');
    } finally {
      await ca.remove();
    }
  });
});

// Measured for FAULTS.md: under TLS, Python's ssl (OpenSSL 3) reads an RST as an EOF without
// close_notify, which poplib takes as the end of the stream: it cannot tell the RST from a FIN.
test('Python poplib after STLS reads an RST mid-message as an EOF (error_proto), as a FIN', async () => {
  await withMock(aliceAndBob({ tlsPort: 0 }), async (pop3) => {
    for (const rule of [on('RETR').resetAfterBytes(30), on('RETR').closeAfterBytes(30)]) {
      await pop3.use(rule);
      const py = await python(pop3.port, [
        ['stls', pop3.tls.ca],
        ['user', USER],
        ['pass_', PASSWORD],
        ['retr', 1],
      ]);
      expect(py[4]).toEqual({ raised: 'error_proto', message: '-ERR EOF' });
      const session = await pop3.sessionEnd();
      expectFault(pop3, session, rule, rule.action.type);
      await pop3.reset();
    }
  });
});
