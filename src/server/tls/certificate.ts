import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIPv4 } from 'node:net';
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

/*
 * X.509 certificates written at run time, so none ever expires in a
 * repository as bundled test certificates do. ECDSA P-256 keys: a key pair
 * and a signature cost well under a millisecond each.
 */

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

/** A certificate authority: its name, keys and certificate. */
export interface Authority {
  readonly name: Buffer;
  readonly spki: Buffer;
  readonly privateKey: KeyObject;
  /** Its certificate, PEM. */
  readonly pem: string;
}

/** A validity window. */
export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A server certificate (PEM, the chain after it when there is one) and its key (PKCS#8 PEM). */
export interface IssuedCertificate {
  readonly key: string;
  readonly cert: string;
}

/** A self-signed CA certificate named `commonName`. */
export function createAuthority(commonName: string, validity: Validity): Authority {
  const keys = newKeys();
  const name = distinguishedName(commonName);
  const caSpki = spki(keys.publicKey);
  const der = certificate({
    issuer: name,
    subject: name,
    subjectSpki: caSpki,
    signingKey: keys.privateKey,
    validity,
    extensions: [
      extension('2.5.29.19', true, sequence(boolean(true))),
      extension('2.5.29.15', true, bitString(Buffer.from([0x06]))), // keyCertSign, cRLSign
      extension('2.5.29.14', false, octetString(keyId(caSpki))),
    ],
  });
  return { name, spki: caSpki, privateKey: keys.privateKey, pem: pem(der) };
}

/**
 * A TLS server certificate for `names` (DNS names and IP addresses), signed
 * by `issuer`, or by its own key when `issuer` is `'self'`.
 */
export function issueServerCertificate(
  names: readonly string[],
  validity: Validity,
  issuer: Authority | 'self',
): IssuedCertificate {
  const keys = newKeys();
  const subject = distinguishedName(names[0] ?? 'localhost');
  const subjectSpki = spki(keys.publicKey);
  const signer =
    issuer === 'self' ? { name: subject, spki: subjectSpki, privateKey: keys.privateKey } : issuer;
  const der = certificate({
    issuer: signer.name,
    subject,
    subjectSpki,
    signingKey: signer.privateKey,
    validity,
    extensions: [
      extension('2.5.29.19', true, sequence()),
      extension('2.5.29.15', true, bitString(Buffer.from([0x80]))), // digitalSignature
      extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // serverAuth
      extension('2.5.29.17', false, sequence(...names.map(subjectAltName))),
      extension('2.5.29.35', false, sequence(context(0, keyId(signer.spki), false))),
    ],
  });
  return { key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert: pem(der) };
}

interface CertificateFields {
  issuer: Buffer;
  subject: Buffer;
  subjectSpki: Buffer;
  signingKey: KeyObject;
  validity: Validity;
  extensions: Buffer[];
}

function certificate(f: CertificateFields): Buffer {
  const tbs = sequence(
    context(0, integer(Buffer.from([2]))), // v3
    integer(randomBytes(16)),
    ECDSA_WITH_SHA256,
    f.issuer,
    sequence(generalizedTime(f.validity.notBefore), generalizedTime(f.validity.notAfter)),
    f.subject,
    f.subjectSpki,
    context(3, sequence(...f.extensions)),
  );
  const signature = sign('sha256', tbs, { key: f.signingKey, dsaEncoding: 'der' });
  return sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
}

const newKeys = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** dNSName `[2]` or iPAddress `[7]` (4 or 16 octets). */
function subjectAltName(value: string): Buffer {
  if (isIPv4(value)) return context(7, Buffer.from(value.split('.').map(Number)), false);
  // A colon makes it an IPv6 address: no DNS name holds one. Not net.isIPv6: its pattern takes
  // ~8 ms to compile on first use, in every process that makes a certificate (each CLI start).
  if (value.includes(':')) return context(7, ipv6Bytes(value), false);
  return context(2, Buffer.from(value, 'ascii'), false);
}

/**
 * The 16 octets of an IPv6 address in hex groups (`::1`, `fe80::2:3`); anything else throws,
 * the dotted-quad tail (`::ffff:127.0.0.1`) and a zone (`%eth0`) too: no name the mock puts in a
 * certificate has them.
 */
function ipv6Bytes(address: string): Buffer {
  const halves = address.split('::');
  const groups = (part: string) =>
    part === ''
      ? []
      : part.split(':').map((g) => {
          if (!/^[0-9a-f]{1,4}$/i.test(g)) throw new Error(`pop3-mock: not an IPv6 address: ${address}`);
          return Number.parseInt(g, 16);
        });
  const [head = '', tail = ''] = halves;
  const left = groups(head);
  const right = groups(tail);
  const gap = 8 - left.length - right.length;
  if (halves.length > 2 || (halves.length === 2 ? gap < 1 : gap !== 0)) {
    throw new Error(`pop3-mock: not an IPv6 address: ${address}`);
  }
  const all = [...left, ...Array<number>(gap).fill(0), ...right];
  const out = Buffer.alloc(16);
  for (const [i, g] of all.entries()) out.writeUInt16BE(g, i * 2);
  return out;
}

function distinguishedName(commonName: string): Buffer {
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
