/**
 * The view's static files, served from /ui/. They live in strings so the
 * bundled package needs no files beside it. The script is plain ES2020 for
 * any current browser; it builds every node with textContent (never
 * innerHTML), so transcript and message text can only land as text.
 * (No backquotes or dollar-brace sequences inside: this is a template literal.)
 */

export const APP_JS = String.raw`// pop3-mock browser view: live session list and live transcripts.
(function () {
  'use strict';
  var body = document.body;
  var live = document.getElementById('live');

  function setLive(state, text) {
    if (!live) return;
    live.setAttribute('data-state', state);
    live.textContent = text;
  }

  // An EventSource that reconnects itself with a fresh URL, so a transcript
  // resumes after the last line it shows instead of repeating lines.
  function connect(url, handlers) {
    var source = null;
    var retry = 0;
    var stopped = false;
    function open() {
      source = new EventSource(url());
      source.onopen = function () {
        retry = 0;
        setLive('on', 'Live');
      };
      Object.keys(handlers).forEach(function (name) {
        source.addEventListener(name, function (event) {
          handlers[name](JSON.parse(event.data));
        });
      });
      source.onerror = function () {
        source.close();
        if (stopped) return;
        setLive('off', 'Reconnecting\u2026');
        retry = Math.min(retry + 1, 6);
        setTimeout(open, 250 * retry);
      };
    }
    open();
    return {
      stop: function () {
        stopped = true;
        if (source) source.close();
      }
    };
  }

  function cell(tag, field) {
    var node = document.createElement(tag);
    if (field) node.setAttribute('data-field', field);
    return node;
  }

  function sessionsPage() {
    var table = document.getElementById('sessions');
    var tbody = table.tBodies[0];
    var empty = document.getElementById('empty');
    var dropped = document.getElementById('dropped');
    var limit = Number(table.getAttribute('data-limit')) || 500;
    var fields = Array.prototype.map.call(table.tHead.querySelectorAll('th[data-field]'), function (th) {
      return th.getAttribute('data-field');
    });
    function rowOf(id) {
      for (var i = 0; i < tbody.rows.length; i++) {
        if (Number(tbody.rows[i].getAttribute('data-id')) === id) return tbody.rows[i];
      }
      return null;
    }
    function upsert(summary) {
      var id = Number(summary.id);
      var row = rowOf(id);
      if (!row) {
        row = document.createElement('tr');
        row.setAttribute('data-id', String(id));
        var head = cell('th');
        head.setAttribute('scope', 'row');
        var link = document.createElement('a');
        link.href = '/ui/sessions/' + id;
        link.textContent = '#' + id;
        head.appendChild(link);
        row.appendChild(head);
        fields.forEach(function (field) {
          row.appendChild(cell('td', field));
        });
        // Newest first.
        var before = null;
        for (var i = 0; i < tbody.rows.length && !before; i++) {
          if (Number(tbody.rows[i].getAttribute('data-id')) < id) before = tbody.rows[i];
        }
        tbody.insertBefore(row, before);
        while (tbody.rows.length > limit) tbody.deleteRow(tbody.rows.length - 1);
      }
      fields.forEach(function (field) {
        var td = row.querySelector('td[data-field="' + field + '"]');
        if (td) td.textContent = summary.cells[field];
      });
      row.classList.toggle('open', !summary.ended);
      empty.hidden = true;
    }
    connect(
      function () {
        return '/ui/events';
      },
      {
        session: upsert,
        reset: function () {
          tbody.textContent = '';
          empty.hidden = false;
          if (dropped) dropped.hidden = true;
        },
        dropped: function (message) {
          if (!dropped) return;
          dropped.textContent = message.text || '';
          dropped.hidden = !message.text;
        }
      }
    );
  }

  function sessionPage() {
    var id = body.getAttribute('data-session');
    var from = Number(body.getAttribute('data-from'));
    var resets = body.getAttribute('data-resets');
    var list = document.getElementById('transcript');
    var state = document.getElementById('state');
    var facts = document.getElementById('facts');
    var stream = null;
    function nearBottom() {
      return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 48;
    }
    function append(line) {
      var item = document.createElement('li');
      item.className = line.kind;
      item.textContent = line.text;
      if (typeof line.href === 'string' && line.href.indexOf('/ui/') === 0) {
        var link = document.createElement('a');
        link.href = line.href;
        link.textContent = 'view message';
        item.appendChild(document.createTextNode(' '));
        item.appendChild(link);
      }
      list.appendChild(item);
    }
    stream = connect(
      function () {
        return (
          '/ui/events?session=' + encodeURIComponent(id) + '&from=' + from + '&resets=' + encodeURIComponent(resets)
        );
      },
      {
        // reset() restarted the session's record: it holds nothing from before, so neither does the page.
        restarted: function (message) {
          list.textContent = '';
          from = 0;
          resets = String(message.resets);
        },
        lines: function (message) {
          if (message.from !== from) {
            // Lines the page does not have yet were skipped: start over.
            if (message.to > from) window.location.reload();
            return;
          }
          var stick = nearBottom();
          message.lines.forEach(append);
          from = message.to;
          var summary = message.summary;
          Object.keys(summary.cells).forEach(function (field) {
            var dd = facts.querySelector('dd[data-field="' + field + '"]');
            if (dd) dd.textContent = summary.cells[field];
          });
          state.textContent = summary.status;
          if (stick) window.scrollTo(0, document.documentElement.scrollHeight);
          if (summary.ended) {
            stream.stop();
            setLive('ended', 'Session ended');
          }
        },
        gone: function (message) {
          stream.stop();
          state.textContent = message.why;
          setLive('ended', 'Not recorded');
        }
      }
    );
  }

  var page = body.getAttribute('data-page');
  if (page === 'sessions') sessionsPage();
  else if (page === 'session') sessionPage();
})();
`;

