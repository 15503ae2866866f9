/**
 * `local@domain` with the domain lower-cased: domains are case-insensitive
 * (RFC 5321 §2.4), the local part is the client's.
 */
export function withLowerCaseDomain(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? address : `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
}
