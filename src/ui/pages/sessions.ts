import type { Pop3Mock } from '../../server/pop3-mock';
import { html, type SafeHtml, seg } from '../html';
import { layout } from '../layout';
import {
  droppedText,
  LIST_LIMIT,
  LineRenderer,
  SESSION_FIELDS,
  type SessionSummary,
  summarize,
} from '../view-model';

function row(summary: SessionSummary): SafeHtml {
  return html`<tr data-id="${summary.id}"><th scope="row"><a href="${summary.href}">#${summary.id}</a></th>${SESSION_FIELDS.map(
    ([key]) => html`<td data-field="${key}">${summary.cells[key]}</td>`,
  )}</tr>`;
}

/** Every session, newest first; /ui/app.js adds and updates rows as events arrive. */
export function sessionsPage(pop3: Pop3Mock): SafeHtml {
  const total = pop3.sessions.length;
  const summaries = pop3.sessions.slice(-LIST_LIMIT).map(summarize).reverse();
  const dropped = droppedText(pop3);
  return layout(
    pop3,
    { title: 'Sessions', section: 'sessions' },
    html`<p id="empty"${summaries.length > 0 ? html` hidden` : ''}>No sessions yet. Point a POP3 client at
<code>${pop3.host}:${pop3.port}</code>: it shows up here as it connects.</p>
<p class="notice" role="status" id="dropped"${dropped === undefined ? html` hidden` : ''}>${dropped ?? ''}</p>
<table class="sessions" id="sessions" data-limit="${LIST_LIMIT}">
<caption>Sessions, newest first, updated live${total > LIST_LIMIT ? ` (the newest ${LIST_LIMIT} of ${total})` : ''}</caption>
<thead><tr><th scope="col">Session</th>${SESSION_FIELDS.map(
      ([key, label]) => html`<th scope="col" data-field="${key}">${label}</th>`,
    )}</tr></thead>
<tbody>${summaries.map(row)}</tbody>
</table>`,
  );
}

/** One session: its facts and its C:/S: transcript, growing live while it runs. */
export function sessionPage(pop3: Pop3Mock, id: number): SafeHtml | undefined {
  const record = pop3.sessionById(id);
  if (!record) return undefined;
  const summary = summarize(record);
  const events = record.events.length;
  const lines = new LineRenderer(record).lines(record.events);
  return layout(
    pop3,
    {
      title: `Session ${id}`,
      section: 'sessions',
      page: 'session',
      data: { session: id, from: events, resets: pop3.resets },
    },
    html`<dl class="facts" id="facts">
<div><dt>From</dt><dd>${record.remoteAddress}:${record.remotePort}</dd></div>
${SESSION_FIELDS.map(([key, label]) => html`<div><dt>${label}</dt><dd data-field="${key}">${summary.cells[key]}</dd></div>`)}
</dl>
<section aria-labelledby="transcript-heading">
<h2 id="transcript-heading">Transcript</h2>
<p class="hint">Secrets (PASS, APOP digests, SASL data) are masked as <code>******</code>. Message bodies are
collapsed to their size; fault lines are marked.</p>
<div role="log" aria-label="Transcript of session ${id}"><ol class="transcript" id="transcript">${lines.map(
      (line) =>
        html`<li class="${line.kind}">${line.text}${line.href ? html` <a href="${line.href}">view message</a>` : ''}</li>`,
    )}</ol></div>
<p class="state" id="state">${summary.status}</p>
</section>
<section aria-labelledby="export-heading">
<h2 id="export-heading">Export</h2>
<ul class="actions">
<li><a href="/ui/sessions/${seg(id)}/transcript.txt" download>Download transcript as text</a></li>
<li><a href="/ui/sessions/${seg(id)}/transcript.json" download>Download transcript as JSON</a></li>
</ul>
</section>`,
  );
}
