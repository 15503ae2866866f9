import { connect } from 'node:net';
import { startPop3Mock } from '../../../src';

// A client that resets in the middle of a 20 MB RETR: the record said the
// socket took 20,000,035 of 20,000,040 octets (the whole rest of the body was
// one write, counted when the socket closed), where the client had 131,093.
// Now each MiB of the body counts what reached the operating system.

test('a client that resets mid-RETR of a large message: the reply is recorded cut, with no more than reached the operating system', async () => {
  const big = `Subject: big\r\n\r\n${`${'x'.repeat(78)}\r\n`.repeat(250_000)}`;
  const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [big] } } });
  try {
    const socket = connect(pop3.port, '127.0.0.1');
    socket.on('error', () => {});
    let got = 0;
    socket.on('data', (chunk: Buffer) => {
      got += chunk.length;
      if (got > 100_000) {
        socket.pause();
        socket.resetAndDestroy();
      }
    });
    socket.write('USER alice\r\nPASS pw\r\nRETR 1\r\n');
    const ended = await pop3.sessionEnd();
    expect(ended.endReason).toBe('client-closed');
    const reply = ended.events.filter((e) => e.type === 'reply').at(-1)!;
    expect(reply.type === 'reply' && reply.wholeBytes).toBeGreaterThan(20_000_000);
    // The kernel's buffers on both sides hold a few MB at most: far from the whole reply.
    expect(reply.type === 'reply' && reply.bytes).toBeLessThan(10_000_000);
    expect(pop3.transcript()).toMatch(
      /-- reply cut after \d+ of \d+ octets; the rest never reached the client/,
    );
    expect(pop3.mailbox('alice').messages()).toHaveLength(1);
  } finally {
    await pop3.close();
  }
});
