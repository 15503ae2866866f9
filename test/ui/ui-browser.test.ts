import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Pop3Mock } from '../../src';
import { uiLink } from '../../src/ui';
import { dropNodePop3, nodePop3 } from '../helpers/clients/node-pop3';
import { RawClient } from '../helpers/raw-client';
import { auditPage, tabTo, unreachableByTab } from './a11y';
import { FIRST, PASSWORD, startUiServer, USER } from './helpers';

// The view in a real browser (Debian's chromium, headless, driven by
// playwright-core) against a real server and real POP3 clients.

const SHOTS = join(__dirname, 'screenshots');
const README_SHOT = join(__dirname, '..', '..', 'docs', 'ui-screenshot.png');
// The README's picture is committed: rewritten only when asked (or missing), so a test run leaves the tree clean.
const UPDATE_README_SHOT = process.env.UPDATE_UI_SCREENSHOT === '1' || !existsSync(README_SHOT);

let browser: Browser;
let page: Page;
let pop3: Pop3Mock;
/** Console errors, page errors, dialogs: a CSP violation or an injected script shows up here. */
let errors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  // One page for the whole file (a context costs time); each test logs in to its own server.
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  page = await context.newPage();
  // Fail with the locator's message, well inside jest's timeout.
  page.setDefaultTimeout(5000);
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
}, 20_000);

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  errors = [];
  pop3 = await startUiServer();
  // The link printed once: it sets the cookie and lands on the session list.
  await page.goto(uiLink(pop3)!);
  if (page.url() !== `${pop3.controlUrl}/ui/`) throw new Error(`login landed on ${page.url()}`);
});

afterEach(async () => {
  // Leave first, so no live stream sees the server go away.
  await page.goto('about:blank');
  await pop3.close();
  expect(errors).toEqual([]);
});

const live = (state: string) => page.locator(`#live[data-state="${state}"]`).waitFor();
const markPage = () => page.evaluate('window.__notReloaded = true');
const stillSamePage = () => page.evaluate('window.__notReloaded === true');
const lineTexts = async () =>
  (await page.locator('#transcript li').allTextContents()).map((t) => t.replace(/ view message$/, ''));

test('sessions appear and transcripts grow live, with the password never shown', async () => {
  await live('on');
  await markPage();
  const client = nodePop3(pop3.port, USER, PASSWORD);
  try {
    await client.connect();
    const row = page.locator('#sessions tbody tr[data-id="1"]');
    await row.locator('td[data-field="ended"]', { hasText: 'open' }).waitFor();
    expect(await row.locator('td[data-field="user"]').textContent()).toBe('not logged in');
    await client.command('USER', USER);
    await client.command('PASS', PASSWORD);
    await row.locator('td[data-field="user"]', { hasText: USER }).waitFor();
    expect(await stillSamePage()).toBe(true);

    // To the session page by keyboard, while the session runs.
    await tabTo(page, 'a[href="/ui/sessions/1"]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/ui/sessions/1');
    await live('on');
    await markPage();
    // Rendered on the server before the page opened: the greeting, the login.
    expect((await lineTexts())[0]).toBe(`S: ${pop3.sessions[0]!.replies()[0]!.line}`);
    expect(await lineTexts()).toContain('C: PASS ******');

    await client.RETR(1);
    // The body collapsed to its size (no dot lines: its octets as stored), with a link to the message.
    const body = page.locator('#transcript li.body', {
      hasText: `S: [${Buffer.byteLength(FIRST)} octets of data]`,
    });
    await body.waitFor();
    const uid = pop3.mailbox(USER).messages()[0]!.uid;
    expect(await body.locator('a').getAttribute('href')).toBe(`/ui/mailboxes/${USER}/messages/${uid}`);
    await client.QUIT();
    await page.locator('#state', { hasText: 'Session ended: quit-update.' }).waitFor();
    await live('ended');
    expect(await stillSamePage()).toBe(true);

    // Line for line what the library prints, and no password anywhere on the page.
    expect(await lineTexts()).toEqual(pop3.transcript({ sessionId: 1, header: false }).split('\n'));
    expect(await page.content()).not.toContain(PASSWORD);
    expect(await page.locator('dd[data-field="ended"]').textContent()).toBe('quit-update');
  } finally {
    await dropNodePop3(client);
  }
});

