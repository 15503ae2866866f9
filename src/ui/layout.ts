import type { Pop3Mock } from '../server/pop3-mock';
import { type HtmlPart, html, type SafeHtml } from './html';

export type Section = 'sessions' | 'mailboxes' | 'faults';

export interface PageOptions {
  /** The page's one h1, also the document title. */
  title: string;
  /** Which navigation entry is current. */
  section: Section;
  /** `data-page` on the body: tells /ui/app.js what to make live. */
  page?: string;
  /** More `data-*` attributes for the script (already-safe values only: numbers, ids). */
  data?: Record<string, string | number>;
}

const NAV: readonly [Section, string, string][] = [
  ['sessions', '/ui/', 'Sessions'],
  ['mailboxes', '/ui/mailboxes', 'Mailboxes'],
  ['faults', '/ui/faults', 'Faults'],
];

/** The page shell: banner with navigation, one main, a footer with the server's ports. */
export function layout(pop3: Pop3Mock, options: PageOptions, content: HtmlPart): SafeHtml {
  const data = Object.entries(options.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  const ports = [
    `POP3 ${pop3.host}:${pop3.port}`,
    pop3.tlsPort === undefined ? undefined : `POP3S ${pop3.tlsPort}`,
    pop3.smtpPort === undefined ? undefined : `SMTP ${pop3.smtpPort}`,
  ].filter((p) => p !== undefined);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · pop3-mock</title>
<link rel="icon" href="/ui/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/style.css">
<script src="/ui/app.js" defer></script>
</head>
<body data-page="${options.page ?? options.section}"${data}>
<a class="skip" href="#main">Skip to content</a>
<header class="banner">
<p class="brand"><a href="/ui/">pop3-mock</a></p>
<nav aria-label="Views"><ul>${NAV.map(
    ([section, href, label]) =>
      html`<li><a href="${href}"${section === options.section ? html` aria-current="${(options.page ?? section) === section ? 'page' : 'true'}"` : ''}>${label}</a></li>`,
  )}</ul></nav>
<p class="live" id="live" role="status" data-state="static"></p>
</header>
<main id="main" tabindex="-1">
<h1>${options.title}</h1>
${content}
</main>
<footer><p>${ports.join(' · ')} · <a href="/openapi.json">control API</a></p></footer>
</body>
</html>
`;
}
