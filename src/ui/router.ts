import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlServer, Mount } from '../control/control-server';
import { stackOf } from '../control/errors';
import { HttpError, noSuchRule } from '../control/http-util';
import { checkQuery } from '../control/request';
import { FixtureError } from '../fixtures/types';
import { uiEventsQuery } from '../schema/control-api';
import { describeIssue, InputError } from '../schema/input-error';
import type { Pop3Mock } from '../server/pop3-mock';
import { ServerClosedError } from '../server/server-closed-error';
import { noSession } from '../transcript/retention';
import { FormError, messageFromForm, ruleFromForm } from './actions';
import { APP_JS, FAVICON_SVG, STYLE_CSS } from './assets';
import { readForm } from './forms';
import { html, type SafeHtml } from './html';
import { layout } from './layout';
import { LOGIN_PATH } from './link';
import { faultsPage } from './pages/faults';
import { findMessage, mailboxesPage, mailboxPage, messagePage } from './pages/mailboxes';
import { sessionPage, sessionsPage } from './pages/sessions';
import { redirect, SECURITY_HEADERS, sameOrigin, sendAsset, sendDownload, sendPage } from './respond';
import { openStream } from './stream';

/** Characters a cookie value may hold (RFC 6265 §4.1.1), less `=`, which the control server splits on. */
const COOKIE_SAFE = /^[\x21\x23-\x2b\x2d-\x3a\x3c\x3e-\x5b\x5d-\x7e]+$/;

/**
 * What the view mounts on the control server: every path under /ui. The
 * control server checks the token first; a request without it gets the
 * "token needed" page.
 */
export function uiMount(pop3: Pop3Mock, control: ControlServer): Mount {
  return {
    prefix: '/ui',
    publicPaths: [LOGIN_PATH],
    refuse: (_req, res) => sendPage(res, 401, tokenNeeded(control)),
    handle: async (req, res, url) => {
      const path = url.pathname;
      try {
        if (path === LOGIN_PATH) login(control, req, res, url);
        else if (req.method === 'GET') get(pop3, res, path, url);
        else if (req.method === 'POST') await post(pop3, req, res, path);
        else sendPage(res, 405, message(pop3, 'Method not allowed', `${req.method} is not used here.`));
      } catch (error) {
        // A request that reached the view while the server closed (the control server closes last): a 410, as the API's.
        const status =
          error instanceof HttpError ? error.status : error instanceof ServerClosedError ? 410 : 500;
        // Anything else is a bug of pop3-mock: on stderr too, as the control API's, never swallowed.
        if (status === 500)
          process.stderr.write(`pop3-mock browser view: internal error: ${stackOf(error)}\n`);
        const text =
          status === 500 ? `internal error: ${(error as Error).message}` : (error as Error).message;
        if (!res.headersSent) sendPage(res, status, message(pop3, 'Request refused', text));
        else res.destroy();
      }
    },
  };
}

function login(control: ControlServer, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const given = url.searchParams.get('token') ?? '';
  if (!control.acceptsToken(given)) {
    sendPage(res, 401, tokenNeeded(control, 'That link holds a wrong or no token.'));
    return;
  }
  if (!COOKIE_SAFE.test(control.token)) {
    sendPage(
      res,
      400,
      bare(
        'Token not usable',
        'The control token holds characters a cookie cannot carry (space, ;, =, ...). Choose a token of letters and digits.',
      ),
    );
    return;
  }
  const cookie = `${control.cookieName}=${control.token}; Path=/; HttpOnly; SameSite=Strict`;
  const site = req.headers['sec-fetch-site'];
  if (site === undefined || site === 'none' || site === 'same-origin') {
    redirect(res, '/ui/', { 'set-cookie': cookie });
    return;
  }
  // Opened from another site's page (a CI log, say): a browser would not send a
  // SameSite=Strict cookie along a redirect it started, so go on from this page.
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'set-cookie': cookie,
    'content-type': 'text/html; charset=utf-8',
  });
  res.end(
    html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=/ui/"><title>pop3-mock</title></head><body><main><h1>Logged in</h1><p><a href="/ui/">Open the pop3-mock view</a></p></main></body></html>`
      .value,
  );
}

