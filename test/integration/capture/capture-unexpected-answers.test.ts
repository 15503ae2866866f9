import { startPop3Mock } from '../../../src';
import { RawClient } from '../../helpers/raw-client';
import { CAPTURE_USER, CAPTURE_USERS, captureAt, captureFake } from './capture-helpers';
import { startFakeServer } from './fake-server';

test("a server that answers TOP 1 lots with +OK and the headers (atoi's 0): the lines are read as TOP's, not as the next commands' replies", async () => {
  const { file, transcript } = await captureFake({ topAtoi: true });
  const replyTo = (sent: string) => transcript.find((e) => e.sent === sent)?.reply[0];
  expect(replyTo('TOP 1 lots')).toBe('+OK 48 octets');
  expect(replyTo('RETR 1')).toBe('+OK 48 octets');
  expect(replyTo('DELE 1')).toBe('+OK deleted');
  expect(file.texts?.retrieved).toBe('{size} octets');
  expect(file.texts?.deleted).toBe('deleted');
  expect(file.notLearned).toContain(
    'invalidLineCount: the server answered "+OK 48 octets" where -ERR was expected',
  );
}, 60_000);

test('a greeting with UTF-8 letters: the file holds what the replay sends (? for each octet the mock does not send), and notLearned names the difference', async () => {
  const fake = await startFakeServer({ greeting: 'Serveur prêt' });
  let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
  try {
    const { file } = await captureAt(fake.port, { timeoutMs: 2000 });
    expect(file.texts?.greeting).toBe('Serveur pr??t');
    expect(file.notLearned).toContainEqual(
      expect.stringMatching(
        /^texts\.greeting: the server answered "Serveur pr\\xc3\\xaat"( with .*)?; the file gives "Serveur pr\?\?t"$/,
      ),
    );
    replay = await startPop3Mock({ dialect: file, users: CAPTURE_USERS, tls: false });
    const client = await RawClient.connect(replay.port);
    client.destroy();
    expect(client.greeting).toBe('+OK Serveur pr??t');
  } finally {
    await fake.close();
    await replay?.close();
  }
}, 60_000);

test('a server that does not answer NOOP extra in time: the file says nothing of ignoreExtraArguments (not false), and notLearned says why', async () => {
  const { file } = await captureFake({ silentOn: ['NOOP extra'] }, 500);
  expect(file.behaviour).not.toHaveProperty('ignoreExtraArguments');
  expect(file.notLearned).toContain(
    "NOOP extra: no reply within the timeout (--timeout-ms); behaviour.ignoreExtraArguments is the preset's",
  );
}, 60_000);

test('a login by AUTH PLAIN answered by a close: notLearned says so, not "the server answered closed"', async () => {
  // The PLAIN message of alice/secret, as the capture sends it. (A silent one is waited for as long
  // as a slow login, 20 s: a close says the same through the same words.)
  const plain = `AUTH PLAIN ${Buffer.from('\0alice\0secret').toString('base64')}`;
  const { file } = await captureFake({ capaExtra: ['SASL PLAIN'], closeOn: [plain] }, 400);
  expect(file.notLearned).toContain('a login by AUTH PLAIN: the server closed the connection');
}, 60_000);

test('a response code from a server whose CAPA lists no RESP-CODES: notLearned says the replay sends the text without it, as it does', async () => {
  const fake = await startFakeServer({ passFailed: '[AUTH] bad login' });
  const withCodes = await startFakeServer({ passFailed: '[AUTH] bad login', capaExtra: ['AUTH-RESP-CODE'] });
  const replays: Awaited<ReturnType<typeof startPop3Mock>>[] = [];
  try {
    const note = 'texts.authFailed: the server answered "[AUTH] bad login"; the file gives "bad login"';
    const answers: string[] = [];
    for (const server of [fake, withCodes]) {
      const { file } = await captureAt(server.port, { timeoutMs: 2000 });
      expect(file.texts?.authFailed).toBe('[AUTH] bad login');
      const replay = await startPop3Mock({ dialect: file, users: CAPTURE_USERS, tls: false });
      replays.push(replay);
      const client = await RawClient.connect(replay.port);
      await client.command(`USER ${CAPTURE_USER}`);
      answers.push(await client.command('PASS not-the-password'));
      client.destroy();
      if (server === fake) expect(file.notLearned).toContain(note);
      else expect(file.notLearned).not.toContain(note);
    }
    expect(answers).toEqual(['-ERR bad login', '-ERR [AUTH] bad login']);
  } finally {
    await fake.close();
    await withCodes.close();
    for (const replay of replays) await replay.close();
  }
}, 60_000);

test('a server that closes the connection on LIST 0: notLearned says noSuchMessage was not learned from it (the replay answers it from the other samples)', async () => {
  const { file } = await captureFake({ closeOn: ['LIST 0'] });
  expect(file.texts?.noSuchMessage).toBe('no such message');
  expect(file.notLearned).toContain(
    'noSuchMessage: the server closed the connection where a reply was expected; not learned from it',
  );
}, 60_000);

test('a CAPA line with UTF-8 letters: the file is written, with ? for each octet as for texts, and the replay lists that line', async () => {
  const fake = await startFakeServer({ capaExtra: ['IMPLEMENTATION Serveur-Français'] });
  let replay: Awaited<ReturnType<typeof startPop3Mock>> | undefined;
  try {
    const { file } = await captureAt(fake.port, { timeoutMs: 2000 });
    expect(file.capa?.beforeLogin).toContain('IMPLEMENTATION Serveur-Fran??ais');
    expect(file.notLearned).toContain(
      'capa: the server listed "IMPLEMENTATION Serveur-Fran\\xc3\\xa7ais"; the file has "IMPLEMENTATION Serveur-Fran??ais"',
    );
    replay = await startPop3Mock({ dialect: file, users: CAPTURE_USERS, tls: false });
    const client = await RawClient.connect(replay.port);
    const capa = await client.multi('CAPA');
    client.destroy();
    expect(capa.lines).toContain('IMPLEMENTATION Serveur-Fran??ais');
  } finally {
    await fake.close();
    await replay?.close();
  }
}, 60_000);