test('reset() while a session runs: its page starts over with the restarted record and stays live, line for line the transcript', async () => {
  const client = await RawClient.login(pop3.port, USER, PASSWORD);
  try {
    await client.multi('RETR 1');
    await page.goto(`${pop3.controlUrl}/ui/sessions/1`);
    await live('on');
    await markPage();
    await pop3.reset();
    await client.command('NOOP');
    await page.locator('#transcript li', { hasText: 'C: NOOP' }).waitFor();
    await client.command('QUIT');
    await page.locator('#state', { hasText: 'Session ended: quit-update.' }).waitFor();
    await live('ended');
    expect(await stillSamePage()).toBe(true);
    // The lines before the reset went with the record; the page says what the record says.
    const lines = pop3.transcript({ sessionId: 1, header: false }).split('\n');
    expect(lines[0]).toMatch(/^-- recording restarted by reset\(\) /);
    expect(await lineTexts()).toEqual(lines);
  } finally {
    client.destroy();
  }
});

test('deliver by upload and by paste, read the message, fetch it over POP3, reset the mailbox', async () => {
  const eml =
    'From: mallory@example.com\r\nSubject: <img src=x onerror="alert(1)">\r\n\r\n</pre><script>alert(2)</script>\r\n';
  await page.goto(`${pop3.controlUrl}/ui/mailboxes/${USER}`);
  await page.setInputFiles('#eml', {
    name: 'hostile.eml',
    mimeType: 'message/rfc822',
    buffer: Buffer.from(eml),
  });
  await page.getByRole('button', { name: 'Deliver' }).click();
  await page.waitForURL(/delivered=/);
  const added = pop3.mailbox(USER).messages()[1]!;
  expect(added.bytes.toString()).toBe(eml);
  expect(await page.locator('.notice').textContent()).toBe(
    `Delivered message 2 (uid ${added.uid}, ${Buffer.byteLength(eml)} octets). Sessions that log in from now on see it.`,
  );

  const client = nodePop3(pop3.port, USER, PASSWORD);
  try {
    // node-pop3 hands the data back without its final CRLF.
    expect(await client.RETR(2)).toBe(eml.slice(0, -2));
    await client.QUIT();
  } finally {
    await dropNodePop3(client);
  }

  const pasted = 'From: carol@example.com\nSubject: pasted\n\nPasted body.\n';
  await page.fill('#source', pasted);
  await page.getByRole('button', { name: 'Deliver' }).click();
  await page.waitForURL(/delivered=/);
  expect(pop3.mailbox(USER).messages()[2]!.bytes.toString()).toBe(pasted.replace(/\n/g, '\r\n'));
  expect(await page.locator('table').first().locator('tbody tr').count()).toBe(3);

  // The message page: hostile headers and source as text; the page runs only its own script.
  await page.getByRole('link', { name: added.uid }).click();
  expect(await page.locator('table.headers tbody tr').allTextContents()).toEqual([
    'Frommallory@example.com',
    'Subject<img src=x onerror="alert(1)">',
  ]);
  expect(await page.locator('#raw-source').textContent()).toBe(eml.replace(/\r\n/g, '\n'));
  expect(await page.locator('script').count()).toBe(1);
  expect(await page.locator('img').count()).toBe(0);

  await page.getByRole('link', { name: `Back to mailbox ${USER}` }).click();
  await tabTo(page, 'form[action$="/reset"] button');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\?reset$/);
  expect(
    pop3
      .mailbox(USER)
      .messages()
      .map((m) => m.bytes.toString()),
  ).toEqual([FIRST]);
  expect(await page.locator('table').first().locator('tbody tr').count()).toBe(1);
});

