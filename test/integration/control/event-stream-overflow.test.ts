import { createServer, get, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { type Pop3Mock, startPop3Mock } from '../../../src';
import { EventStream } from '../../../src/control/event-stream';
import { MAX_UNREAD_OCTETS } from '../../../src/control/http-util';
import { ServerClock } from '../../../src/control/server-clock';

// A reader of /api/events that stops reading must not make the server hold
// every event since: past MAX_UNREAD_OCTETS unread octets the stream ends with
// an `overflow` event, so the reader learns that it missed events.

let pop3: Pop3Mock;

afterEach(async () => {
  await pop3?.close();
});

/** Opens /api/events and leaves it unread (paused). */
function openUnread(pop3: Pop3Mock): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = get(`${pop3.controlUrl}/api/events`, {
      headers: { authorization: `Bearer ${pop3.controlToken}` },
    });
    request.on('response', (response) => {
      response.pause();
      resolve(response);
    });
    request.on('error', reject);
  });
}

/** One session: logs in, sends `count` pipelined NOOPs, waits for every reply, quits. */
function noops(port: number, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let replies = 0;
    socket.on('data', (chunk) => {
      for (const byte of chunk) if (byte === 0x0a) replies++;
      // Greeting, USER, PASS, the NOOPs, QUIT.
      if (replies === count + 4) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.write(`USER alice\r\nPASS secret\r\n${'NOOP\r\n'.repeat(count)}QUIT\r\n`);
  });
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      text += chunk;
    });
    response.on('end', () => resolve(text));
    response.on('error', reject);
    response.resume();
  });
}

test('GET /api/events: a reader that leaves too much unread gets an overflow event and the end of the stream', async () => {
  pop3 = await startPop3Mock({ control: true, users: { alice: 'secret' } });
  const response = await openUnread(pop3);
  // About 250 octets of events per NOOP: 50,000 make 1.5 times the limit (it was passed after about 33,000 here).
  for (let i = 0; i < 4; i++) await noops(pop3.port, 12_500);
  const text = await readAll(response);
  const blocks = text.split('\n\n').filter((block) => block !== '');
  const last = blocks.at(-1)!;
  expect(last).toMatch(/^event: overflow\ndata: \{"unread":\d+\}$/);
  const unread = (JSON.parse(last.split('data: ')[1]!) as { unread: number }).unread;
  expect(unread).toBeGreaterThan(MAX_UNREAD_OCTETS);
  // Every block before it is a whole event: nothing was cut in the middle. (One expect over
  // the blocks that are not: an expect per block, about 66,000 of them, took 4 s of CPU.)
  const cut = blocks
    .slice(1, -1)
    .filter((block) => !/^event: [a-z-]+\nid: [\d.]+\ndata: \{.*\}$/s.test(block));
  expect(cut).toEqual([]);
  // And the server kept what it had taken, no more: fewer events arrived than the sessions made.
  const arrived = blocks.filter((block) => block.startsWith('event: command')).length;
  expect(arrived).toBeLessThan(4 * 12_503);
});

/** A session-start event block, as the server writes one, recorded now (its `id`: after the listener came). */
const startEvent = (sessionId: number) =>
  `event: session-start\nid: ${performance.timeOrigin + performance.now()}\ndata: ${JSON.stringify({ type: 'session-start', sessionId, at: 0, remoteAddress: '127.0.0.1', remotePort: 1, tls: 'none' })}\n\n`;

/**
 * A stand-in for the control server's event stream: `body(n)` writes the nth
 * stream's blocks (after the opening comment) and says whether to end it. Runs
 * `test` with an EventStream reading it and process.emitWarning spied on.
 */
async function withFakeStream(
  body: (n: number) => { blocks: string; end: boolean },
  test: (stream: EventStream, warn: jest.SpyInstance, streams: () => number) => Promise<void>,
): Promise<void> {
  let streams = 0;
  const server = createServer((req, res) => {
    streams++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const { blocks, end } = body(streams);
    if (end) res.end(`: test\n\n${blocks}`);
    else res.write(`: test\n\n${blocks}`);
    req.on('close', () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stream = new EventStream(`http://127.0.0.1:${port}/api/events`, 'token', new ServerClock());
  const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    await test(stream, warn, () => streams);
  } finally {
    warn.mockRestore();
    stream.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Resolves when `stream` has brought a session-start of `sessionId`; gives every session id seen. */
function seenUpTo(stream: EventStream, sessionId: number): Promise<number[]> {
  const seen: number[] = [];
  return new Promise((resolve) => {
    stream.on('session-start', (e) => {
      seen.push(e.sessionId);
      if (e.sessionId === sessionId) resolve(seen);
    });
  });
}

test('the remote client warns when the server ends its stream for an overflow, and listens on a new one', async () => {
  // One event, then overflow and the end; the next stream carries the next event.
  const overflow = 'event: overflow\ndata: {"unread":9000000}\n\n';
  await withFakeStream(
    (n) =>
      n === 1 ? { blocks: `${startEvent(1)}${overflow}`, end: true } : { blocks: startEvent(2), end: false },
    async (stream, warn, streams) => {
      expect(await seenUpTo(stream, 2)).toEqual([1, 2]);
      expect(streams()).toBe(2);
      expect(warn.mock.calls).toEqual([
        [
          expect.stringMatching(
            /ended the event stream .* left 9000000 octets of it unread; .* missed the events/,
          ),
        ],
      ]);
    },
  );
});

test('the remote client warns when the server ends its stream without a word, and listens on a new one', async () => {
  // A stream that ends after one event (a restart, a proxy, an HTTP client's timeout): before,
  // on() listeners went deaf in silence.
  await withFakeStream(
    (n) => (n === 1 ? { blocks: startEvent(1), end: true } : { blocks: startEvent(2), end: false }),
    async (stream, warn, streams) => {
      expect(await seenUpTo(stream, 2)).toEqual([1, 2]);
      expect(streams()).toBe(2);
      expect(warn.mock.calls).toEqual([
        [expect.stringMatching(/event stream ended; on\(\) listeners missed the events/)],
      ]);
    },
  );
});

test('a server that closes says so on its streams: the remote client neither warns nor opens a new one', async () => {
  // The real server: its stream ends with `event: closing`.
  pop3 = await startPop3Mock({ control: true, users: { alice: 'secret' } });
  const response = await openUnread(pop3);
  const text = readAll(response);
  await pop3.close();
  expect((await text).endsWith('event: closing\ndata: {}\n\n')).toBe(true);

  // The client, against a stream that carries one event, then `closing`, then ends.
  await withFakeStream(
    () => ({ blocks: `${startEvent(1)}event: closing\ndata: {}\n\n`, end: true }),
    async (stream, warn, streams) => {
      await seenUpTo(stream, 1);
      // Before, the end was taken for a lost stream: a warning and a new request within a few ms.
      const until = Date.now() + 300;
      while (Date.now() < until && streams() === 1 && warn.mock.calls.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect({ streams: streams(), warnings: warn.mock.calls }).toEqual({ streams: 1, warnings: [] });
    },
  );
});
