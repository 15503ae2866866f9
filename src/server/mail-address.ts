import { domainToASCII } from 'node:url';

/**
 * `local@domain` with the domain lower-cased: domains are case-insensitive
 * (RFC 5321 §2.4), the local part is the client's.
 */
export function withLowerCaseDomain(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? address : `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
}

/**
 * An address as compared with a user name: its domain in the ASCII form DNS
 * uses, lower-cased, so `p@bücher.example` and `p@xn--bcher-kva.example`
 * (one domain, RFC 5890) name one user, as `carol@Example.COM` and
 * `carol@example.com` do.
 */
export function comparableAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at === -1) return address;
  const domain = address.slice(at + 1);
  return `${address.slice(0, at)}@${asciiDomain(domain) ?? domain.toLowerCase()}`;
}

/**
 * The address in the form a client that did not ask for SMTPUTF8 sent it:
 * smtp-server turns an ASCII (`xn--`) domain into Unicode, which such a
 * client cannot have written (RFC 6531 §3.3), so its domain goes back to
 * ASCII. Other addresses are kept as they came.
 */
export function asSentWithoutUtf8(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  if (at === -1 || /^[\x00-\x7f]*$/.test(domain)) return address;
  return `${address.slice(0, at)}@${asciiDomain(domain) ?? domain}`;
}

/** The domain's ASCII form (lower case), or undefined for one that has none. */
function asciiDomain(domain: string): string | undefined {
  return domainToASCII(domain) || undefined;
}
