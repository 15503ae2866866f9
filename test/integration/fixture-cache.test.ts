import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MessageSource, startPop3Mock } from '../../src';
import { RawClient } from '../helpers/raw-client';

/*
 * Fixture files are read once per process while they stay the same; a file
 * that changed in any way must be read again. Checked through the wire: what
 * RETR sends after the file changed.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pop3-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function retrOne(messages: string[]): Promise<string> {
  return (await retrAndUid(messages)).body;
}

test('an edited file of the same size is served anew, not from the cache', async () => {
  const file = join(dir, 'a.eml');
  // The same size and the same (whole-second) modification time both times: only the change time tells.
  const stamp = new Date('2020-01-01T00:00:00Z');
  writeFileSync(file, 'Subject: one\r\n\r\nAAAA\r\n');
  utimesSync(file, stamp, stamp);
  expect(await retrOne([file])).toContain('AAAA');
  writeFileSync(file, 'Subject: one\r\n\r\nBBBB\r\n');
  utimesSync(file, stamp, stamp);
  expect(statSync(file).mtimeMs).toBe(stamp.getTime());
  expect(await retrOne([file])).toContain('BBBB');
});

test('a file replaced by another (new inode) and a file added to a folder are seen', async () => {
  const folder = join(dir, 'mail');
  const first = join(dir, 'first.eml');
  writeFileSync(first, 'Subject: first\r\n\r\nfirst body\r\n');
  expect(await retrOne([first])).toContain('first body');
  rmSync(first);
  writeFileSync(first, 'Subject: first\r\n\r\nother body\r\n');
  expect(await retrOne([first])).toContain('other body');

  mkdirSync(folder);
  writeFileSync(join(folder, '2.eml'), 'Subject: two\r\n\r\ntwo\r\n');
  expect(await retrOne([folder])).toContain('Subject: two');
  writeFileSync(join(folder, '1.eml'), 'Subject: one\r\n\r\none\r\n');
  expect(await retrOne([folder])).toContain('Subject: one');
});

test('the same fixture used by many servers keeps its order and bytes (sources load side by side)', async () => {
  const files = Array.from({ length: 12 }, (_, i) => {
    const file = join(dir, `${i + 1}.eml`);
    writeFileSync(file, `Subject: n${i + 1}\r\n\r\nbody ${i + 1}\r\n`);
    return file;
  });
  const pop3 = await startPop3Mock({
    users: { alice: { password: 'secret', messages: [dir, ...files.slice(0, 3)] } },
  });
  try {
    const subjects = pop3
      .mailbox('alice')
      .messages()
      .map((m) => /Subject: (\w+)/.exec(m.bytes.toString())?.[1]);
    expect(subjects).toEqual([...files.map((_, i) => `n${i + 1}`), 'n1', 'n2', 'n3']);
  } finally {
    await pop3.close();
  }
});

/** RETR 1 and UIDL 1 of a server seeded with `messages`. */
async function retrAndUid(messages: MessageSource[]): Promise<{ body: string; uid: string }> {
  const pop3 = await startPop3Mock({ users: { alice: { password: 'secret', messages } } });
  try {
    return await retrFrom(pop3.port);
  } finally {
    await pop3.close();
  }
}

/** RETR 1 and UIDL 1 of alice (password `secret`) on the server at `port`. */
async function retrFrom(port: number): Promise<{ body: string; uid: string }> {
  const client = await RawClient.connect(port);
  await client.command('USER alice');
  await client.command('PASS secret');
  const uid = (await client.command('UIDL 1')).split(' ')[2] ?? '';
  const reply = await client.multi('RETR 1');
  await client.command('QUIT');
  return { body: reply.lines.join('\n'), uid };
}

test('a Buffer changed in place between two starts is served as it is now, not as the copy kept of it', async () => {
  const bytes = Buffer.from('Subject: b\r\n\r\nAAAA\r\n');
  const first = await retrAndUid([bytes]);
  bytes.write('BBBB', bytes.indexOf('AAAA'));
  const second = await retrAndUid([bytes]);
  expect(first.body).toContain('AAAA');
  expect(second.body).toContain('BBBB');
  expect(second.uid).not.toBe(first.uid);
});

test('the same fixture string gives the same bytes and content uid on every start, a different one another uid', async () => {
  const text = 'Subject: s\r\n\r\nsame\r\n';
  const a = await retrAndUid([text]);
  const b = await retrAndUid([`${text}`]);
  const other = await retrAndUid(['Subject: s\r\n\r\nother\r\n']);
  expect(b).toEqual(a);
  expect(a.body).toContain('same');
  expect(other.uid).not.toBe(a.uid);
  expect(other.body).toContain('other');
});

test('equal Buffers made afresh for each start give the same bytes and content uid, a different one another uid', async () => {
  const text = 'Subject: b\r\n\r\nsame\r\n';
  const a = await retrAndUid([Buffer.from(text)]);
  const b = await retrAndUid([{ raw: Buffer.from(text) }]);
  const other = await retrAndUid([Buffer.from('Subject: b\r\n\r\nother\r\n')]);
  expect(b).toEqual(a);
  expect(a.body).toContain('same');
  expect(other.uid).not.toBe(a.uid);
  expect(other.body).toContain('other');
});

test('Buffers of the same length that differ only between the sampled places are told apart', async () => {
  // The cache finds a Buffer by its length and four 32-octet samples (start, a third, two thirds, end); these differ only in between.
  const make = (fill: string) =>
    Buffer.from(`Subject: x\r\n\r\n${'a'.repeat(200)}${fill.repeat(20)}${'a'.repeat(200)}\r\n`);
  const one = make('1');
  const two = make('2');
  expect(one.length).toBe(two.length);
  const first = await retrAndUid([one]);
  const second = await retrAndUid([two]);
  const again = await retrAndUid([one]);
  expect(first.body).toContain('1'.repeat(20));
  expect(second.body).toContain('2'.repeat(20));
  expect(again).toEqual(first);
  expect(second.uid).not.toBe(first.uid);
});

test('a Buffer changed in place after the start does not change what the running server sends', async () => {
  const bytes = Buffer.from('Subject: b\r\n\r\nAAAA\r\n');
  const pop3 = await startPop3Mock({ users: { alice: { password: 'secret', messages: [bytes] } } });
  try {
    bytes.write('BBBB', bytes.indexOf('AAAA'));
    expect((await retrFrom(pop3.port)).body).toContain('AAAA');
  } finally {
    await pop3.close();
  }
});

test('a Buffer delivered and then changed in place does not change the delivered message', async () => {
  const pop3 = await startPop3Mock({ users: { alice: { password: 'secret' } } });
  try {
    const bytes = Buffer.from('Subject: d\r\n\r\nAAAA\r\n');
    await pop3.deliver('alice', bytes);
    bytes.write('BBBB', bytes.indexOf('AAAA'));
    expect((await retrFrom(pop3.port)).body).toContain('AAAA');
  } finally {
    await pop3.close();
  }
});
