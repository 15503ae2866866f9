// Abrupt client disconnects (RFC 1939 §6, §8): the host process never sees an
// error, the mailbox keeps every message, the session ends as 'client-closed',
// the maildrop lock is released, and close() still resolves.

import { connect, type Socket } from 'node:net';
import type { Pop3Mock } from '../../src';
import {
  bigMessage,
  FIVE_MB,
  login,
  OK,
  quit,
  sizeOf,
  THREE,
  USER,
  wireOf,
  withMailbox,
} from '../helpers/fixtures';
import { failOnHostErrors } from '../helpers/host-errors';
import type { RawClient } from '../helpers/raw-client';

const hostErrors = failOnHostErrors();

const BIG = bigMessage(FIVE_MB, true);
const MESSAGES = [...THREE, BIG];
const TOTAL = MESSAGES.reduce<number>((sum, raw) => sum + sizeOf(raw), 0);

/**
 * Starts a mock, runs `drop` (which disconnects abruptly), then checks
 * everything the disconnect must leave intact, close() included.
 */
async function afterDrop(drop: (pop3: Pop3Mock) => Promise<void>): Promise<void> {
  let closed = false;
  await withMailbox(MESSAGES, async (pop3) => {
    await drop(pop3);

    const session = await pop3.sessionEnd();
    expect(session.endReason).toBe('client-closed');
    expect(session.deleted).toEqual([]);

    // The mailbox keeps every message, byte for byte.
    const kept = pop3.mailbox(USER).messages();
    expect(kept).toHaveLength(MESSAGES.length);
    for (const [i, m] of kept.entries()) expect(m.bytes.equals(wireOf(MESSAGES[i]!))).toBe(true);
    expect(pop3.mailbox(USER).deleted()).toEqual([]);
    expect(pop3.mailbox(USER).lockedBy).toBeUndefined();

    // The lock is released: a new login works and sees everything.
    const again = await login(pop3);
    expect(await again.command('STAT')).toBe(`+OK ${MESSAGES.length} ${TOTAL}`);
    await quit(again);
    expect((await pop3.sessionEnd()).endReason).toBe('quit-update');

    // And close() resolves (withMailbox awaits it).
    closed = true;
  });
  expect(closed).toBe(true);
  await hostErrors.expectNone();
}

/** A plain socket, connected, nothing read. */
async function rawSocket(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return socket;
}

function whenClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

test('client drops before reading the greeting (FIN)', async () => {
  await afterDrop(async (pop3) => {
    const socket = await rawSocket(pop3.port);
    socket.end();
    socket.destroy();
    await whenClosed(socket);
  });
});

test('client drops before reading the greeting (RST)', async () => {
  await afterDrop(async (pop3) => {
    const socket = await rawSocket(pop3.port);
    socket.resetAndDestroy();
    await whenClosed(socket);
  });
});

test('client drops mid-command: half a line, then FIN', async () => {
  await afterDrop(async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('DELE 1')).toMatch(OK);
    client.write('DELE 2'); // no CRLF: the line never completes
    client.end();
    await client.closed();
  });
});

test('client drops mid-command: half a line, then RST', async () => {
  await afterDrop(async (pop3) => {
    const client = await login(pop3);
    client.write('RET');
    client.reset();
    await client.closed();
  });
});

test.each([
  ['destroy()', (c: RawClient) => c.destroy()],
  ['RST', (c: RawClient) => c.reset()],
])('client drops mid-RETR of a 5 MB message (%s after the first chunk arrives)', async (_, drop) => {
  await afterDrop(async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('DELE 1')).toMatch(OK);
    const firstChunk = new Promise<void>((resolve) =>
      client.socket.once('data', () => {
        drop(client);
        resolve();
      }),
    );
    client.write(`RETR ${MESSAGES.length}\r\n`);
    await firstChunk;
    await client.closed();
    // The server saw the RETR and stopped streaming when the socket went away.
    const session = await pop3.sessionEnd();
    expect(session.commands()).toContain(`RETR ${MESSAGES.length}`);
  });
});

test.each([
  ['FIN', (c: RawClient) => c.end()],
  ['RST', (c: RawClient) => c.reset()],
])('client drops after DELE, before QUIT (%s): nothing is deleted', async (_, drop) => {
  await afterDrop(async (pop3) => {
    const client = await login(pop3);
    expect(await client.command('DELE 1')).toMatch(OK);
    expect(await client.command('DELE 2')).toMatch(OK);
    expect(await client.command('STAT')).toMatch(/^\+OK 2 /);
    drop(client);
    await client.closed();
  });
});