function get(pop3: Pop3Mock, res: ServerResponse, path: string, url: URL): void {
  const q = url.searchParams;
  const parts = path.split('/').slice(2).map(decode);
  const [section, a, b, c, d] = parts;
  if (path === '/ui') redirect(res, '/ui/');
  else if (path === '/ui/') sendPage(res, 200, sessionsPage(pop3));
  else if (path === '/ui/app.js') sendAsset(res, 'text/javascript; charset=utf-8', APP_JS);
  else if (path === '/ui/style.css') sendAsset(res, 'text/css; charset=utf-8', STYLE_CSS);
  else if (path === '/ui/favicon.svg') sendAsset(res, 'image/svg+xml', FAVICON_SVG);
  else if (path === '/ui/events')
    openStream(
      pop3,
      res,
      asBadRequest(() => checkQuery(uiEventsQuery, q, path)),
    );
  else if (path === '/ui/faults') {
    const notice = { added: q.get('added') ?? undefined, removed: q.has('removed'), reset: q.has('reset') };
    sendPage(res, 200, faultsPage(pop3, notice));
  } else if (section === 'sessions' && a !== undefined && /^\d+$/.test(a)) {
    const id = Number(a);
    const known = pop3.sessionById(id) !== undefined;
    const dropped = known ? undefined : pop3.droppedSessions({ sessionId: id });
    if (dropped) sendPage(res, 404, message(pop3, 'Session dropped', `N${noSession(id, dropped).slice(1)}.`));
    else if (parts.length === 2) page(pop3, res, sessionPage(pop3, id));
    else if (parts.length === 3 && known && b === 'transcript.txt') {
      const text = `${pop3.transcript({ sessionId: id })}\n`;
      sendDownload(res, 'text/plain; charset=utf-8', `session-${id}.txt`, text);
    } else if (parts.length === 3 && known && b === 'transcript.json') {
      const json = JSON.stringify(pop3.exportTranscripts({ sessionId: id }), null, 2);
      sendDownload(res, 'application/json; charset=utf-8', `session-${id}.json`, json);
    } else page(pop3, res, undefined);
  } else if (section === 'mailboxes' && parts.length === 1) sendPage(res, 200, mailboxesPage(pop3));
  else if (section === 'mailboxes' && parts.length === 2) {
    const notice = { delivered: q.get('delivered') ?? undefined, reset: q.has('reset') };
    page(pop3, res, mailboxPage(pop3, a!, notice));
  } else if (section === 'mailboxes' && parts.length === 4 && b === 'messages') {
    page(pop3, res, messagePage(pop3, a!, c!));
  } else if (section === 'mailboxes' && parts.length === 5 && b === 'messages' && d === 'raw') {
    const found = findMessage(pop3, a!, c!);
    // A deleted message whose bytes were let go (keepSessions) has nothing to download.
    if (found?.bytes) sendDownload(res, 'message/rfc822', `${c}.eml`, found.bytes);
    else page(pop3, res, undefined);
  } else page(pop3, res, undefined);
}

async function post(pop3: Pop3Mock, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (!sameOrigin(req)) {
    sendPage(res, 403, message(pop3, 'Refused', 'Forms are accepted only from pages of this server.'));
    return;
  }
  const parts = path.split('/').slice(2).map(decode);
  const [section, a, b] = parts;
  const user = section === 'mailboxes' && parts.length === 3 && pop3.users().includes(a!) ? a! : undefined;
  if (user !== undefined && b === 'reset') {
    pop3.mailbox(user).reset();
    redirect(res, `/ui/mailboxes/${encodeURIComponent(user)}?reset`);
  } else if (user !== undefined && b === 'deliver') {
    await deliver(pop3, req, res, user);
  } else if (path === '/ui/faults') {
    await addFault(pop3, req, res);
  } else if (section === 'faults' && parts.length === 3 && b === 'remove') {
    removeFault(pop3, res, a!);
  } else if (path === '/ui/reset') {
    await pop3.reset();
    redirect(res, '/ui/faults?reset');
  } else page(pop3, res, undefined);
}

async function deliver(pop3: Pop3Mock, req: IncomingMessage, res: ServerResponse, user: string) {
  const form = await readForm(req);
  try {
    const [added] = await pop3.deliver(user, [messageFromForm(form.fields, form.files)]);
    redirect(res, `/ui/mailboxes/${encodeURIComponent(user)}?delivered=${encodeURIComponent(added!.uid)}`);
  } catch (error) {
    if (!(error instanceof FormError || error instanceof FixtureError)) throw error;
    sendPage(res, 400, mailboxPage(pop3, user, { error: error.message })!);
  }
}

async function addFault(pop3: Pop3Mock, req: IncomingMessage, res: ServerResponse) {
  const form = await readForm(req);
  try {
    const rule = ruleFromForm(form.fields);
    await pop3.use(rule);
    redirect(res, `/ui/faults?added=${encodeURIComponent(rule.id)}`);
  } catch (error) {
    if (!(error instanceof FormError || error instanceof InputError)) throw error;
    // The schema's own words (the same at every door), without the `use()` prefix.
    const shown = error instanceof InputError ? error.issues.map(describeIssue).join('; ') : error.message;
    sendPage(res, 400, faultsPage(pop3, { error: shown, values: form.fields }));
  }
}

/**
 * A remove button's post: "Rule removed." only when a rule went. A rule gone
 * already (another tab, a reset) is a 404 and an id no rule can have a 400,
 * as `DELETE /api/faults/{id}` answers them, in the schema's words.
 */
function removeFault(pop3: Pop3Mock, res: ServerResponse, id: string): void {
  if (!asBadRequest(() => pop3.removeRule(id))) throw noSuchRule(id);
  redirect(res, '/ui/faults?removed');
}

/** `check()`'s value; its InputError a 400 in the schema's words, as the control API answers one. */
function asBadRequest<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new HttpError(400, error.issues.map(describeIssue).join('; '));
  }
}

function page(pop3: Pop3Mock, res: ServerResponse, found: SafeHtml | undefined): void {
  if (found) sendPage(res, 200, found);
  else
    sendPage(
      res,
      404,
      message(pop3, 'Not found', 'Nothing here: the session, user or message may be gone after a reset.'),
    );
}

function message(pop3: Pop3Mock, title: string, text: string): SafeHtml {
  return layout(
    pop3,
    { title, section: 'sessions', page: 'message' },
    html`<p>${text}</p><p><a href="/ui/">Back to the sessions</a></p>`,
  );
}

/** A page without the server's details, for a visitor without the token. */
function bare(title: string, text: string): SafeHtml {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · pop3-mock</title></head><body><main><h1>${title}</h1><p>${text}</p></main></body></html>`;
}

function tokenNeeded(control: ControlServer, why = 'This view needs the control token.'): SafeHtml {
  return bare(
    'Token needed',
    `${why} Open the link pop3-mock printed: ${control.url}${LOGIN_PATH}?token=… (the CLI prints it on stderr and as "uiUrl" in its ready line; in a test, uiLink(pop3)).`,
  );
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, 'malformed path');
  }
}
