import { X509Certificate } from 'node:crypto';
import { connect, createServer } from 'node:tls';
import { generateTlsMaterial, OTHER_HOST } from '../../src/server/tls/certificate-modes';
import { generatedMaterial } from '../../src/server/tls/tls-material';

const DAY = 86_400_000;
const now = new Date('2026-11-28T00:00:00Z');

/** The leaf, and the CA certificate sent after it (untrusted-ca only). */
function parse(mode: Parameters<typeof generateTlsMaterial>[0]) {
  const tls = generateTlsMaterial(mode, now);
  const [leaf, ...chain] = tls.cert.split(/(?<=-----END CERTIFICATE-----\n)/).filter((p) => p !== '');
  return {
    ca: new X509Certificate(tls.ca),
    cert: new X509Certificate(leaf!),
    chain: chain.map((c) => new X509Certificate(c)),
  };
}

const namesLocal = (cert: X509Certificate) => {
  expect(cert.checkHost('localhost')).toBe('localhost');
  expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  expect(cert.checkIP('::1')).toBe('::1');
};

test('valid: signed by the exposed CA, names localhost, 127.0.0.1 and ::1, valid for a year around now', () => {
  const { ca, cert } = parse('valid');
  expect(ca.ca).toBe(true);
  expect(cert.ca).toBe(false);
  expect(cert.verify(ca.publicKey)).toBe(true);
  expect(cert.checkIssued(ca)).toBe(true);
  namesLocal(cert);
  expect(new Date(cert.validFrom).getTime()).toBeLessThan(now.getTime());
  expect(new Date(cert.validTo).getTime()).toBeGreaterThan(now.getTime() + 300 * DAY);
});

test('expired: signed by the exposed CA for the local names, validity ended yesterday', () => {
  const { ca, cert } = parse('expired');
  expect(cert.verify(ca.publicKey)).toBe(true);
  namesLocal(cert);
  expect(new Date(cert.validTo).getTime()).toBeLessThanOrEqual(now.getTime() - DAY + 1000);
  expect(new Date(cert.validTo).getTime()).toBeGreaterThan(now.getTime() - 2 * DAY);
});

test('not-yet-valid: signed by the exposed CA for the local names, validity starts ten years on', () => {
  const { ca, cert } = parse('not-yet-valid');
  expect(cert.verify(ca.publicKey)).toBe(true);
  namesLocal(cert);
  expect(new Date(cert.validFrom).getTime()).toBeGreaterThanOrEqual(now.getTime() + 3650 * DAY - 1000);
  expect(new Date(cert.validTo).getTime()).toBeGreaterThan(new Date(cert.validFrom).getTime());
});

test('wrong-host: signed by the exposed CA, in date, for another name only', () => {
  const { ca, cert } = parse('wrong-host');
  expect(cert.verify(ca.publicKey)).toBe(true);
  expect(cert.checkHost(OTHER_HOST)).toBe(OTHER_HOST);
  expect(cert.checkHost('localhost')).toBeUndefined();
  expect(cert.checkIP('127.0.0.1')).toBeUndefined();
  expect(cert.checkIP('::1')).toBeUndefined();
});

test('self-signed: the leaf signs itself and is not chained to the exposed CA', () => {
  const { ca, cert } = parse('self-signed');
  expect(cert.ca).toBe(false);
  expect(cert.verify(cert.publicKey)).toBe(true);
  expect(cert.verify(ca.publicKey)).toBe(false);
  expect(cert.issuer).toBe(cert.subject);
  namesLocal(cert);
});

test('untrusted-ca: the leaf is chained to a second CA, sent with it, that is not the exposed one', () => {
  const { ca, cert, chain } = parse('untrusted-ca');
  expect(chain).toHaveLength(1);
  const other = chain[0]!;
  expect(other.ca).toBe(true);
  expect(other.fingerprint256).not.toBe(ca.fingerprint256);
  expect(cert.verify(other.publicKey)).toBe(true);
  expect(cert.verify(ca.publicKey)).toBe(false);
  namesLocal(cert);
});

test('the cached material shares one exposed CA across modes and makes each certificate once', () => {
  const valid = generatedMaterial('valid');
  const expired = generatedMaterial('expired');
  expect(expired.ca).toBe(valid.ca);
  expect(expired.cert).not.toBe(valid.cert);
  expect(generatedMaterial('expired')).toEqual(expired);
});

test('a TLS client that trusts only the CA accepts the certificate for 127.0.0.1', async () => {
  const tls = generateTlsMaterial();
  const server = createServer({ key: tls.key, cert: tls.cert }, (s) => s.end('hi'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const text = await new Promise<string>((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', ca: tls.ca }, () => s.setEncoding('utf8'));
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('end', () => resolve(got));
    s.on('error', reject);
  });
  server.close();
  expect(text).toBe('hi');
});
