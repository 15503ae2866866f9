import type { MailboxView } from '../../mailbox/mailbox-view';
import { HELD_BYTES } from '../../server/held-bytes';
import type { Pop3Mock } from '../../server/pop3-mock';
import { printable } from '../../transcript/render';
import { html, type SafeHtml, seg } from '../html';
import { layout } from '../layout';
import { cutAt, showOctets } from '../octets-text';
import { droppedOfUser, octets } from '../view-model';

/** How much of a message source a page shows; the whole message is one download away. */
export const SOURCE_LIMIT = 256 * 1024;

const userHref = (user: string) => `/ui/mailboxes/${seg(user)}`;
const messageHref = (user: string, uid: string) => `${userHref(user)}/messages/${seg(uid)}`;

function mailboxOf(pop3: Pop3Mock, user: string): MailboxView | undefined {
  return pop3.users().includes(user) ? pop3.mailbox(user) : undefined;
}

export function mailboxesPage(pop3: Pop3Mock): SafeHtml {
  const users = pop3.users();
  return layout(
    pop3,
    { title: 'Mailboxes', section: 'mailboxes' },
    users.length === 0
      ? html`<p>No users. Add them with the <code>users</code> option, <code>--user</code>, or
<code>PUT /api/users/NAME</code>.</p>`
      : html`<table>
<caption>Users and their maildrops</caption>
<thead><tr><th scope="col">User</th><th scope="col">Messages</th><th scope="col">Size</th><th scope="col">Locked by</th></tr></thead>
<tbody>${users.map((user) => {
          const mailbox = pop3.mailbox(user);
          const messages = mailbox.messages();
          const total = messages.reduce((sum, m) => sum + m.size, 0);
          const lock = mailbox.lockedBy;
          return html`<tr><th scope="row"><a href="${userHref(user)}">${printable(user)}</a></th><td>${messages.length}</td><td>${octets(total)}</td><td>${lock === undefined ? 'nobody' : html`<a href="/ui/sessions/${lock}">session ${lock}</a>`}</td></tr>`;
        })}</tbody>
</table>`,
  );
}

export interface MailboxNotice {
  /** A delivery just made: its uid (looked up, never echoed from the URL). */
  delivered?: string;
  reset?: boolean;
  error?: string;
}

/** A user's messages (number, uid, size, retrieved or deleted), the upload form and the reset button. */
export function mailboxPage(pop3: Pop3Mock, user: string, notice: MailboxNotice = {}): SafeHtml | undefined {
  const mailbox = mailboxOf(pop3, user);
  if (!mailbox) return undefined;
  const outcome = pop3.outcome(user);
  const retrievedBy = new Map<string, number[]>();
  for (const r of outcome.retrieved) {
    const ids = retrievedBy.get(r.uid) ?? [];
    if (!ids.includes(r.sessionId)) ids.push(r.sessionId);
    retrievedBy.set(r.uid, ids);
  }
  const messages = mailbox.messages();
  const delivered = messages.find((m) => m.uid === notice.delivered);
  const dropped = droppedOfUser(user, outcome.dropped);
  const sessionLinks = (ids: readonly number[]) =>
    ids.map((id, i) => html`${i > 0 ? ', ' : ''}<a href="/ui/sessions/${id}">session ${id}</a>`);
  return layout(
    pop3,
    { title: `Mailbox ${printable(user)}`, section: 'mailboxes' },
    html`${delivered ? html`<p class="notice" role="status">Delivered message ${delivered.number} (uid <code>${delivered.uid}</code>, ${octets(delivered.size)}). Sessions that log in from now on see it.</p>` : ''}
${notice.reset ? html`<p class="notice" role="status">Mailbox reset to its seeded messages.</p>` : ''}
${notice.error ? html`<p class="error" role="alert">${notice.error}</p>` : ''}
<section aria-labelledby="messages-heading">
<h2 id="messages-heading">Messages</h2>
${dropped === undefined ? '' : html`<p class="notice" role="status" id="dropped">${dropped}</p>`}
${
  messages.length === 0
    ? html`<p>No messages.</p>`
    : html`<table>
<caption>Numbered as a session opened now sees them</caption>
<thead><tr><th scope="col">No.</th><th scope="col">UID</th><th scope="col">Size</th><th scope="col">Delivered (UTC)</th><th scope="col">Retrieved</th></tr></thead>
<tbody>${messages.map((m) => {
        const by = retrievedBy.get(m.uid);
        return html`<tr><td>${m.number}</td><th scope="row"><a href="${messageHref(user, m.uid)}">${m.uid}</a></th><td>${m.size}</td><td>${m.deliveredAt.toISOString().replace('T', ' ').slice(0, 19)}</td><td>${by ? html`retrieved by ${sessionLinks(by)}` : 'no'}</td></tr>`;
      })}</tbody>
</table>`
}
${
  outcome.deleted.length === 0
    ? ''
    : html`<h3>Deleted at UPDATE</h3>
<table>
<caption>Removed by a session's QUIT</caption>
<thead><tr><th scope="col">UID</th><th scope="col">Size</th><th scope="col">Number then</th><th scope="col">Deleted by</th></tr></thead>
<tbody>${outcome.deleted.map(
        (d) =>
          html`<tr><th scope="row"><a href="${messageHref(user, d.uid)}">${d.uid}</a></th><td>${d.size}</td><td>${d.number ?? ''}</td><td>${sessionLinks([d.sessionId])}</td></tr>`,
      )}</tbody>
</table>`
}
</section>
<section aria-labelledby="deliver-heading">
<h2 id="deliver-heading">Deliver a message</h2>
<form method="post" action="${userHref(user)}/deliver" enctype="multipart/form-data" class="stack">
<p><label for="eml">Upload an .eml file</label>
<input type="file" id="eml" name="file" accept=".eml,message/rfc822,text/plain"></p>
<p><label for="source">or paste the message source</label>
<textarea id="source" name="source" rows="8" cols="80" spellcheck="false"></textarea></p>
<p><button type="submit">Deliver</button></p>
</form>
</section>
<section aria-labelledby="reset-heading">
<h2 id="reset-heading">Reset</h2>
<form method="post" action="${userHref(user)}/reset">
<p>Back to the seeded messages: deliveries and deletions are forgotten.</p>
<p><button type="submit">Reset mailbox ${printable(user)}</button></p>
</form>
</section>`,
  );
}