export const STYLE_CSS = `:root {
  color-scheme: light dark;
  --bg: #fdfdfc;
  --fg: #1d1f21;
  --muted: #5c6166;
  --line: #d9dcdf;
  --panel: #f2f4f5;
  --accent: #0b5cad;
  --client: #0b5cad;
  --server: #22683a;
  --fault-bg: #fff1d6;
  --fault-fg: #7a3e00;
  --error: #a4161a;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #16181a;
    --fg: #e6e8ea;
    --muted: #a3aab0;
    --line: #33383c;
    --panel: #1f2326;
    --accent: #7cb7ff;
    --client: #7cb7ff;
    --server: #7fd69a;
    --fault-bg: #3d2a00;
    --fault-fg: #ffd28a;
    --error: #ff8a8a;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, sans-serif; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
code, pre, .transcript { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; z-index: 2; }
.banner { display: flex; align-items: center; gap: 24px; padding: 8px 24px; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { margin: 0; font-weight: 700; }
.brand a { color: var(--fg); text-decoration: none; }
nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
nav a[aria-current] { font-weight: 700; text-decoration-thickness: 3px; }
.live { margin: 0 0 0 auto; color: var(--muted); font-size: 13px; }
.live[data-state="on"]::before { content: "\\25CF  "; color: var(--server); }
main { padding: 8px 24px 24px; max-width: 1200px; }
main:focus { outline: none; }
footer { padding: 8px 24px; color: var(--muted); border-top: 1px solid var(--line); font-size: 13px; }
h1 { font-size: 24px; margin: 12px 0; }
h2 { font-size: 18px; margin: 24px 0 8px; }
h3 { font-size: 16px; margin: 16px 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
caption { text-align: left; color: var(--muted); font-size: 13px; padding-bottom: 4px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
thead th { background: var(--panel); }
tr.open td[data-field="ended"] { color: var(--server); font-weight: 600; }
tr.pending .badge { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0 6px; font-size: 12px; color: var(--muted); }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px; margin: 8px 0; }
.facts div { background: var(--panel); padding: 6px 10px; border-radius: 6px; }
.facts dt { font-size: 12px; color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.hint { color: var(--muted); font-size: 13px; }
.transcript { list-style: none; margin: 0; padding: 8px 12px; background: var(--panel); border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
.transcript li { padding: 1px 0; }
.transcript .client { color: var(--client); }
.transcript .server { color: var(--server); }
.transcript .note { color: var(--muted); font-style: italic; }
.transcript .body { color: var(--muted); }
.transcript .body::before { content: "\\25B8  "; }
.transcript .fault { background: var(--fault-bg); color: var(--fault-fg); font-weight: 600; border-left: 4px solid var(--fault-fg); padding-left: 6px; }
.transcript .fault::before { content: "\\26A1  "; }
.state { color: var(--muted); }
.actions { padding-left: 20px; }
.notice { background: var(--panel); border-left: 4px solid var(--server); padding: 6px 10px; }
.error { border-left: 4px solid var(--error); color: var(--error); padding: 6px 10px; font-weight: 600; }
.source { background: var(--panel); padding: 8px 12px; border-radius: 6px; max-height: 60vh; overflow: auto; }
.source pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.octet { background: var(--fault-bg); color: var(--fault-fg); border: 1px dotted var(--fault-fg); border-radius: 3px; padding: 0 1px; }
.stack fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
.stack label { display: inline-block; min-width: 16em; }
.stack input[type="radio"] + label { min-width: 0; }
input, select, textarea, button { font: inherit; }
textarea { width: 100%; font-family: ui-monospace, monospace; font-size: 13px; }
button { padding: 4px 12px; border: 1px solid var(--accent); background: var(--bg); color: var(--accent); border-radius: 4px; cursor: pointer; }
button:hover { background: var(--panel); }
`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="12" y="2" rx="2" fill="#0b5cad"/><path d="M1 4l7 5 7-5" stroke="#fff" stroke-width="1.5" fill="none"/></svg>`;
