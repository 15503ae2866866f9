import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Pop3Mock } from '../../../src';
import { pythonExecutable } from '../../helpers/clients/python-poplib';
import {
  aliceOptions,
  caFile,
  connectStls,
  nodePop3Tls,
  PASSWORD,
  USER,
  userPass,
  withMock,
} from './helpers';

// A session's record ends with UPDATE, whatever the transport: once the client
// has read the reply to QUIT, the record says how the session ended. Over TLS
// the socket closes a round trip later (close_notify), so the end is recorded
// with the QUIT reply. Each check runs while the client still holds its
// socket open, so a record that waited for the close would be caught.

const ROUNDS = 100;

/** The newest record, checked the moment the client has QUIT's reply in hand. */
function lastEnd(pop3: Pop3Mock): string | undefined {
  return pop3.sessions.at(-1)?.endReason;
}

test(`node-pop3 over implicit TLS: the record has ended with quit-update right after QUIT resolves, ${ROUNDS} of ${ROUNDS}`, async () => {
  await withMock(aliceOptions(['Subject: x\r\n\r\nbody\r\n'], { tlsPort: 0 }), async (pop3) => {
    const ends: (string | undefined)[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const client = nodePop3Tls(pop3.tlsPort!, pop3.tls.ca);
      await client.STAT();
      await client.QUIT();
      ends.push(lastEnd(pop3));
      client._socket?.destroy();
    }
    expect(ends).toEqual(Array(ROUNDS).fill('quit-update'));
  });
}, 60_000);

test(`RawClient over STLS: the record has ended with quit-update when QUIT's reply is read, ${ROUNDS} of ${ROUNDS}`, async () => {
  // node-pop3 0.11 has no STLS; the raw client does the same exchange by hand.
  await withMock(aliceOptions(), async (pop3) => {
    const ends: (string | undefined)[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const client = await connectStls(pop3);
      await userPass(client);
      await client.command('QUIT');
      ends.push(lastEnd(pop3));
      client.destroy();
    }
    expect(ends).toEqual(Array(ROUNDS).fill('quit-update'));
  });
}, 60_000);

// Python's poplib: quit() is _shortcmd('QUIT') then close(); the script stops
// between the two, reports, and closes only when told to.
const PYTHON = `
import poplib, ssl, sys
mode, port, cafile, user, password, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
ctx = ssl.create_default_context(cafile=cafile)
for _ in range(rounds):
    if mode == "implicit":
        client = poplib.POP3_SSL("127.0.0.1", port, timeout=5, context=ctx)
    else:
        client = poplib.POP3("127.0.0.1", port, timeout=5)
        client.stls(context=ctx)
    client.user(user)
    client.pass_(password)
    client._shortcmd("QUIT")
    print("quit", flush=True)
    sys.stdin.readline()
    client.close()
`;

async function pythonRounds(pop3: Pop3Mock, mode: 'stls' | 'implicit'): Promise<(string | undefined)[]> {
  const ca = await caFile(pop3);
  const port = mode === 'implicit' ? pop3.tlsPort! : pop3.port;
  const python: ChildProcessWithoutNullStreams = spawn(await pythonExecutable(), [
    '-S',
    '-c',
    PYTHON,
    mode,
    String(port),
    ca.path,
    USER,
    PASSWORD,
    String(ROUNDS),
  ]);
  let stderr = '';
  python.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => python.on('close', resolve));
  const ends: (string | undefined)[] = [];
  try {
    for await (const _line of createInterface({ input: python.stdout })) {
      ends.push(lastEnd(pop3));
      python.stdin.write('\n');
    }
    expect({ code: await exited, stderr }).toEqual({ code: 0, stderr: '' });
  } finally {
    python.kill();
    await ca.remove();
  }
  return ends;
}

test.each(['stls', 'implicit'] as const)(
  `Python poplib over %s: the record has ended with quit-update when QUIT returns, ${ROUNDS} of ${ROUNDS}`,
  async (mode) => {
    await withMock(aliceOptions([], { tlsPort: 0 }), async (pop3) => {
      expect(await pythonRounds(pop3, mode)).toEqual(Array(ROUNDS).fill('quit-update'));
    });
  },
  60_000,
);
