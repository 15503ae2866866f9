import { createSecureContext, type SecureContext } from 'node:tls';
import { TLS_VERSIONS } from '../../schema/options';
import type { TlsCertificateMode, TlsVersion } from '../../vocabulary';
import { type Authority, createAuthority, type IssuedCertificate } from './certificate';
import { certificateFor, currentValidity } from './certificate-modes';

/**
 * TLS of a server: a generated certificate (`certificate`, default `valid`)
 * or your own `key` and `cert`; and the protocol versions it speaks.
 */
export interface TlsOptions {
  /** Your own private key (PEM); give `cert` with it. */
  key?: string | Buffer;
  /** Your own certificate chain (PEM); give `key` with it. */
  cert?: string | Buffer;
  /** With your own `cert`: CA certificate(s) to expose as `pop3.tls.ca`, if clients need them. */
  ca?: string | Buffer;
  /**
   * The generated certificate to present (not with `key`/`cert`): `valid`
   * (default), or `expired`, `not-yet-valid`, `wrong-host`, `self-signed`,
   * `untrusted-ca` to check that a client refuses it. `pop3.tls.ca` is the
   * same exposed CA in every mode. See docs/TLS.md.
   */
  certificate?: TlsCertificateMode;
  /**
   * Oldest protocol version accepted. Default `TLSv1.2` (RFC 8314 §4.1), or
   * `maxVersion` when that is older. Below TLS 1.2 the server lowers its
   * OpenSSL security level to 0 (`DEFAULT@SECLEVEL=0`), for itself only.
   */
  minVersion?: TlsVersion;
  /** Newest protocol version accepted. Default `TLSv1.3`. */
  maxVersion?: TlsVersion;
}

/** A server's TLS settings as `tls.createSecureContext` takes them. */
export interface TlsContextOptions {
  key: string;
  cert: string;
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  ciphers?: string;
}

/** Whether `a` is an older protocol version than `b`. */
const olderThan = (a: TlsVersion, b: TlsVersion): boolean =>
  TLS_VERSIONS.indexOf(a) < TLS_VERSIONS.indexOf(b);

// Generated once per process (a suite starts many servers): the exposed CA, then one certificate per mode.
let exposedCa: Authority | undefined;
const byMode = new Map<TlsCertificateMode, IssuedCertificate>();

/** The process-wide exposed CA, made on first use. */
function exposedAuthority(): Authority {
  exposedCa ??= createAuthority('pop3-mock test CA', currentValidity(new Date()));
  return exposedCa;
}

/** The process-wide exposed CA and the certificate of `mode`, made on first use. */
export function generatedMaterial(mode: TlsCertificateMode): { key: string; cert: string; ca: string } {
  const ca = exposedAuthority();
  let issued = byMode.get(mode);
  if (!issued) {
    issued = certificateFor(mode, ca, new Date());
    byMode.set(mode, issued);
  }
  return { key: issued.key, cert: issued.cert, ca: ca.pem };
}

/**
 * The certificate a server uses, resolved lazily so a server that never
 * speaks TLS never generates keys.
 */
export class ServerTls {
  private context: SecureContext | undefined;

  constructor(private readonly options: TlsOptions = {}) {}

  /**
   * The CA a client should trust (PEM), without making the server's
   * certificate: a CA file written at start (the CLI's, the jest global
   * setup's) must not cost one when no client ever asks for TLS.
   */
  get ca(): string {
    const { key, cert, ca } = this.options;
    if (key === undefined || cert === undefined) return exposedAuthority().pem;
    return String(ca ?? cert);
  }

  /** Key, certificate and CA (PEM). The CA is what a client should trust. */
  get material(): { key: string; cert: string; ca: string } {
    const { key, cert, ca } = this.options;
    if (key === undefined || cert === undefined)
      return generatedMaterial(this.options.certificate ?? 'valid');
    return { key: String(key), cert: String(cert), ca: String(ca ?? cert) };
  }

  secureContext(): SecureContext {
    this.context ??= createSecureContext(this.contextOptions());
    return this.context;
  }

  /**
   * What {@link secureContext} is made of: key, certificate and the versions,
   * for every listener that speaks TLS (POP3's STLS and POP3S here, the SMTP
   * intake's STARTTLS and SMTPS, which make their context themselves).
   */
  contextOptions(): TlsContextOptions {
    const { key, cert } = this.material;
    const maxVersion = this.options.maxVersion ?? 'TLSv1.3';
    const minVersion = this.options.minVersion ?? (olderThan(maxVersion, 'TLSv1.2') ? maxVersion : 'TLSv1.2');
    // OpenSSL 3 refuses TLS 1.0/1.1 above security level 0 (their SHA-1 and MD5 signatures).
    if (olderThan(minVersion, 'TLSv1.2'))
      return { key, cert, minVersion, maxVersion, ciphers: 'DEFAULT@SECLEVEL=0' };
    return { key, cert, minVersion, maxVersion };
  }
}
