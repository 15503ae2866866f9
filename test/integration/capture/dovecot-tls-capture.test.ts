import { startPop3Mock } from '../../../src';
import type { Capture } from '../../../src/capture/capture-dialect';
import { dovecotDialect } from '../../../src/dialects';
import { generateTlsMaterial } from '../../../src/server/tls/certificate-modes';
import { type DovecotServer, dovecotInstalled } from '../../helpers/dovecot';
import { RawClient } from '../../helpers/raw-client';
import { CAPTURE_USERS, captureAt, comparable, startCaptureDovecot } from './capture-helpers';

// A live Dovecot with ssl on (a certificate signed by a CA of the test's own),
// captured with STLS and over POP3S; each capture replayed by a mock.
let dovecot: DovecotServer;
const material = generateTlsMaterial();
let starttls: Capture;
let implicitTls: Capture;
let fingerprints: { before: string; after: string };

// Both captures at once: what Dovecot still holds in its failure queue (up to 0.5 s; see
// helpers/dovecot.ts), the two can share. Neither commits a change.
beforeAll(async () => {
  if (!dovecotInstalled()) throw new Error('dovecot is not installed: apt-get install -y dovecot-pop3d');
  dovecot = await startCaptureDovecot({ tls: material });
  const before = dovecot.mailboxFingerprint();
  [starttls, implicitTls] = await Promise.all([
    captureAt(dovecot.port, { starttls: true, tlsOptions: { ca: material.ca } }),
    captureAt(dovecot.tlsPort ?? 0, { tls: true, tlsOptions: { ca: material.ca } }),
  ]);
  fingerprints = { before, after: dovecot.mailboxFingerprint() };
}, 60_000);

afterAll(async () => {
  await dovecot?.stop();
});

test('--starttls: CAPA before and after STLS captured apart; the replay answers both, and every reply', async () => {
  const live = starttls;
  expect(fingerprints.after).toBe(fingerprints.before);
  const { capa, texts } = live.file;
  expect(capa?.beforeLogin).toContain('STLS');
  expect(capa?.afterStls).toEqual(capa?.beforeLogin?.filter((l) => l !== 'STLS'));
  // As the preset has them from Dovecot's source.
  expect(texts?.stlsBegin).toBe(dovecotDialect.texts.stlsBegin);
  expect(texts?.tlsAlreadyActive).toBe(dovecotDialect.texts.tlsAlreadyActive);
  expect(live.file.notLearned?.join('\n')).not.toMatch(/STLS/);

  const replay = await startPop3Mock({ dialect: live.file, users: CAPTURE_USERS });
  try {
    const client = await RawClient.connect(replay.port);
    expect((await client.multi('CAPA')).lines).toEqual(capa?.beforeLogin);
    expect(await client.command('STLS')).toBe(`+OK ${texts?.stlsBegin}`);
    await client.upgradeToTls(replay.tls.ca);
    expect((await client.multi('CAPA')).lines).toEqual(capa?.afterStls);
    client.destroy();
    const replayed = await captureAt(replay.port, { starttls: true, tlsOptions: { ca: replay.tls.ca } });
    expect(comparable(replayed.transcript)).toEqual(comparable(live.transcript));
    expect(replayed.file).toEqual(live.file);
  } finally {
    await replay.close();
  }
}, 60_000);

test('--tls: a capture over POP3S replays the same over the mock tlsPort', async () => {
  const live = implicitTls;
  expect(live.file.capa?.beforeLogin).not.toContain('STLS');
  expect(live.file.texts?.tlsAlreadyActive).toBe(dovecotDialect.texts.tlsAlreadyActive);
  const replay = await startPop3Mock({ dialect: live.file, users: CAPTURE_USERS, tlsPort: 0 });
  try {
    const replayed = await captureAt(replay.tlsPort ?? 0, { tls: true, tlsOptions: { ca: replay.tls.ca } });
    expect(comparable(replayed.transcript)).toEqual(comparable(live.transcript));
    expect(replayed.file).toEqual(live.file);
  } finally {
    await replay.close();
  }
}, 60_000);
