import { X509Certificate } from 'node:crypto';
import { connect, createServer } from 'node:tls';
import { generateTlsMaterial } from '../../src/server/tls/certificate';

test('the generated server certificate is signed by the exposed CA and names localhost, 127.0.0.1 and ::1', () => {
  const now = new Date('2026-11-28T00:00:00Z');
  const tls = generateTlsMaterial(now);
  const ca = new X509Certificate(tls.ca);
  const cert = new X509Certificate(tls.cert);
  expect(ca.ca).toBe(true);
  expect(cert.ca).toBe(false);
  expect(cert.verify(ca.publicKey)).toBe(true);
  expect(cert.checkIssued(ca)).toBe(true);
  expect(cert.checkHost('localhost')).toBe('localhost');
  expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  expect(cert.checkIP('::1')).toBe('::1');
  expect(new Date(cert.validFrom).getTime()).toBeLessThan(now.getTime());
  expect(new Date(cert.validTo).getTime()).toBeGreaterThan(now.getTime() + 300 * 86400000);
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
