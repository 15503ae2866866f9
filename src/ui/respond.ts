import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SafeHtml } from './html';

/**
 * Nothing runs but /ui/app.js, nothing loads from elsewhere, no page may be
 * framed, forms post only here. Inline script and style are refused too.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every answer of the view. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function sendPage(res: ServerResponse, status: number, page: SafeHtml): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
  res.end(page.value);
}

export function sendAsset(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-cache' });
  res.end(body);
}

/** A download: `attachment`, so the browser saves it and never renders it. */
export function sendDownload(
  res: ServerResponse,
  type: string,
  filename: string,
  body: string | Buffer,
): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
  });
  res.end(body);
}

/** 303 See Other: after a form post, the browser GETs the page (no re-post on reload). */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { ...SECURITY_HEADERS, ...headers, location });
  res.end();
}

/**
 * Whether a form post comes from a page of this server. The cookie is
 * SameSite=Strict already; this refuses any request a browser marks as
 * coming from another origin.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}
