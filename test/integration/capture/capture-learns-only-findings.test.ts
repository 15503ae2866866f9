import { connect } from 'node:net';
import { on, rfcDialect, startPop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { CAPTURE_PASSWORD, CAPTURE_USER, CAPTURE_USERS, captureAt, captureFake } from './capture-helpers';
import { startFakeServer } from './fake-server';

test('a server without TOP: the file has no top text, and the replay answers TOP with -ERR as the server did', async () => {
  const live = await startPop3Mock({
    dialect: 'rfc',
    users: CAPTURE_USERS,
    tls: false,
    capabilities: { top: false, uidl: false },
  });
  let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
  try {
    const { file } = await captureAt(live.port);
    expect(file.texts?.top).toBeUndefined();
    replay = await startPop3Mock({ dialect: file, users: CAPTURE_USERS, tls: false });
    const answers = [];
    for (const port of [live.port, replay.port]) {
      const client = await RawClient.login(port, CAPTURE_USER, CAPTURE_PASSWORD);
      answers.push(await client.command('TOP 1 0'));
      client.destroy();
    }
    expect(answers[0]).toMatch(/^-ERR /);
    expect(answers[1]).toBe(answers[0]);
  } finally {
    await live.close();
    await replay?.close();
  }
}, 60_000);

test('over --tls, a server that does not know STLS: no tlsAlreadyActive, STLS stays off in the replay', async () => {
  const live = await startPop3Mock({
    dialect: 'rfc',
    users: CAPTURE_USERS,
    tlsPort: 0,
    capabilities: { stls: false },
  });
  let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
  try {
    const { file } = await captureAt(live.tlsPort ?? 0, { tls: true, tlsOptions: { ca: live.tls.ca } });
    expect(file.texts?.tlsAlreadyActive).toBeUndefined();
    expect(file.notLearned).toContain(
      'STLS: over TLS the server answered it as an unknown command; the file leaves STLS off',
    );
    expect(file.notLearned).toContain(
      'CAPA after STLS: captured over --tls; capture with --starttls to learn it',
    );
    replay = await startPop3Mock({ dialect: file, users: CAPTURE_USERS, tlsPort: 0 });
    const answers = [];
    for (const server of [live, replay]) {
      const client = await RawClient.connectTls(server.tlsPort ?? 0, server.tls.ca);
      answers.push(await client.command('STLS'));
      client.destroy();
    }
    expect(answers[1]).toBe(answers[0]);
  } finally {
    await live.close();
    await replay?.close();
  }
}, 60_000);

test('a reply the combined text does not give back is named in notLearned', async () => {
  const { file } = await captureFake({ listZero: 'message numbers start at 1' });
  expect(file.texts?.noSuchMessage).toBe('no such message');
  expect(file.notLearned).toContainEqual(
    expect.stringMatching(
      /^texts\.noSuchMessage: the server answered "message numbers start at 1" with .*"argument":"0".*; the file gives "no such message"$/,
    ),
  );
}, 60_000);

/** The greeting line the server on 127.0.0.1:`port` sends a client at `localAddress`. */
function greetingFrom(port: number, localAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    let data = '';
    socket.on('error', reject);
    // A server that closes before a whole line fails the test at once, not at its timeout.
    socket.on('close', () => reject(new Error(`closed before a greeting line: ${JSON.stringify(data)}`)));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      const end = data.indexOf('\r\n');
      if (end === -1) return;
      socket.destroy();
      resolve(data.slice(0, end));
    });
  });
}

test("the client's address in the greeting becomes {remoteAddress}: the replay shows each client its own", async () => {
  const live = await startPop3Mock({ dialect: 'gmail', users: CAPTURE_USERS, tls: false });
  let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
  try {
    const { file } = await captureAt(live.port);
    expect(file.texts?.greeting).toContain('{remoteAddress}');
    replay = await startPop3Mock({ dialect: file, users: CAPTURE_USERS, tls: false });
    const fromLive = await greetingFrom(live.port, '127.0.0.2');
    const fromReplay = await greetingFrom(replay.port, '127.0.0.2');
    expect(fromLive).toMatch(/ from 127\.0\.0\.2 /);
    expect(fromReplay).toMatch(/ from 127\.0\.0\.2 /);
  } finally {
    await live.close();
    await replay?.close();
  }
}, 60_000);

