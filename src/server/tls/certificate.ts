import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  context,
  generalizedTime,
  integer,
  octetString,
  oid,
  sequence,
  set,
  utf8String,
} from './der';

/** PEM key and certificate chain for a TLS server, plus the CA that signed it. */
export interface TlsMaterial {
  key: string;
  cert: string;
  /** The CA certificate (PEM) clients should trust. */
  ca: string;
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));
const DAY = 24 * 60 * 60 * 1000;

/**
 * Makes a fresh CA and a server certificate for `localhost`, `127.0.0.1` and
 * `::1`, with ECDSA P-256 keys (a few milliseconds). Generated at run time so
 * it never expires in a repository, as bundled test certificates do.
 */
export function generateTlsMaterial(now = new Date()): TlsMaterial {
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const serverKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const notBefore = new Date(now.getTime() - DAY);
  const notAfter = new Date(now.getTime() + 365 * DAY);
  const caName = name('pop3-mock test CA');
  const caSpki = spki(caKeys.publicKey);

  const caCert = certificate({
    issuer: caName,
    subject: caName,
    subjectSpki: caSpki,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension('2.5.29.19', true, sequence(boolean(true))),
      extension('2.5.29.15', true, bitString(Buffer.from([0x06]))), // keyCertSign, cRLSign
      extension('2.5.29.14', false, octetString(keyId(caSpki))),
    ],
  });
  const serverCert = certificate({
    issuer: caName,
    subject: name('localhost'),
    subjectSpki: spki(serverKeys.publicKey),
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension('2.5.29.19', true, sequence()),
      extension('2.5.29.15', true, bitString(Buffer.from([0x80]))), // digitalSignature
      extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // serverAuth
      extension(
        '2.5.29.17',
        false,
        sequence(
          context(2, Buffer.from('localhost'), false),
          context(7, Buffer.from([127, 0, 0, 1]), false),
          context(7, Buffer.concat([Buffer.alloc(15), Buffer.from([1])]), false),
        ),
      ),
      extension('2.5.29.35', false, sequence(context(0, keyId(caSpki), false))),
    ],
  });
  return {
    key: serverKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: pem(serverCert),
    ca: pem(caCert),
  };
}

interface CertificateFields {
  issuer: Buffer;
  subject: Buffer;
  subjectSpki: Buffer;
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

function certificate(f: CertificateFields): Buffer {
  const tbs = sequence(
    context(0, integer(Buffer.from([2]))), // v3
    integer(randomBytes(16)),
    ECDSA_WITH_SHA256,
    f.issuer,
    sequence(generalizedTime(f.notBefore), generalizedTime(f.notAfter)),
    f.subject,
    f.subjectSpki,
    context(3, sequence(...f.extensions)),
  );
  const signature = sign('sha256', tbs, { key: f.signingKey, dsaEncoding: 'der' });
  return sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(oid('2.5.4.3'), utf8String(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function spki(publicKey: KeyObject): Buffer {
  return publicKey.export({ type: 'spki', format: 'der' });
}

function keyId(spkiDer: Buffer): Buffer {
  return createHash('sha1').update(spkiDer).digest();
}

function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