/**
 * Splits the header block into fields, unfolding continuation lines (RFC 5322 §2.2.3). Names
 * and values are the octets as they are: read as latin1, one character per octet.
 */
export function headerFields(bytes: Buffer): [string, string][] {
  const end = bytes.indexOf('\r\n\r\n');
  const block = bytes.subarray(0, end === -1 ? bytes.length : end).toString('latin1');
  const fields: [string, string][] = [];
  for (const line of block.split('\r\n')) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) last[1] += ` ${trimWsp(line)}`;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) fields.push([line.slice(0, colon), trimWsp(line.slice(colon + 1))]);
    }
  }
  return fields;
}

/**
 * Without the white space around it (RFC 5322 WSP: space, tab) and nothing else: trim() would
 * also take U+00A0, which is the octet 0xA0 here, the last of a UTF-8 à (C3 A0).
 */
const trimWsp = (text: string) => text.replace(/^[ \t]+|[ \t]+$/g, '');

/** A message by uid, still in the maildrop or deleted at UPDATE. */
export function findMessage(pop3: Pop3Mock, user: string, uid: string) {
  const mailbox = mailboxOf(pop3, user);
  if (!mailbox) return undefined;
  // The bytes held, not the copy the API hands out: a page shows and a download sends them, nothing keeps them.
  const bytes = pop3[HELD_BYTES](user, uid);
  const current = mailbox.messages().find((m) => m.uid === uid);
  if (current) return { bytes, size: current.size, number: current.number, deleted: undefined };
  const gone = mailbox.deleted().find((m) => m.uid === uid);
  if (gone) return { bytes, size: gone.size, number: undefined, deleted: gone };
  return undefined;
}

/** A message's headers and raw source. */
export function messagePage(pop3: Pop3Mock, user: string, uid: string): SafeHtml | undefined {
  const found = findMessage(pop3, user, uid);
  if (!found) return undefined;
  return layout(
    pop3,
    { title: `Message ${uid}`, section: 'mailboxes' },
    html`<p><a href="${userHref(user)}">Back to mailbox ${printable(user)}</a></p>
<dl class="facts">
<div><dt>User</dt><dd>${printable(user)}</dd></div>
<div><dt>Number</dt><dd>${found.number ?? 'none (deleted)'}</dd></div>
<div><dt>UID</dt><dd><code>${uid}</code></dd></div>
<div><dt>Size</dt><dd>${octets(found.size)}</dd></div>
<div><dt>Status</dt><dd>${found.deleted ? html`deleted at UPDATE by <a href="/ui/sessions/${found.deleted.sessionId}">session ${found.deleted.sessionId}</a>` : 'in the maildrop'}</dd></div>
</dl>
${found.bytes === undefined ? releasedContent(found.deleted?.sessionId) : messageContent(user, uid, found.bytes, found.size)}`,
  );
}

/** A deleted message whose session's record was dropped: its bytes were let go (see DeletedMessage.bytes). */
function releasedContent(sessionId: number | undefined): SafeHtml {
  return html`<p>Its content was let go when the record of session ${sessionId ?? ''} was dropped (keepSessions keeps the newest ended sessions).</p>`;
}

function messageContent(user: string, uid: string, bytes: Buffer, size: number): SafeHtml {
  const cut = cutAt(bytes, SOURCE_LIMIT);
  const source = showOctets(bytes.subarray(0, cut));
  const fields = headerFields(bytes).map(([name, value]) => [latin1(name), latin1(value)] as const);
  const marked = source.marked || fields.some(([name, value]) => name.marked || value.marked);
  const raw = `${messageHref(user, uid)}/raw`;
  return html`<section aria-labelledby="headers-heading">
<h2 id="headers-heading">Headers</h2>
<table class="headers">
<caption>Header fields, unfolded</caption>
<thead><tr><th scope="col">Field</th><th scope="col">Value</th></tr></thead>
<tbody>${fields.map(([name, value]) => html`<tr><th scope="row">${name.html}</th><td>${value.html}</td></tr>`)}</tbody>
</table>
</section>
<section aria-labelledby="source-heading">
<h2 id="source-heading">Raw source</h2>
<p><a href="${raw}" download>Download the message (.eml)</a>${size > SOURCE_LIMIT ? ` · showing the first ${cut} of ${size} octets` : ''}</p>
${marked ? html`<p class="notice" id="octets-note">Not all of it is plain UTF-8 text: each octet that is not UTF-8, or is part of a control, bidi or separator character, is shown marked, as <span class="octet">\\xNN</span>; the download has it as it is.</p>` : ''}
<div class="source" role="region" aria-label="Raw source of message ${uid}" tabindex="0"><pre id="raw-source">${source.html}</pre></div>
</section>`;
}

/** Header text as headerFields() gives it (an octet a character) shown as the octets it is. */
const latin1 = (text: string) => showOctets(Buffer.from(text, 'latin1'));
