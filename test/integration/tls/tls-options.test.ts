import { startPop3Mock } from '../../../src';
import { buildStartPlan } from '../../../src/cli/build-options';
import { parseCliArgs } from '../../../src/cli/parse-args';
import { checkInput } from '../../../src/schema/check';
import { configFile } from '../../../src/schema/options';
import { generateTlsMaterial } from '../../../src/server/tls/certificate-modes';

// The TLS options at every door: the options, the config file and the CLI flag.

test('an unknown certificate mode is refused with the path and the modes', async () => {
  await expect(startPop3Mock({ tls: { certificate: 'x' as never } })).rejects.toThrow(
    'tls.certificate: expected one of "valid", "expired", "not-yet-valid", "wrong-host", "self-signed", "untrusted-ca", got "x"',
  );
});

test('minVersion newer than maxVersion, a key without cert, and a mode with your own certificate are refused', async () => {
  await expect(startPop3Mock({ tls: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' } })).rejects.toThrow(
    /tls\.minVersion: expected a minVersion no newer than maxVersion "TLSv1.2"/,
  );
  await expect(startPop3Mock({ tls: { key: 'k' } })).rejects.toThrow(/tls\.cert: expected cert too/);
  await expect(startPop3Mock({ tls: { key: 'k', cert: 'c', certificate: 'expired' } })).rejects.toThrow(
    /tls\.certificate: expected no certificate mode with your own key and cert/,
  );
});

test('ca without your own key and cert is refused: it would not be pop3.tls.ca, nor sign what the server presents', async () => {
  // Accepted, the server presented the generated certificate and pop3.tls.ca was the exposed CA, not this one.
  const { ca } = generateTlsMaterial();
  await expect(startPop3Mock({ tls: { ca } })).rejects.toThrow(
    /tls\.ca: expected key and cert with it: ca is exposed as pop3\.tls\.ca only with your own certificate/,
  );
  await expect(startPop3Mock({ tls: { ca, certificate: 'expired' } })).rejects.toThrow(/tls\.ca: /);
});

const door = { source: 'config test.json' };

test('a config file takes tls { certificate, minVersion, maxVersion } as JSON', () => {
  const checked = checkInput(configFile, { tls: { certificate: 'wrong-host', maxVersion: 'TLSv1.2' } }, door);
  expect(checked.tls).toEqual({ certificate: 'wrong-host', maxVersion: 'TLSv1.2' });
  expect(() => checkInput(configFile, { tls: { key: 'k' } }, door)).toThrow(/tls/);
});

test('--tls-certificate MODE sets tls.certificate; an unknown mode is a usage error naming the modes', () => {
  const plan = buildStartPlan(parseCliArgs(['--tls-certificate', 'self-signed']), undefined, '/');
  expect(plan.options.tls).toEqual({ certificate: 'self-signed' });
  expect(() => parseCliArgs(['--tls-certificate', 'bogus'])).toThrow(
    '--tls-certificate: expected one of "valid", "expired", "not-yet-valid", "wrong-host", "self-signed", "untrusted-ca", got "bogus"',
  );
});

test('the chosen certificate is the one served, and pop3.tls.ca is the same exposed CA in every mode', async () => {
  const valid = await startPop3Mock({ tls: { certificate: 'valid' } });
  const selfSigned = await startPop3Mock({ tls: { certificate: 'self-signed' } });
  try {
    expect(selfSigned.tls.ca).toBe(valid.tls.ca);
    expect(selfSigned.tls.cert).not.toBe(valid.tls.cert);
  } finally {
    await valid.close();
    await selfSigned.close();
  }
});