test('faults from the form reach the client, are marked in the transcript, and go on remove and reset', async () => {
  await page.goto(`${pop3.controlUrl}/ui/faults`);
  await page.selectOption('#verb', 'RETR');
  await page.check('#kind-err');
  await page.fill('#reply', '-ERR [SYS/TEMP] set in the browser');
  await page.fill('#times', '1');
  await tabTo(page, '#add-fault button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(/added=/);
  const [status] = pop3.rules();
  const id = status!.rule.id;
  expect(status!.rule.explain()).toBe('on every RETR once: reply "-ERR [SYS/TEMP] set in the browser"');
  const row = page.locator(`tr[data-rule="${id}"]`);
  expect(await row.locator('td').allTextContents()).toEqual([
    'on every RETR once: reply "-ERR [SYS/TEMP] set in the browser"',
    '0 never matched',
    'run time',
    `Remove ${id}`,
  ]);

  const client = nodePop3(pop3.port, USER, PASSWORD);
  try {
    await expect(client.RETR(1)).rejects.toThrow('[SYS/TEMP] set in the browser');
    await client.QUIT();
  } finally {
    await dropNodePop3(client);
  }
  const session = await pop3.sessionEnd();
  await page.reload();
  expect(await row.locator('td').nth(1).textContent()).toBe('1');

  await page.goto(`${pop3.controlUrl}/ui/sessions/${session.id}`);
  expect(await page.locator('#transcript li.fault').allTextContents()).toEqual([
    `-- fault ${id}: on every RETR once: reply "-ERR [SYS/TEMP] set in the browser"`,
  ]);
  expect(await page.locator('dd[data-field="faults"]').textContent()).toBe(`${id} (reply)`);

  // A delay and a drop after N bytes, then remove one, then reset everything.
  await page.goto(`${pop3.controlUrl}/ui/faults`);
  await page.selectOption('#verb', 'NOOP');
  await page.check('#kind-delay');
  await page.fill('#delay', '50');
  await page.fill('#times', '');
  await page.getByRole('button', { name: 'Add fault' }).click();
  await page.waitForURL(/added=/);
  await page.selectOption('#verb', 'RETR');
  await page.check('#kind-drop');
  await page.fill('#bytes', '7');
  await page.getByRole('button', { name: 'Add fault' }).click();
  await page.waitForURL(/added=/);
  expect(pop3.rules().map((s) => s.rule.explain())).toEqual([
    'on every RETR once: close (FIN) after 7 bytes of the reply',
    'on every NOOP: delay 50 ms',
    'on every RETR once: reply "-ERR [SYS/TEMP] set in the browser"',
  ]);
  const raw = await RawClient.login(pop3.port, USER, PASSWORD);
  const started = Date.now();
  expect(await raw.command('NOOP')).toBe('+OK');
  expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  raw.write('RETR 1\r\n');
  const size = pop3.mailbox(USER).messages()[0]!.size;
  expect((await raw.readToEnd()).toString()).toBe(`+OK ${size} octets\r\n`.slice(0, 7));

  await page.reload();
  await tabTo(page, `tr[data-rule="${id}"] button`);
  await page.keyboard.press('Enter');
  await page.waitForURL(/removed/);
  expect(pop3.rules().some((s) => s.rule.id === id)).toBe(false);
  await tabTo(page, 'form[action="/ui/reset"] button');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\?reset$/);
  expect(await page.locator('#no-rules').isVisible()).toBe(true);
  expect(pop3.rules()).toEqual([]);
  await page.goto(`${pop3.controlUrl}/ui/`);
  expect(await page.locator('#empty').isVisible()).toBe(true);
});

test('every page: one h1, ordered headings, landmarks, labels, reachable by Tab; screenshots', async () => {
  await pop3.use({
    id: 'busy-retr',
    trigger: { point: 'command', verbs: ['RETR'] },
    nth: 2,
    action: { type: 'reply', lines: ['-ERR [SYS/TEMP] busy'] },
  } as never);
  await pop3.use({
    id: 'slow-dele',
    trigger: { point: 'command', verbs: ['DELE'] },
    action: { type: 'delay', delay: 1 },
  } as never);
  const c = await RawClient.login(pop3.port, USER, PASSWORD);
  await c.multi('LIST');
  await c.multi('RETR 1');
  await c.multi('RETR 1');
  await c.command('QUIT');
  await pop3.sessionEnd();
  const open = await RawClient.connect(pop3.port);
  await open.command(`USER ${USER}`);
  const uid = pop3.mailbox(USER).messages()[0]!.uid;
  const pages: [string, string][] = [
    ['sessions', '/ui/'],
    ['session', '/ui/sessions/1'],
    ['mailboxes', '/ui/mailboxes'],
    ['mailbox', `/ui/mailboxes/${USER}`],
    ['message', `/ui/mailboxes/${USER}/messages/${uid}`],
    ['faults', '/ui/faults'],
  ];
  try {
    for (const [name, path] of pages) {
      await page.goto(`${pop3.controlUrl}${path}`);
      if (name.startsWith('session')) await live(name === 'session' ? 'ended' : 'on');
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
      if (name === 'session' && UPDATE_README_SHOT) await page.screenshot({ path: README_SHOT });
      expect([name, await auditPage(page)]).toEqual([name, []]);
      expect([name, await unreachableByTab(page)]).toEqual([name, []]);
    }
  } finally {
    open.destroy();
  }
});
