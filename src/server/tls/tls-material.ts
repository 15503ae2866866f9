import { createSecureContext, type SecureContext } from 'node:tls';
import { generateTlsMaterial, type TlsMaterial } from './certificate';

/** Your own key and certificate chain (PEM), instead of the generated ones. */
export interface TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  /** CA certificate(s) to expose as `pop3.tls.ca`, if clients need them. */
  ca?: string | Buffer;
}

let generated: TlsMaterial | undefined;

/** The process-wide generated material: made on first use, then cached. */
function generatedMaterial(): TlsMaterial {
  generated ??= generateTlsMaterial();
  return generated;
}

/**
 * The certificate a server uses, resolved lazily so a server that never
 * speaks TLS never generates keys. TLS 1.2 is the minimum (RFC 8314 §4.1).
 */
export class ServerTls {
  private context: SecureContext | undefined;

  constructor(private readonly own: TlsOptions | undefined) {}

  /** Key, certificate and CA (PEM). The CA is what a client should trust. */
  get material(): { key: string; cert: string; ca: string } {
    if (!this.own) return generatedMaterial();
    return {
      key: String(this.own.key),
      cert: String(this.own.cert),
      ca: String(this.own.ca ?? this.own.cert),
    };
  }

  secureContext(): SecureContext {
    if (!this.context) {
      const { key, cert } = this.material;
      this.context = createSecureContext({ key, cert, minVersion: 'TLSv1.2' });
    }
    return this.context;
  }
}
