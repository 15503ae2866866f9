import type { SaslMechanism, SaslStep } from './mechanism';

/**
 * OAUTHBEARER (RFC 7628): GS2 header `n,a=authzid,` then `^A key=value` pairs
 * with a required `auth=Bearer <token>`, then `^A^A`. Unknown keys are
 * ignored; `host`/`port` must match the server when given. On failure the
 * server sends a JSON error challenge, the client answers `^A`, and the
 * exchange fails (§3.2.2-§3.2.3).
 */
export const oauthbearer: SaslMechanism = {
  name: 'OAUTHBEARER',
  serverFirst: false,
  create(env) {
    let failed = false;
    let failedUser: string | undefined;
    const errorJson = JSON.stringify({
      status: 'invalid_token',
      scope: 'mail',
      'openid-configuration': `https://${env.hostname}/.well-known/openid-configuration`,
    });
    const check = (message: Buffer): SaslStep => {
      const text = message.toString('utf8');
      if (text === '\x01') return { kind: 'failure', reason: 'malformed' };
      const match = /^n,(?:a=([^,]*))?,\x01(.*)\x01\x01$/s.exec(text);
      if (!match) return { kind: 'failure', reason: 'malformed' };
      const user = (match[1] ?? '').replace(/=2C/g, ',').replace(/=3D/g, '=');
      const pairs = new Map<string, string>();
      for (const pair of (match[2] ?? '').split('\x01')) {
        const eq = pair.indexOf('=');
        if (eq > 0) pairs.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      const auth = /^bearer (.+)$/i.exec(pairs.get('auth') ?? '');
      if (!auth) return { kind: 'failure', reason: 'malformed' };
      const host = pairs.get('host');
      const port = pairs.get('port');
      const addressOk =
        (host === undefined || isOwnHost(host, env.hostname)) &&
        (port === undefined || env.ports.includes(Number(port)));
      if (addressOk && user !== '' && env.acceptsToken(user, auth[1]!)) return { kind: 'success', user };
      failed = true;
      failedUser = user;
      return { kind: 'challenge', data: Buffer.from(errorJson) };
    };
    return {
      start: (initial) =>
        initial === undefined ? { kind: 'challenge', data: Buffer.alloc(0) } : check(initial),
      next: (message) =>
        failed ? { kind: 'failure', reason: 'credentials', user: failedUser } : check(message),
    };
  },
};

function isOwnHost(host: string, hostname: string): boolean {
  return ['localhost', '127.0.0.1', '::1', hostname].includes(host.toLowerCase());
}
