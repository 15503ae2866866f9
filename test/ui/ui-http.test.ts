import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { on, type Pop3Mock, startPop3Mock } from '../../src';
import { controlServerOf } from '../../src/assembly/start-pop3-mock';
import { mountUi, uiLink } from '../../src/ui';
import { parseMultipart } from '../../src/ui/forms';
import { SOURCE_LIMIT } from '../../src/ui/pages/mailboxes';
import { RawClient } from '../helpers/raw-client';
import { cookie, FIRST, fetchUi, PASSWORD, StreamReader, startUiServer, USER } from './helpers';

// The browser view over plain HTTP: the login link and the token, headers,
// escaping, the exports and the event stream. The browser itself is driven
// in ui-browser.test.ts.

let pop3: Pop3Mock;

afterEach(async () => {
  await pop3.close();
});

describe('a server with the default options', () => {
  beforeEach(async () => {
    pop3 = await startUiServer();
  });

  describe('the login link and the token', () => {
    test('uiLink() carries the token once; the login sets an HttpOnly SameSite=Strict cookie and redirects', async () => {
      const link = uiLink(pop3)!;
      expect(link).toBe(`${pop3.controlUrl}/ui/login?token=${pop3.controlToken}`);
      const res = await fetch(link, { redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/ui/');
      const setCookie = res.headers.get('set-cookie')!;
      expect(setCookie.split('; ')).toEqual([cookie(pop3), 'Path=/', 'HttpOnly', 'SameSite=Strict']);
    });

    test('a wrong token sets no cookie; without the cookie every page, script and stream is refused', async () => {
      const wrong = await fetch(`${pop3.controlUrl}/ui/login?token=${'0'.repeat(64)}`, {
        redirect: 'manual',
      });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('set-cookie')).toBeNull();
      for (const path of ['/ui/', '/ui/app.js', '/ui/events', '/ui/faults', `/ui/mailboxes/${USER}`]) {
        const res = await fetchUi(pop3, path, { auth: false });
        expect([path, res.status]).toEqual([path, 401]);
        expect(await res.text()).not.toContain(pop3.controlToken!);
      }
      const bearer = await fetchUi(pop3, '/ui/', {
        auth: false,
        headers: { authorization: `Bearer ${pop3.controlToken}` },
      });
      expect(bearer.status).toBe(200);
    });

    test('opened from another site, the login answers with a page that moves on itself (a Strict cookie is not sent on that redirect)', async () => {
      const res = await fetch(uiLink(pop3)!, {
        redirect: 'manual',
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(
        /^pop3mock_\d+=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/,
      );
      expect(await res.text()).toContain('<meta http-equiv="refresh" content="0; url=/ui/">');
    });

    test('the control server checks the token before any mounted route runs; only the login link and /openapi.json are open', async () => {
      const handle = jest.fn((_req: IncomingMessage, res: ServerResponse) => void res.end('mounted'));
      controlServerOf(pop3)!.mount({ prefix: '/extra', handle });
      const refused = await fetchUi(pop3, '/extra/page', { auth: false });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
      expect(handle).not.toHaveBeenCalled();
      expect((await fetchUi(pop3, '/extra/page')).status).toBe(200);
      expect(handle).toHaveBeenCalledTimes(1);
      // The view's own refusal is its "token needed" page.
      const page = await fetchUi(pop3, '/ui/', { auth: false });
      expect(page.status).toBe(401);
      expect(await page.text()).toContain('<h1>Token needed</h1>');
      expect((await fetchUi(pop3, '/ui/login', { auth: false })).status).toBe(401);
      expect((await fetchUi(pop3, '/openapi.json', { auth: false })).status).toBe(200);
    });

    test("two servers set differently named cookies, and one server's cookie does not open the other", async () => {
      // The same token on both: only the cookie's name keeps them apart.
      const token = 'shared-token-0123456789';
      const servers = await Promise.all([1, 2].map(() => startPop3Mock({ control: { token } })));
      try {
        for (const server of servers) mountUi(server, controlServerOf(server)!);
        const [a, b] = servers as [Pop3Mock, Pop3Mock];
        const names = await Promise.all(
          servers.map(async (server) => {
            const res = await fetch(uiLink(server)!, { redirect: 'manual' });
            return res.headers.get('set-cookie')!.split('=')[0];
          }),
        );
        expect(names).toEqual([
          `pop3mock_${controlServerOf(a)!.port}`,
          `pop3mock_${controlServerOf(b)!.port}`,
        ]);
        expect(names[0]).not.toBe(names[1]);
        expect((await fetchUi(a, '/ui/', { auth: false, headers: { cookie: cookie(a) } })).status).toBe(200);
        expect((await fetchUi(b, '/ui/', { auth: false, headers: { cookie: cookie(a) } })).status).toBe(401);
        expect(
          (await fetchUi(b, '/api/status', { auth: false, headers: { cookie: cookie(a) } })).status,
        ).toBe(401);
      } finally {
        await Promise.all(servers.map((server) => server.close()));
      }
    });

    test('mountUi is idempotent and only answers under /ui', async () => {
      const control = controlServerOf(pop3)!;
      const mount = jest.spyOn(control, 'mount');
      mountUi(pop3, control);
      mountUi(pop3, control);
      expect(mount).not.toHaveBeenCalled();
      const api = await fetchUi(pop3, '/api/status', { auth: false });
      expect(api.status).toBe(401);
      expect(api.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await fetchUi(pop3, '/uix')).headers.get('content-type')).toMatch(/^application\/json/);
    });
  });

  test('every page has the strict CSP and no inline script or style', async () => {
    const c = await RawClient.login(pop3.port, USER, PASSWORD);
    await c.command('QUIT');
    await pop3.sessionEnd();
    const uid = pop3.mailbox(USER).messages()[0]!.uid;
    for (const path of [
      '/ui/',
      '/ui/sessions/1',
      '/ui/mailboxes',
      `/ui/mailboxes/${USER}`,
      `/ui/mailboxes/${USER}/messages/${uid}`,
      '/ui/faults',
    ]) {
      const res = await fetchUi(pop3, path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const page = await res.text();
      expect(page.match(/<script\b[^>]*>/g)).toEqual(['<script src="/ui/app.js" defer>']);
      expect(page).not.toMatch(/\son[a-z]+=|\sstyle=|<style/i);
      expect(page).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)|\/\/cdn/);
    }
  });

  test('hostile message sources and user names land as text', async () => {
    const evilUser = `<b>"x'&`;
    const evil =
      'Subject: <script>alert(1)</script>\r\nX-Img: <img src=x onerror="alert(2)">\r\n\r\n</pre><script>alert(3)</script>\r\n';
    await pop3.addUser(evilUser, { password: 'pw', messages: [evil] });
    const uid = pop3.mailbox(evilUser).messages()[0]!.uid;
    const base = `/ui/mailboxes/${encodeURIComponent(evilUser)}`;
    const pages = await Promise.all(
      [base, `${base}/messages/${uid}`, '/ui/mailboxes', '/ui/faults'].map(async (p) =>
        (await fetchUi(pop3, p)).text(),
      ),
    );
    for (const page of pages) {
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img');
      expect(page).not.toContain('<b>"x');
    }
    expect(pages[1]).toContain('&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(pages[1]).toContain('<th scope="row">Subject</th><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(pages[0]).toContain('<h1>Mailbox &lt;b&gt;&quot;x&#39;&amp;</h1>');
    // The password is a secret: no page shows it.
    expect(pages.join('')).not.toContain(PASSWORD);
  });

  test('a message that is not all UTF-8 text shows the octets it has, marked, never U+FFFD; a long one is cut between characters', async () => {
    const latin1 = Buffer.from('Subject: caf\xe9\r\n\r\nna\xefve \x00 body\r\n', 'latin1');
    const snowman = Buffer.from('\u2603');
    // The snowman's 3 octets straddle the page's limit.
    const head = Buffer.from('Subject: long\r\n\r\n');
    const long = Buffer.concat([
      head,
      Buffer.alloc(SOURCE_LIMIT - 1 - head.length, 'a'),
      snowman,
      Buffer.from('\r\n'),
    ]);
    // A character cut short, a surrogate, a code point past U+10FFFF: octets each; an emoji: text.
    const illFormed = [0xe2, 0x98, 0x41, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80];
    const [odd, big] = await pop3.deliver(USER, [
      Buffer.concat([latin1, snowman, Buffer.from(illFormed), Buffer.from('\u{1f600}\r\n')]),
      long,
    ]);
    const page = await (await fetchUi(pop3, `/ui/mailboxes/${USER}/messages/${odd!.uid}`)).text();
    expect(page).not.toContain('\ufffd');
    expect(page).toContain('<th scope="row">Subject</th><td>caf<span class="octet">\\xe9</span></td>');
    const marks = (octets: number[]) =>
      octets.map((o) => `<span class="octet">\\x${o.toString(16).padStart(2, '0')}</span>`).join('');
    expect(page).toContain(
      `<pre id="raw-source">Subject: caf${marks([0xe9])}\r\n\r\nna${marks([0xef])}ve ${marks([0])} body\r\n\u2603${marks(illFormed.slice(0, 2))}A${marks(illFormed.slice(3))}\u{1f600}\r\n</pre>`,
    );
    expect(page).toContain('<p class="notice" id="octets-note">');
    // What a client gets: the octets as delivered.
    const c = await RawClient.login(pop3.port, USER, PASSWORD);
    expect((await c.multi('RETR 2')).data.subarray(0, latin1.length)).toEqual(latin1);
    await c.command('QUIT');
    const cut = await (await fetchUi(pop3, `/ui/mailboxes/${USER}/messages/${big!.uid}`)).text();
    expect(cut).not.toContain('\ufffd');
    expect(cut).not.toContain('class="octet"');
    expect(cut).toContain(` · showing the first ${SOURCE_LIMIT - 1} of ${big!.size} octets`);
  });

  test('bidi controls, separators and C1 controls show as escapes, in the transcript and the view alike, never obeyed', async () => {
    // A browser shows `C: NOOP \u202eABC DEF` as `C: NOOP FED CBA`: not what the client sent.
    const c = await RawClient.connect(pop3.port);
    c.write(Buffer.from('NOOP \u202eABC DEF\r\nNOOP x\u2028y\u0085z\r\n'));
    await c.readLine();
    await c.readLine();
    await c.command('QUIT');
    const session = await pop3.sessionEnd();
    const shown = ['C: NOOP \\u202eABC DEF', 'C: NOOP x\\u2028y\\x85z'];
    expect(
      session
        .render({ header: false })
        .split('\n')
        .filter((l) => l.startsWith('C: NOOP')),
    ).toEqual(shown);
    const page = await (await fetchUi(pop3, `/ui/sessions/${session.id}`)).text();
    for (const line of shown) expect(page).toContain(`<li class="client">${line}</li>`);
    expect(page).not.toMatch(/[\u202e\u2028\u0085]/);
    // A message's source: those characters as their octets, marked.
    const [added] = await pop3.deliver(USER, 'Subject: \u202etxt.exe\r\n\r\nbody\r\n');
    const message = await (await fetchUi(pop3, `/ui/mailboxes/${USER}/messages/${added!.uid}`)).text();
    expect(message).toContain(
      '<td><span class="octet">\\xe2</span><span class="octet">\\x80</span><span class="octet">\\xae</span>txt.exe</td>',
    );
    expect(message).not.toContain('\u202e');
  });

  test('a UTF-8 header value ending in a character whose last octet is 0xA0 (à) shows as text, not a lone marked octet', async () => {
    // Read as latin1, that octet is U+00A0, which String.prototype.trim() strips as white space.
    const [message] = await pop3.deliver(USER, [
      Buffer.from('Subject: voil\u00e0\r\nX-Tab: \tvalue\t\r\n\r\nbody\r\n'),
    ]);
    const page = await (await fetchUi(pop3, `/ui/mailboxes/${USER}/messages/${message!.uid}`)).text();
    expect(page).toContain('<th scope="row">Subject</th><td>voil\u00e0</td>');
    expect(page).toContain('<th scope="row">X-Tab</th><td>value</td>');
    expect(page).not.toContain('class="octet"');
  });

  test('the exports are the library forms, with secrets masked', async () => {
    const c = await RawClient.login(pop3.port, USER, PASSWORD);
    await c.multi('RETR 1');
    await c.command('QUIT');
    const session = await pop3.sessionEnd();
    const text = await fetchUi(pop3, `/ui/sessions/${session.id}/transcript.txt`);
    expect(text.headers.get('content-disposition')).toBe(`attachment; filename="session-${session.id}.txt"`);
    const body = await text.text();
    expect(body).toBe(`${pop3.transcript({ sessionId: session.id })}\n`);
    expect(body).toContain('C: PASS ******');
    const json = await fetchUi(pop3, `/ui/sessions/${session.id}/transcript.json`);
    expect(json.headers.get('content-disposition')).toBe(`attachment; filename="session-${session.id}.json"`);
    const exported = await json.text();
    expect(JSON.parse(exported)).toEqual(
      JSON.parse(JSON.stringify(pop3.exportTranscripts({ sessionId: session.id }))),
    );
    expect(body + exported).not.toContain(PASSWORD);
    expect((await fetchUi(pop3, '/ui/sessions/99/transcript.txt')).status).toBe(404);
  });

  test('the session stream resumes after the lines a page has, and ends with the session', async () => {
    const c = await RawClient.login(pop3.port, USER, PASSWORD);
    const record = pop3.sessions[0]!;
    const shown = record.events.length;
    await c.multi('RETR 1');
    await c.command('QUIT');
    await pop3.sessionEnd();
    const reader = await StreamReader.open(pop3, `/ui/events?session=${record.id}&from=${shown}`);
    // The server ends the stream after the session's last line.
    const events = await reader.until();
    const lines = events.flatMap((e) => (e.data as { lines: { text: string }[] }).lines.map((l) => l.text));
    // The library's own lines for the same events: the whole transcript minus the part already shown.
    const all = pop3.transcript({ sessionId: record.id, header: false }).split('\n');
    expect(lines).toEqual(all.slice(all.length - lines.length));
    expect(lines[0]).toBe('C: RETR 1');
    expect(lines).toContain(`S: [${Buffer.byteLength(FIRST)} octets of data]`);
    expect(lines[lines.length - 1]).toBe('-- ended: quit-update');
    const last = events[events.length - 1]!.data as {
      to: number;
      summary: { ended: boolean; cells: { user: string } };
    };
    expect(last.to).toBe(record.events.length);
    expect(last.summary.ended).toBe(true);
    expect(last.summary.cells.user).toBe(USER);
  });

  test('a reply cut by a fault: the view shows the octets that went out, no terminator, and the cut as a note', async () => {
    const size = Buffer.byteLength(FIRST);
    const head = `+OK ${size} octets\r\n`.length;
    const whole = head + size + 3;
    await pop3.use(on('RETR').closeAfterBytes(head + 5));
    const c = await RawClient.login(pop3.port, USER, PASSWORD);
    const record = pop3.sessions[0]!;
    const shown = record.events.length;
    c.write('RETR 1\r\n');
    expect((await c.readToEnd()).length).toBe(head + 5);
    await pop3.sessionEnd();
    const reader = await StreamReader.open(pop3, `/ui/events?session=${record.id}&from=${shown}`);
    const events = await reader.until();
    const lines = events.flatMap((e) => (e.data as { lines: { kind: string; text: string }[] }).lines);
    // The library's own lines, each with its kind.
    const all = pop3.transcript({ sessionId: record.id, header: false }).split('\n');
    expect(lines.map((l) => l.text)).toEqual(all.slice(all.length - lines.length));
    const reply = lines.filter((l) => !/^(C: |-- fault |-- ended: )/.test(l.text));
    expect(reply.map(({ kind, text }) => ({ kind, text }))).toEqual([
      { kind: 'server', text: `S: +OK ${size} octets` },
      { kind: 'body', text: `S: [5 of ${size} octets of data]` },
      {
        kind: 'note',
        text: `-- reply cut after ${head + 5} of ${whole} octets; the rest never reached the client`,
      },
    ]);
  });

  test('the event stream carries the headers of every page (CSP, nosniff, no framing, no referrer, no-store)', async () => {
    const page = await fetchUi(pop3, '/ui/');
    const reader = await StreamReader.open(pop3, '/ui/events');
    reader.close();
    for (const name of [
      'content-security-policy',
      'x-content-type-options',
      'referrer-policy',
      'x-frame-options',
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'cache-control',
    ]) {
      expect([name, reader.headers[name]]).toEqual([name, page.headers.get(name)]);
      expect(reader.headers[name]).toBeTruthy();
    }
    expect(reader.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });

  test('the list stream sends every session on connect, then each one as it changes', async () => {
    const first = await RawClient.login(pop3.port, USER, PASSWORD);
    await first.command('QUIT');
    await pop3.sessionEnd();
    const reader = await StreamReader.open(pop3, '/ui/events');
    try {
      // Connected: the snapshot holds the ended first session only.
      await reader.until((events) => events.length === 1);
      const second = await RawClient.connect(pop3.port);
      const opened = await reader.until((events) => events.length === 2);
      expect(opened[1]).toEqual({
        event: 'session',
        data: expect.objectContaining({
          id: 2,
          ended: false,
          cells: expect.objectContaining({ ended: 'open' }),
        }),
      });
      await second.command('QUIT');
      await reader.until((events) => (events[events.length - 1]!.data as { ended: boolean }).ended);
    } finally {
      reader.close();
    }
    const events = reader.events;
    expect(events[0]).toEqual({ event: 'session', data: expect.objectContaining({ id: 1, ended: true }) });
    const last = events[events.length - 1]!.data as { cells: Record<string, string> };
    expect(last.cells.user).toBe('not logged in');
    expect(last.cells.ended).toBe('quit-authorization');
  });

  test("after reset() a live session's page starts over with its restarted record and goes on live; the list starts over", async () => {
    const c = await RawClient.login(pop3.port, USER, PASSWORD);
    await c.multi('RETR 1');
    const session = await StreamReader.open(pop3, `/ui/events?session=1&from=0&resets=${pop3.resets}`);
    const list = await StreamReader.open(pop3, '/ui/events');
    try {
      await session.until((events) => events.length === 1);
      await list.until((events) => events.length === 1);
      // A page rendered before the reset, its stream opened after it.
      const rendered = pop3.resets;
      const page = await fetchUi(pop3, '/ui/sessions/1');
      expect(await page.text()).toContain(`data-resets="${rendered}"`);
      await pop3.reset();
      const late = await StreamReader.open(pop3, `/ui/events?session=1&from=3&resets=${rendered}`);
      // The next event of the restarted session tells both streams.
      await c.command('NOOP');
      await c.command('QUIT');
      for (const stream of [session, late]) {
        const events = await stream.until();
        const after = events.slice(events.findIndex((e) => e.event === 'restarted'));
        expect(after.map((e) => e.event)).toEqual(['restarted', ...after.slice(1).map(() => 'lines')]);
        expect(after[1]!.data).toMatchObject({ from: 0 });
        // The page's lines from then on are the restarted record's, as the transcript says: still recorded, not gone.
        const lines = after.slice(1).flatMap((e) => (e.data as { lines: { text: string }[] }).lines);
        expect(lines.map((l) => l.text)).toEqual(
          pop3.transcript({ sessionId: 1, header: false }).split('\n'),
        );
        expect(lines[0]!.text).toMatch(/^-- recording restarted by reset\(\) /);
      }
      // reset() keeps recording the live session: the list starts over with its restarted record.
      const listed = await list.until(
        (events) => events.some((e) => e.event === 'reset') && events.at(-1)?.event === 'session',
      );
      expect(listed.slice(0, 3).map((e) => e.event)).toEqual(['session', 'reset', 'session']);
    } finally {
      session.close();
      list.close();
      c.destroy();
    }
    // A session that ended before the reset is forgotten: its page hears it is gone.
    const ended = await RawClient.connect(pop3.port);
    await ended.command('QUIT');
    await pop3.sessionEnd();
    await pop3.reset();
    const gone = await StreamReader.open(pop3, '/ui/events?session=2&from=0&resets=1');
    expect(await gone.until()).toEqual([
      {
        event: 'gone',
        data: { id: 2, why: 'This session is no longer recorded: it ended before the server was reset.' },
      },
    ]);
  });

  test('forms are refused from another origin', async () => {
    const body = new URLSearchParams({ verb: 'RETR', kind: 'err', reply: '-ERR no', times: '1' });
    const foreign = await fetchUi(pop3, '/ui/faults', {
      method: 'POST',
      body,
      headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(foreign.status).toBe(403);
    expect(pop3.rules()).toEqual([]);
    const own = await fetchUi(pop3, '/ui/faults', {
      method: 'POST',
      body,
      headers: { origin: pop3.controlUrl!, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(own.status).toBe(303);
    expect(pop3.rules().map((s) => s.rule.explain())).toEqual(['on every RETR once: reply "-ERR no"']);
    const refused = await fetchUi(pop3, '/ui/faults', {
      method: 'POST',
      body: new URLSearchParams({ verb: 'RETR', kind: 'err', reply: 'hello' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(
      '<p class="error" role="alert" id="form-error">rules[0].action.lines: expected the first line to start with &quot;+OK&quot; or &quot;-ERR&quot; (a status line, RFC 1939 §3), got [&quot;hello&quot;]</p>',
    );
  });

  test('multipart uploads keep every byte', () => {
    const eml = Buffer.from('Subject: x\r\n\r\n\r\n--not-the-boundary\r\nend\x00\xff\r\n', 'latin1');
    const body = Buffer.concat([
      Buffer.from(
        '--B0undary\r\nContent-Disposition: form-data; name="file"; filename="a.eml"\r\nContent-Type: message/rfc822\r\n\r\n',
      ),
      eml,
      Buffer.from(
        '\r\n--B0undary\r\nContent-Disposition: form-data; name="source"\r\n\r\npasted\r\n--B0undary--\r\n',
      ),
    ]);
    const form = parseMultipart(body, 'B0undary');
    expect(form.files.get('file')!.data.equals(eml)).toBe(true);
    expect(form.fields.get('source')).toBe('pasted');
  });
});

describe('a server with keepSessions: 1', () => {
  beforeEach(async () => {
    pop3 = await startUiServer({ keepSessions: 1 });
  });

  test("a message deleted by a dropped session is still shown, its content let go; the kept one's can be read", async () => {
    for (let i = 1; i <= 2; i++) {
      await pop3.deliver(USER, `Subject: delivered ${i}\r\n\r\nbody ${i}\r\n`);
      const client = await RawClient.login(pop3.port, USER, PASSWORD);
      expect(await client.command('DELE 2')).toMatch(/^\+OK/);
      await client.command('QUIT');
      await client.closed();
    }
    const [released, kept] = pop3
      .mailbox(USER)
      .deleted()
      .map((d) => d.uid);
    const gone = await fetchUi(pop3, `/ui/mailboxes/${USER}/messages/${released}`);
    expect(gone.status).toBe(200);
    const page = await gone.text();
    expect(page).toContain('deleted at UPDATE by <a href="/ui/sessions/1">session 1</a>');
    expect(page).toContain(
      '<p>Its content was let go when the record of session 1 was dropped (keepSessions keeps the newest ended sessions).</p>',
    );
    expect(page).not.toContain('raw-source');
    expect((await fetchUi(pop3, `/ui/mailboxes/${USER}/messages/${released}/raw`)).status).toBe(404);
    const raw = await fetchUi(pop3, `/ui/mailboxes/${USER}/messages/${kept}/raw`);
    expect(await raw.text()).toBe('Subject: delivered 2\r\n\r\nbody 2\r\n');
  });

  test("a mailbox whose user's sessions were dropped says so, as outcome() does: their RETRs are not under Retrieved", async () => {
    for (let i = 0; i < 2; i++) {
      const client = await RawClient.login(pop3.port, USER, PASSWORD);
      await client.multi('RETR 1');
      await client.command('QUIT');
      await client.closed();
    }
    const other = await RawClient.connect(pop3.port);
    await other.command('QUIT');
    await other.closed();
    // Sessions 1 and 2 retrieved message 1; only session 3, which did not, is kept.
    const outcome = pop3.outcome(USER);
    expect(outcome.retrieved).toEqual([]);
    expect(outcome.dropped).toEqual({ sessions: 2, lastId: 2, keep: 1 });
    const page = await (await fetchUi(pop3, `/ui/mailboxes/${USER}`)).text();
    expect(page).toContain(
      '<p class="notice" role="status" id="dropped">2 ended sessions of user &quot;alice&quot; were dropped, the newest of them session 2 (keepSessions: 1 keeps the newest ended sessions); what they retrieved is not counted under Retrieved.</p>',
    );
    expect(page).toContain('<td>no</td></tr>');
  });

  test('with keepSessions the list says what was dropped, live too, and a dropped session says why', async () => {
    const list = await StreamReader.open(pop3, '/ui/events');
    try {
      for (let i = 0; i < 2; i++) {
        const client = await RawClient.login(pop3.port, USER, PASSWORD);
        await client.command('QUIT');
        await client.closed();
      }
      const text =
        '1 ended session was dropped, the newest of them session 1 (keepSessions: 1 keeps the newest ended sessions).';
      const events = await list.until((all) => all.some((e) => e.event === 'dropped'));
      expect(events.filter((e) => e.event === 'dropped')).toEqual([{ event: 'dropped', data: { text } }]);
      const page = await (await fetchUi(pop3, '/ui/')).text();
      expect(page).toContain(`<p class="notice" role="status" id="dropped">${text}</p>`);
      const gone = await fetchUi(pop3, '/ui/sessions/1');
      expect(gone.status).toBe(404);
      expect(await gone.text()).toContain(
        '<p>No session 1: it ended and its record was dropped (keepSessions: 1 keeps the newest ended sessions).</p>',
      );
      expect((await fetchUi(pop3, '/ui/sessions/1/transcript.txt')).status).toBe(404);
      const session = await StreamReader.open(pop3, '/ui/events?session=1&from=0');
      expect(await session.until()).toEqual([
        {
          event: 'gone',
          data: {
            id: 1,
            why: 'This session ended and its record was dropped (keepSessions keeps the newest ended sessions).',
          },
        },
      ]);
    } finally {
      list.close();
    }
    // An open session's page streams on while older records are dropped before it.
    const open = await RawClient.login(pop3.port, USER, PASSWORD); // session 3
    const live = await StreamReader.open(pop3, '/ui/events?session=3&from=0');
    try {
      await live.until((all) => all.length > 0);
      // Session 4 ends: session 2 is dropped, and session 3's record moves up the list.
      const other = await RawClient.connect(pop3.port);
      await other.command('QUIT');
      await other.closed();
      expect(pop3.sessions.map((s) => s.id)).not.toContain(2);
      await open.command('NOOP');
      const seen = await live.until((all) =>
        all.some((e) => e.event !== 'lines' || JSON.stringify(e.data).includes('C: NOOP')),
      );
      expect(seen.map((e) => e.event).filter((e) => e !== 'lines')).toEqual([]);
    } finally {
      live.close();
      open.destroy();
    }
    // Without drops the note is there, hidden, for the live stream to fill.
    await pop3.reset();
    expect(await (await fetchUi(pop3, '/ui/')).text()).toContain(
      '<p class="notice" role="status" id="dropped" hidden></p>',
    );
  });
});

test("the view's event stream asked for while the server closes is a 410, as the API's, not a 200 cut off", async () => {
  // Sent on a connection kept from an earlier request, in the turn close() begins: the control server
  // closes last, so it mostly answers first. Mostly: a lost race (the control server gone first) ends
  // the request with no answer and is tried again; without the 410 no attempt can pass.
  let status: number | undefined;
  for (let attempt = 0; attempt < 5 && status !== 410; attempt++) {
    const pop3 = await startUiServer();
    const agent = new Agent({ keepAlive: true });
    const headers = { cookie: cookie(pop3) };
    await answerOf(`${pop3.controlUrl}/ui/app.js`, agent, headers);
    const client = await RawClient.login(pop3.port, USER, PASSWORD);
    const asked = answerOf(`${pop3.controlUrl}/ui/events`, agent, headers);
    const closing = pop3.close();
    status = await asked;
    await closing;
    await client.closed();
    agent.destroy();
  }
  expect(status).toBe(410);
});

/** The status of a GET once its body has ended; undefined when the connection ended without an answer or in it. */
function answerOf(url: string, agent: Agent, headers: Record<string, string>): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('aborted', () => resolve(undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