test('CAPA refused after login: the file keeps the list from before, and notLearned says the replay answers it', async () => {
  const { file } = await captureFake({ noCapaAfterLogin: true });
  expect(file.capa).toEqual({ beforeLogin: ['USER', 'UIDL', 'TOP'] });
  expect(file.notLearned).toContain(
    'CAPA after login: the server answered -ERR unknown command; the mock answers the list from before login',
  );
}, 60_000);

test('locking and messageExpunged are not probed: notLearned says so and what the replay does', async () => {
  const live = await startPop3Mock({
    dialect: 'dovecot',
    users: CAPTURE_USERS,
    tls: false,
    lock: 'exclusive',
  });
  try {
    const { file } = await captureAt(live.port);
    expect(file.behaviour?.lock).toBeUndefined();
    expect(file.notLearned).toContain(
      "locking (a login while another session holds the mailbox): not probed; the dovecot preset's (allowed), or behaviour.lock / the lock option",
    );
    expect(file.notLearned).toContain(
      "messageExpunged (RETR or TOP of a message another session's QUIT removed): not probed, the capture commits no deletion; the dovecot preset's (an -ERR)",
    );
  } finally {
    await live.close();
  }
}, 60_000);

test('a server whose message numbers go on after DELE: observed says so, and notLearned says the replay numbers as RFC 1939 does', async () => {
  const fake = await startFakeServer({ renumber: true });
  try {
    const { file } = await captureAt(fake.port, { timeoutMs: 2000 });
    expect(file.observed?.rfcNumberingAfterDele).toBe(false);
    expect(file.notLearned).toContain(
      'message numbers after DELE: LIST 2 after DELE 1 was answered -ERR no such message, not +OK 2 48 (RFC 1939 keeps numbers); the replay numbers as RFC 1939 does (a renumberAfterDele() fault rule renumbers the LIST and UIDL listings, docs/FAULTS.md)',
    );
  } finally {
    await fake.close();
  }
}, 60_000);

test('a server that answers LIST of a deleted message with +OK (renumberAfterDele): no messageDeleted text is learned from it, and notLearned says why', async () => {
  const live = await startPop3Mock({
    dialect: 'rfc',
    users: CAPTURE_USERS,
    tls: false,
    faults: [on('LIST').renumberAfterDele()],
  });
  try {
    const { file } = await captureAt(live.port);
    expect(file.texts?.messageDeleted).toBeUndefined();
    expect(file.notLearned).toContainEqual(
      expect.stringMatching(/^messageDeleted: the server answered "\+OK 1 \d+" where -ERR was expected$/),
    );
  } finally {
    await live.close();
  }
}, 60_000);

test('a session that closes right after DELE 1: what depends on the deletion is not probed in a new session, where nothing is deleted', async () => {
  const deletedLine = `+OK ${rfcDialect.texts.deleted(1)}\r\n`;
  const live = await startPop3Mock({
    dialect: 'rfc',
    users: CAPTURE_USERS,
    tls: false,
    faults: [on('DELE', '1').inState('TRANSACTION').once().closeAfterBytes(deletedLine.length)],
  });
  try {
    const { file } = await captureAt(live.port);
    // A new session would have answered LIST 1 with +OK (nothing deleted there): a wrong messageDeleted.
    expect(file.texts?.messageDeleted).toBeUndefined();
    expect(file.texts?.reset).toBeUndefined();
    expect(file.notLearned).toEqual(
      expect.arrayContaining([
        'messageDeleted: the session that sent DELE 1 closed before LIST 1',
        'reset: the session that sent DELE 1 closed before RSET',
      ]),
    );
  } finally {
    await live.close();
  }
}, 60_000);
