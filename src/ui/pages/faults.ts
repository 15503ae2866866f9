import type { Pop3Mock } from '../../server/pop3-mock';
import { printable } from '../../transcript/render';
import { html, type SafeHtml, seg } from '../html';
import { layout } from '../layout';

/** The verbs the form offers; `*` is any command, `connect` the connection before the greeting. */
export const FAULT_TARGETS: readonly [string, string][] = [
  ['RETR', 'RETR'],
  ['TOP', 'TOP'],
  ['LIST', 'LIST'],
  ['UIDL', 'UIDL'],
  ['STAT', 'STAT'],
  ['DELE', 'DELE'],
  ['USER', 'USER'],
  ['PASS', 'PASS'],
  ['APOP', 'APOP'],
  ['AUTH', 'AUTH'],
  ['CAPA', 'CAPA'],
  ['STLS', 'STLS'],
  ['NOOP', 'NOOP'],
  ['RSET', 'RSET'],
  ['QUIT', 'QUIT'],
  ['*', 'any command'],
  ['connect', 'the connection (before the greeting)'],
];

export const DEFAULT_ERR = '-ERR [SYS/TEMP] try again later';

export interface FaultsNotice {
  /** A rule just added: its id (looked up, never echoed from the URL). */
  added?: string;
  removed?: boolean;
  reset?: boolean;
  /** A refused form: the message, and the values to put back in the form. */
  error?: string;
  values?: Map<string, string>;
}

/** Active rules with explain() and hits, the add form, remove buttons and the reset button. */
export function faultsPage(pop3: Pop3Mock, notice: FaultsNotice = {}): SafeHtml {
  const rules = pop3.rules();
  const added = rules.find((s) => s.rule.id === notice.added);
  const v = (name: string, fallback = '') => notice.values?.get(name) ?? fallback;
  const kind = v('kind', 'err');
  const target = v('verb', 'RETR');
  const user = v('user');
  return layout(
    pop3,
    { title: 'Faults', section: 'faults' },
    html`${added ? html`<p class="notice" role="status">Added ${added.rule.id}: ${added.rule.explain()}</p>` : ''}
${notice.removed ? html`<p class="notice" role="status">Rule removed.</p>` : ''}
${notice.reset ? html`<p class="notice" role="status">Server reset: mailboxes as seeded, transcripts forgotten, run-time rules removed.</p>` : ''}
${notice.error ? html`<p class="error" role="alert" id="form-error">${notice.error}</p>` : ''}
<section aria-labelledby="rules-heading">
<h2 id="rules-heading">Active rules</h2>
${
  rules.length === 0
    ? html`<p id="no-rules">No fault rules: every command gets its normal reply.</p>`
    : html`<table class="rules" id="rules">
<caption>In the order they are checked (the newest first); the first rule that fires wins</caption>
<thead><tr><th scope="col">Rule</th><th scope="col">What it does</th><th scope="col">Hits</th><th scope="col">From</th><th scope="col">Remove</th></tr></thead>
<tbody>${rules.map(
        (s) =>
          html`<tr data-rule="${s.rule.id}"${s.hits === 0 ? html` class="pending"` : ''}><th scope="row"><code>${s.rule.id}</code></th><td>${s.rule.explain()}</td><td>${s.hits}${s.hits === 0 ? html` <span class="badge">never matched</span>` : ''}</td><td>${s.source === 'options' ? 'options' : 'run time'}</td><td><form method="post" action="/ui/faults/${seg(s.rule.id)}/remove"><button type="submit">Remove ${s.rule.id}</button></form></td></tr>`,
      )}</tbody>
</table>`
}
</section>
<section aria-labelledby="add-heading">
<h2 id="add-heading">Add a fault</h2>
<form method="post" action="/ui/faults" class="stack" id="add-fault">
<p><label for="verb">On</label>
<select id="verb" name="verb">${FAULT_TARGETS.map(
      ([value, label]) =>
        html`<option value="${value}"${value === target ? html` selected` : ''}>${label}</option>`,
    )}</select></p>
<fieldset>
<legend>Fault</legend>
<p><input type="radio" id="kind-err" name="kind" value="err"${kind === 'err' ? html` checked` : ''}>
<label for="kind-err">Reply with an error instead</label></p>
<p><label for="reply">Reply line</label>
<input type="text" id="reply" name="reply" value="${v('reply', DEFAULT_ERR)}" size="40" spellcheck="false"></p>
<p><input type="radio" id="kind-delay" name="kind" value="delay"${kind === 'delay' ? html` checked` : ''}>
<label for="kind-delay">Delay the reply</label></p>
<p><label for="delay">Delay (milliseconds)</label>
<input type="number" id="delay" name="delay" min="0" max="600000" step="1" value="${v('delay', '2000')}"></p>
<p><input type="radio" id="kind-drop" name="kind" value="drop"${kind === 'drop' ? html` checked` : ''}>
<label for="kind-drop">Drop the connection part-way through the reply</label></p>
<p><label for="bytes">Bytes sent before the drop (FIN)</label>
<input type="number" id="bytes" name="bytes" min="0" step="1" value="${v('bytes', '10')}"></p>
</fieldset>
<fieldset>
<legend>When</legend>
<p><label for="times">At most this many times (empty: every time)</label>
<input type="number" id="times" name="times" min="1" step="1" value="${v('times', '1')}"></p>
<p><label for="nth">Only the nth occurrence (empty: any)</label>
<input type="number" id="nth" name="nth" min="1" step="1" value="${v('nth')}"></p>
<p><label for="user">Only for user</label>
<select id="user" name="user"><option value="">any user</option>${pop3
      .users()
      .map(
        (u) => html`<option value="${u}"${u === user ? html` selected` : ''}>${printable(u)}</option>`,
      )}</select></p>
</fieldset>
<p><button type="submit">Add fault</button></p>
</form>
</section>
<section aria-labelledby="reset-heading">
<h2 id="reset-heading">Reset the server</h2>
<form method="post" action="/ui/reset">
<p>Removes every run-time rule and restarts hit counts, puts every mailbox back to its seeded messages and
forgets the transcripts (as <code>pop3.reset()</code>). Open sessions go on.</p>
<p><button type="submit">Reset server</button></p>
</form>
</section>`,
  );
}
