import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageSource, Pop3Mock } from '../../src';
import { expectSameBytes, login, OK, quit, wireOf } from '../helpers/fixtures';
import { fetchOverPop3 } from '../helpers/pop3-fetch';
import { RawClient } from '../helpers/raw-client';
import { PASSWORD, USER, withMailbox } from '../helpers/with-mock';

/*
 * The process keeps one Buffer per fixture (file, string or Buffer) for every
 * server it starts. What the API hands out (`raw(n)`, `MessageInfo.bytes`,
 * `DeletedMessage.bytes`, and the dates with them) is a copy, and what it is
 * handed (a Buffer of up to 8 MiB) is copied: a test writing into either
 * changes nothing a client reads, on this server or on the next one started
 * with the same fixture. Checked through the wire: what RETR sends.
 */

/**
 * Fixture files of the repository, one per test: old enough to be kept by
 * the file cache (it keeps no file changed in the last 3 s).
 */
const FILES: Readonly<Record<string, string>> = {
  raw: '1-welcome.eml',
  listed: '2-dots.eml',
  deleted: '4-no-final-newline.eml',
};
const fileOf = (test: string) => join(__dirname, '../../examples/fixtures/alice', FILES[test]!);

/** A fixture (made afresh for each start, as a suite would) and the bytes RETR must send for it. */
type Fixture = (test: string) => { readonly source: MessageSource; readonly sent: Buffer };

/** Each kind of fixture the process keeps for every server it starts. */
const KINDS: readonly [string, Fixture][] = [
  [
    'a fixture string',
    (test) => ({
      source: `Subject: ${test}\r\n\r\nbody\r\n`,
      sent: wireOf(`Subject: ${test}\r\n\r\nbody\r\n`),
    }),
  ],
  [
    'a fixture Buffer',
    (test) => ({
      source: Buffer.from(`Subject: ${test}\r\n\r\nbody\r\n`),
      sent: wireOf(`Subject: ${test}\r\n\r\nbody\r\n`),
    }),
  ],
  ['a fixture file', (test) => ({ source: fileOf(test), sent: wireOf(readFileSync(fileOf(test))) })],
];

const SCRIBBLE = 'XXXXXXX';

/** RETR 1 of the user's mailbox, as a client reads it (dot-stuffing removed). */
async function retr1(pop3: Pop3Mock): Promise<Buffer> {
  return (await fetchOverPop3(pop3.port, USER, PASSWORD)).bytes;
}

/** Starts a second server with `source` and checks that RETR 1 sends `original` there too. */
function expectServedAnew(source: MessageSource, original: Buffer): Promise<void> {
  return withMailbox(source, async (second) => expectSameBytes(await retr1(second), original));
}

/** A session deletes message 1 and quits: its UPDATE removes it. */
async function deleteFirst(pop3: Pop3Mock): Promise<void> {
  const client = await login(pop3);
  expect(await client.command('DELE 1')).toMatch(OK);
  await quit(client);
}

describe.each(KINDS)('%s', (_kind, fixture) => {
  test('raw(n) is a new copy each call: writing into it changes neither RETR nor the next server', async () => {
    const { source, sent: original } = fixture('raw');
    await withMailbox(source, async (pop3) => {
      expectSameBytes(await retr1(pop3), original);
      const given = pop3.mailbox(USER).raw(1);
      expectSameBytes(given, original);
      given.write(SCRIBBLE, 0);
      expect(pop3.mailbox(USER).raw(1)).not.toBe(given);
      expectSameBytes(pop3.mailbox(USER).raw(1), original);
      expectSameBytes(await retr1(pop3), original);
      await expectServedAnew(fixture('raw').source, original);
    });
  });

  test('MessageInfo.bytes is a copy, the same one on each read: writing into it changes neither RETR nor the next server', async () => {
    const { source, sent: original } = fixture('listed');
    await withMailbox(source, async (pop3) => {
      expectSameBytes(await retr1(pop3), original);
      const [info] = pop3.mailbox(USER).messages();
      expect(info!.bytes).toBe(info!.bytes);
      expectSameBytes(info!.bytes, original);
      info!.bytes.write(SCRIBBLE, 0);
      expect(info!.bytes.subarray(0, SCRIBBLE.length).toString()).toBe(SCRIBBLE);
      expectSameBytes(pop3.mailbox(USER).messages()[0]!.bytes, original);
      expectSameBytes(await retr1(pop3), original);
      await expectServedAnew(fixture('listed').source, original);
    });
  });

  test('DeletedMessage.bytes is a copy: writing into it changes neither the mailbox after reset() nor the next server', async () => {
    const { source, sent: original } = fixture('deleted');
    await withMailbox(source, async (pop3) => {
      expectSameBytes(await retr1(pop3), original);
      await deleteFirst(pop3);
      const [deleted] = pop3.mailbox(USER).deleted();
      expect(deleted!.bytes).toBe(deleted!.bytes);
      deleted!.bytes!.write(SCRIBBLE, 0);
      expectSameBytes(pop3.mailbox(USER).deleted()[0]!.bytes!, original);
      pop3.mailbox(USER).reset();
      expectSameBytes(await retr1(pop3), original);
      await expectServedAnew(fixture('deleted').source, original);
    });
  });
});

test("deliver()'s MessageInfo.bytes is a copy: writing into it does not change the delivered message", async () => {
  const text = 'Subject: delivered\r\n\r\ndelivered body\r\n';
  await withMailbox([], async (pop3) => {
    const [info] = await pop3.deliver(USER, text);
    info!.bytes.write(SCRIBBLE, 0);
    const [viewInfo] = await pop3.mailbox(USER).deliver(text);
    viewInfo!.bytes.write(SCRIBBLE, 0);
    const client = await RawClient.login(pop3.port, USER, PASSWORD);
    for (const n of [1, 2]) expect((await client.multi(`RETR ${n}`)).data.toString()).toBe(text);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
  });
});

test('the dates the mailbox API hands out are copies: setting one changes no later listing', async () => {
  await withMailbox('Subject: dated\r\n\r\nbody\r\n', async (pop3) => {
    const [info] = pop3.mailbox(USER).messages();
    const delivered = info!.deliveredAt.getTime();
    info!.deliveredAt.setTime(0);
    expect(pop3.mailbox(USER).messages()[0]!.deliveredAt.getTime()).toBe(delivered);
    await deleteFirst(pop3);
    const [deleted] = pop3.mailbox(USER).deleted();
    const deletedAt = deleted!.deletedAt.getTime();
    deleted!.deletedAt.setTime(0);
    expect(pop3.mailbox(USER).deleted()[0]!.deletedAt.getTime()).toBe(deletedAt);
  });
});

test("the server's reader of the shared bytes (for the control API and the browser view) has no name a caller can reach", async () => {
  await withMailbox('Subject: held\r\n\r\nbody\r\n', async (pop3) => {
    const names = [...Object.getOwnPropertyNames(Object.getPrototypeOf(pop3)), ...Object.keys(pop3)];
    expect(names.filter((n) => /held|shared/i.test(n))).toEqual([]);
    // The control API still sends the bytes (through the symbol-keyed reader).
    expectSameBytes(pop3.mailbox(USER).raw(1), wireOf('Subject: held\r\n\r\nbody\r\n'));
  });
});
