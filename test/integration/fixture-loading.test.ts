import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixtureError, type MessageSource, type Pop3Mock, startPop3Mock } from '../../src';
import { longResponse, okValue, runPythonPoplib } from '../helpers/clients/python-poplib';
import { RawClient } from '../helpers/raw-client';

/*
 * How fixtures become messages, checked through the wire: one file is one
 * message whichever way it is named, a folder's stray files do not matter,
 * and a delivery that fails leaves the mailbox as it was.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pop3-fixtures-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The messages of alice's mailbox as RETR sends them (dot-stuffing undone), after STAT. */
async function fetchAll(port: number): Promise<{ stat: string; bodies: string[] }> {
  const client = await RawClient.login(port, 'alice', 'pw');
  const stat = await client.command('STAT');
  const count = Number(stat.split(' ')[1]);
  const bodies: string[] = [];
  for (let n = 1; n <= count; n++) bodies.push((await client.multi(`RETR ${n}`)).data.toString('latin1'));
  await client.command('QUIT');
  return { stat, bodies };
}

test('an .eml file that starts with a "From " line is one message, byte for byte, by path as in a folder', async () => {
  const text = 'From - Sat Jan 01 00:00:00 2000\r\nSubject: saved\r\n\r\n>From a quoted line\r\n';
  mkdirSync(join(dir, 'folder'));
  writeFileSync(join(dir, 'folder', 'saved.eml'), text);
  for (const source of [join(dir, 'folder', 'saved.eml'), join(dir, 'folder')]) {
    const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [source] } } });
    try {
      expect(await fetchAll(pop3.port)).toEqual({ stat: `+OK 1 ${text.length}`, bodies: [text] });
    } finally {
      await pop3.close();
    }
  }
});

test('a broken symlink that is no .eml file (a README) does not stop a folder of .eml files from loading', async () => {
  writeFileSync(join(dir, '1.eml'), 'Subject: one\r\n\r\nbody\r\n');
  symlinkSync(join(dir, 'gone.txt'), join(dir, 'README.txt'));
  const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [dir] } } });
  try {
    expect((await fetchAll(pop3.port)).bodies).toEqual(['Subject: one\r\n\r\nbody\r\n']);
  } finally {
    await pop3.close();
  }
});

test('deliver() of several messages where one uid is taken throws and adds none of them', async () => {
  const pop3 = await startPop3Mock({
    users: { alice: { password: 'pw', messages: [{ raw: 'Subject: seed\r\n\r\nseed\r\n', uid: 'taken' }] } },
  });
  try {
    await expect(
      pop3.deliver('alice', [
        { raw: 'Subject: first\r\n\r\nfirst\r\n' },
        { raw: 'Subject: second\r\n\r\nsecond\r\n', uid: 'taken' },
      ]),
    ).rejects.toThrow(
      'uid "taken" given for raw (#2 of the messages added) is already used in mailbox alice, by message 1',
    );
    expect((await fetchAll(pop3.port)).bodies).toEqual(['Subject: seed\r\n\r\nseed\r\n']);
    // The uid the refused batch would have given its first message is free: it is delivered on its own.
    await pop3.deliver('alice', { raw: 'Subject: first\r\n\r\nfirst\r\n' });
    expect((await fetchAll(pop3.port)).stat).toMatch(/^\+OK 2 /);
    // Deleted, its uid is still taken (never reused), and the refusal says so.
    const client = await RawClient.login(pop3.port, 'alice', 'pw');
    expect(await client.command('DELE 1')).toMatch(/^\+OK/);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await expect(
      pop3.deliver('alice', { raw: 'Subject: again\r\n\r\nagain\r\n', uid: 'taken' }),
    ).rejects.toThrow(
      'uid "taken" given for raw (#1 of the messages added) is already used in mailbox alice, by a message deleted before (RFC 1939 §7: a uid is not reused)',
    );
  } finally {
    await pop3.close();
  }
});

test('an mbox that starts with a UTF-8 byte order mark is split into its messages, the mark dropped with the first separator', async () => {
  const mbox =
    '\uFEFFFrom a@example.com Sat Jan  1 00:00:00 2000\nSubject: one\n\nfirst\n\nFrom b@example.com Sat Jan  1 00:00:00 2000\nSubject: two\n\nsecond\n';
  writeFileSync(join(dir, 'box.mbox'), mbox);
  const pop3 = await startPop3Mock({
    users: { alice: { password: 'pw', messages: [join(dir, 'box.mbox')] } },
  });
  try {
    expect((await fetchAll(pop3.port)).bodies).toEqual([
      'Subject: one\r\n\r\nfirst\r\n',
      'Subject: two\r\n\r\nsecond\r\n',
    ]);
  } finally {
    await pop3.close();
  }
});

/** Why alice's mailbox cannot start with `messages`; a server that starts after all is closed and fails the test. */
async function startError(messages: MessageSource[]): Promise<unknown> {
  let pop3: Pop3Mock;
  try {
    pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages } } });
  } catch (error) {
    return error;
  }
  await pop3.close();
  throw new Error('the server started');
}

test.each([
  ['a folder of .eml files', 'folder', ['folder/box.mbox', 'folder/1.eml']],
  ['a Maildir', 'maildir', ['maildir/cur/1']],
])(
  'mboxFormat on %s is refused naming the folder, at the start and at deliver(), and nothing is added',
  async (kind, folder, files) => {
    // An mbox beside the .eml files is no message of the folder: mboxFormat has nothing to apply to.
    const box = 'From a@example.com Sat Jan  1 00:00:00 2000\nSubject: quoted\n\n>From a quoted line\n';
    for (const file of files) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), file.endsWith('.mbox') ? box : 'Subject: one\r\n\r\nbody\r\n');
    }
    const path = join(dir, folder);
    const problem = `mboxFormat "mboxo" is for an mbox file, and ${path} is ${kind}, each file one message: give the mbox file's path, or leave mboxFormat out`;
    // Each door names where the fixture was given.
    const refused = new FixtureError(problem, { path: 'messages[1]' });
    expect(await startError([{ path, mboxFormat: 'mboxo' }])).toEqual(
      new FixtureError(problem, { path: 'users.alice.messages[0]' }),
    );
    const pop3 = await startPop3Mock({
      users: { alice: { password: 'pw', messages: ['Subject: seed\r\n\r\nseed\r\n'] } },
    });
    try {
      await expect(
        pop3.deliver('alice', ['Subject: new\r\n\r\nnew\r\n', { path, mboxFormat: 'mboxo' }]),
      ).rejects.toThrow(refused);
      expect((await fetchAll(pop3.port)).bodies).toEqual(['Subject: seed\r\n\r\nseed\r\n']);
    } finally {
      await pop3.close();
    }
  },
);

describe('a uid given for one message that another message of the list gets from its content', () => {
  const X = 'Subject: x\r\n\r\nx\r\n';
  const Y = 'Subject: y\r\n\r\ny\r\n';

  /** UIDL's uids for alice, in message order. */
  async function uids(port: number): Promise<string[]> {
    const client = await RawClient.login(port, 'alice', 'pw');
    const { lines } = await client.multi('UIDL');
    await client.command('QUIT');
    return lines.map((line) => line.split(' ')[1]!);
  }

  /** The uid X gets from its content, as UIDL shows it in a mailbox holding only X. */
  async function contentUidOfX(): Promise<string> {
    const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [X] } } });
    try {
      return (await uids(pop3.port))[0]!;
    } finally {
      await pop3.close();
    }
  }

  // Placed where the list was given: `users.alice.messages` at the start, `messages` at deliver().
  const refusal = (uid: string, given: number, derived: number, path = 'users.alice.messages') =>
    new FixtureError(
      `uid "${uid}" given for raw (#${given} of the messages added) is the uid raw (#${derived}) gets from its content: two messages cannot share a uid; choose another`,
      { path },
    );

  // [the list, given X's content uid; the refusal it gets]
  const cases: [string, (h: string) => MessageSource[], (h: string, path?: string) => FixtureError][] = [
    ['the content uid, derived first', (h) => [X, { raw: Y, uid: h }], (h, p) => refusal(h, 2, 1, p)],
    ['the content uid, given first', (h) => [{ raw: Y, uid: h }, X], (h, p) => refusal(h, 1, 2, p)],
    [
      'the suffixed uid of a second copy, derived first',
      (h) => [X, X, { raw: Y, uid: `${h}-2` }],
      (h, p) => refusal(`${h}-2`, 3, 2, p),
    ],
    [
      'the suffixed uid of a second copy, given first',
      (h) => [{ raw: Y, uid: `${h}-2` }, X, X],
      (h, p) => refusal(`${h}-2`, 1, 3, p),
    ],
  ];

  test.each(cases)(
    'is refused whatever the order (%s), at the start and at deliver(), adding nothing',
    async (_case, list, refused) => {
      const h = await contentUidOfX();
      expect(await startError(list(h))).toEqual(refused(h));
      const pop3 = await startPop3Mock({
        users: { alice: { password: 'pw', messages: ['Subject: seed\r\n\r\nseed\r\n'] } },
      });
      try {
        await expect(pop3.deliver('alice', list(h))).rejects.toThrow(refused(h, 'messages'));
        expect((await fetchAll(pop3.port)).bodies).toEqual(['Subject: seed\r\n\r\nseed\r\n']);
      } finally {
        await pop3.close();
      }
    },
  );

  test('a message may be given its own content uid, in either order', async () => {
    const h = await contentUidOfX();
    for (const [list, expected] of [
      [
        [{ raw: X, uid: h }, Y],
        [h, expect.any(String)],
      ],
      [
        [Y, { raw: X, uid: h }],
        [expect.any(String), h],
      ],
    ] as const) {
      const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [...list] } } });
      try {
        expect(await uids(pop3.port)).toEqual(expected);
      } finally {
        await pop3.close();
      }
    }
  });
});

test('one uid given for two messages of a list is refused naming both', async () => {
  const list = [
    { raw: 'Subject: x\r\n\r\nx\r\n', uid: 'same' },
    { raw: 'Subject: y\r\n\r\ny\r\n', uid: 'same' },
  ];
  expect(await startError(list)).toEqual(
    new FixtureError('uid "same" given for raw (#2 of the messages added) is also given for raw (#1)', {
      path: 'users.alice.messages',
    }),
  );
});

describe('an empty file is what its kind says', () => {
  // [what, the files written (empty unless given), the source, how many messages: each of 0 octets]
  const cases: [string, [string, string?][], (dir: string) => MessageSource, number][] = [
    ['an .eml file, one message', [['empty.eml']], (d) => join(d, 'empty.eml'), 1],
    ['an .eml file in a folder, one message', [['f/empty.eml']], (d) => join(d, 'f'), 1],
    ['a Maildir file, one message', [['md/cur/1']], (d) => join(d, 'md'), 1],
    ['an mbox file, no messages', [['box.mbox']], (d) => join(d, 'box.mbox'), 0],
    ['a file of another name, an mbox of no messages', [['inbox']], (d) => join(d, 'inbox'), 0],
    ['a byte order mark alone, an mbox of no messages', [['inbox', '\uFEFF']], (d) => join(d, 'inbox'), 0],
    [
      'any file given with mboxFormat, an mbox of no messages',
      [['empty.eml']],
      (d) => ({ path: join(d, 'empty.eml'), mboxFormat: 'mboxrd' }),
      0,
    ],
  ];

  test.each(cases)('%s', async (_what, files, source, count) => {
    for (const [file, text = ''] of files) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [source(dir)] } } });
    try {
      expect(await fetchAll(pop3.port)).toEqual({ stat: `+OK ${count} 0`, bodies: Array(count).fill('') });
    } finally {
      await pop3.close();
    }
  });
});

describe('a file named .mbox is read as an mbox, and empty lines before its first separator are skipped', () => {
  const one = 'Subject: one\r\n\r\nfirst\r\n';
  const two = 'Subject: two\r\n\r\nsecond\r\n';
  const mbox = `From a@example.com Sat Jan  1 00:00:00 2000\r\n${one}\r\nFrom b@example.com Sat Jan  1 00:00:00 2000\r\n${two}`;

  test.each([
    ['empty lines first, .mbox name', 'lead.mbox', `\r\n\n${mbox}`],
    ['empty lines first, no telling name', 'lead.txt', `\n\r\n${mbox}`],
  ])('%s: its two messages, as Python reads it', async (_what, name, text) => {
    writeFileSync(join(dir, name), text);
    const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [join(dir, name)] } } });
    try {
      expect((await fetchAll(pop3.port)).bodies).toEqual([one, two]);
    } finally {
      await pop3.close();
    }
  });

  test('an .mbox file with no separator is refused, not served as one message', async () => {
    writeFileSync(join(dir, 'broken.mbox'), 'Subject: no separator\r\n\r\nbody\r\n');
    const outcome = await startPop3Mock({
      users: { alice: { password: 'pw', messages: [join(dir, 'broken.mbox')] } },
    }).then(
      async (pop3) => {
        await pop3.close();
        return 'the server started';
      },
      (error: unknown) => error,
    );
    expect(String(outcome)).toMatch(/not an mbox file.*broken\.mbox/);
  });
});

describe('an mbox whose lines end in CR alone is refused naming it, not served as one empty message', () => {
  // Classic Mac OS wrote CR alone: with no LF the first "From " line ran to the end of the file, taking every message.
  const crOnly =
    'From a@example.com Sat Jan  1 00:00:00 2000\rSubject: one\r\rfirst\r\rFrom b@example.com Sat Jan  1 00:00:00 2000\rSubject: two\r\rsecond\r';
  test.each([
    ['named .mbox', 'mac.mbox', {}],
    ['found by its first line', 'Inbox', {}],
    ['given with mboxFormat', 'mac.txt', { mboxFormat: 'mboxo' as const }],
  ])('%s', async (_what, name, options) => {
    writeFileSync(join(dir, name), crOnly);
    const outcome = await startPop3Mock({
      users: { alice: { password: 'pw', messages: [{ path: join(dir, name), ...options }] } },
    }).then(
      async (pop3) => {
        const { stat } = await fetchAll(pop3.port);
        await pop3.close();
        return `the server started: ${stat}`;
      },
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(FixtureError);
    expect(String(outcome)).toContain(`message 1 in mbox ${join(dir, name)} holds a CR not followed by LF`);
  });

  test('a CRLF mbox, and a CR inside a message, still load', async () => {
    const crlf =
      'From a@example.com Sat Jan  1 00:00:00 2000\r\nSubject: one\r\n\r\na bare\rCR\r\n\r\nFrom b@example.com Sat Jan  1 00:00:00 2000\r\nSubject: two\r\n\r\nsecond\r\n';
    writeFileSync(join(dir, 'crlf.mbox'), crlf);
    const pop3 = await startPop3Mock({
      users: { alice: { password: 'pw', messages: [join(dir, 'crlf.mbox')] } },
    });
    try {
      expect((await fetchAll(pop3.port)).bodies).toEqual([
        'Subject: one\r\n\r\na bare\rCR\r\n',
        'Subject: two\r\n\r\nsecond\r\n',
      ]);
    } finally {
      await pop3.close();
    }
  });
});

describe('a folder that holds an mbox is refused naming it, not started with an empty or short mailbox', () => {
  const box = 'From a@example.com Sat Jan  1 00:00:00 2000\r\nSubject: one\r\n\r\nx\r\n';
  test.each([
    ['an .mbox file beside a README', 'f', ['inbox.mbox', 'README.txt'], 'inbox.mbox'],
    ["Apple Mail's export folder, Inbox.mbox/mbox", 'Inbox.mbox', ['mbox', 'table_of_contents'], 'mbox'],
    ['an .mbox file beside an .eml file', 'mixed', ['1.eml', 'archive.mbox'], 'archive.mbox'],
  ])('%s', async (_what, folder, files, named) => {
    mkdirSync(join(dir, folder));
    for (const file of files)
      writeFileSync(join(dir, folder, file), file.includes('mbox') ? box : 'Subject: e\r\n\r\ne\r\n');
    const outcome = await startPop3Mock({
      users: { alice: { password: 'pw', messages: [join(dir, folder)] } },
    }).then(
      async (pop3) => {
        await pop3.close();
        return 'the server started';
      },
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(FixtureError);
    expect(String(outcome)).toContain(`holds ${named}, mail a folder load does not read`);
  });
});

describe('mail a folder or a Maildir would never read is refused naming it; files that are no mail are not', () => {
  const box = 'From a@example.com Sat Jan  1 00:00:00 2000\r\nSubject: one\r\n\r\nx\r\n';
  const eml = 'Subject: e\r\n\r\ne\r\n';
  /** Writes `files` (name → content) under `folder` in the test's dir, making folders on the way. */
  function tree(folder: string, files: Record<string, string>): string {
    const root = join(dir, folder);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(root, name, '..'), { recursive: true });
      writeFileSync(join(root, name), content);
    }
    return root;
  }
  async function outcomeOf(path: string): Promise<unknown> {
    return startPop3Mock({ users: { alice: { password: 'pw', messages: [path] } } }).then(
      async (pop3) => {
        await pop3.close();
        return 'the server started';
      },
      (error: unknown) => error,
    );
  }

  test.each([
    // A mail client's mailbox file has no extension: it is an mbox by its first line, as by its path.
    [
      'a folder of .eml files',
      'folder',
      { '1.eml': eml, Inbox: `\r\n${box}` },
      'holds Inbox, mail a folder load does not read',
    ],
    [
      'a Maildir, an .eml file beside cur',
      'maildir',
      { 'cur/1:2,S': eml, 'stray.eml': eml },
      'holds stray.eml beside them',
    ],
    [
      "a folder of .eml files, an mbox as Gmail's Takeout writes it",
      'folder',
      { '1.eml': eml, Sent: 'From 1789@xxx Wed Jan 01 00:00:00 +0000 2020\nSubject: s\n\ns\n' },
      'holds Sent, mail a folder load does not read',
    ],
    ['a Maildir, an mbox beside new', 'maildir', { 'new/1': eml, Sent: box }, 'holds Sent beside them'],
    // Apple Mail exports a mailbox as a folder Inbox.mbox holding the mbox file mbox; given their parent folder.
    [
      'a folder holding an Apple Mail export',
      'export',
      { '1.eml': eml, 'Inbox.mbox/mbox': box, 'Inbox.mbox/table_of_contents': '' },
      'holds Inbox.mbox/mbox, mail a folder load does not read',
    ],
    [
      'a Maildir, an .mbox file beside new',
      'maildir',
      { 'new/1': eml, 'old.mbox': box },
      'holds old.mbox beside them',
    ],
  ])('%s', async (_what, folder, files, message) => {
    const outcome = await outcomeOf(tree(folder, files));
    expect(outcome).toBeInstanceOf(FixtureError);
    expect(String(outcome)).toContain(message);
  });

  // The parent folder given for one of its folders (fixtures for fixtures/alice): its mail is a level down.
  test.each([
    [
      'folders of .eml files',
      { 'alice/1.eml': eml, 'bob/2.eml': eml, 'README.md': 'fixtures\n' },
      'alice/, bob/ hold',
    ],
    ['a Maildir', { 'Maildir/new/1': eml, 'Maildir/tmp/2': eml }, 'Maildir/ holds'],
  ])(
    'a folder with no .eml file whose folders hold mail, %s, is refused naming them, not started empty',
    async (_what, files, named) => {
      const path = tree('fixtures', files);
      const outcome = await startPop3Mock({ users: { alice: { password: 'pw', messages: [path] } } }).then(
        async (pop3) => {
          const { stat } = await fetchAll(pop3.port);
          await pop3.close();
          return `the server started: ${stat}`;
        },
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(FixtureError);
      expect(String(outcome)).toContain(
        `${path} holds no .eml file, and ${named} mail a folder load does not read`,
      );
    },
  );

  test('folders beside .eml files, and folders without mail, do not stop a folder from loading', async () => {
    const beside = tree('beside', { '1.eml': eml, 'old/2.eml': 'Subject: old\r\n\r\nold\r\n' });
    const none = tree('none', { 'pictures/cover.png': 'not mail', '.hidden/3.eml': eml });
    const bodies: string[][] = [];
    for (const path of [beside, none]) {
      const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [path] } } });
      try {
        bodies.push((await fetchAll(pop3.port)).bodies);
      } finally {
        await pop3.close();
      }
    }
    expect(bodies).toEqual([[eml], []]);
  });

  test('an mbox beside a Maildir is not advised into new, where it would be one message: its path is', async () => {
    const outcome = await outcomeOf(tree('maildir', { 'new/1': eml, Sent: box, 'stray.eml': eml }));
    expect(outcome).toBeInstanceOf(FixtureError);
    expect(String(outcome)).toContain('move stray.eml into new');
    expect(String(outcome)).toContain("give the path of Sent beside the Maildir's");
    expect(String(outcome)).not.toContain('move Sent');
    expect(String(outcome)).not.toContain('move it');
  });

  test('a README, an empty file and a Maildir index are no mail: the folder and the Maildir load', async () => {
    const folder = tree('folder', {
      '1.eml': eml,
      'README.txt': 'From the fixtures team: these are test messages\n',
      // A first line with a word after "From " and a time is still prose: a separator's date begins with its weekday.
      'README.md': 'From 9:00 to 17:00 the mock answers slowly\n',
      'notes.txt': 'From alice@example.com, notes of the 10:30 meeting\n',
      notes: '',
      // A folder named as an mbox with no mbox file in it is no Apple Mail export.
      'pictures.mbox/cover.png': 'not mail',
    });
    const maildir = tree('maildir', {
      'cur/1:2,S': eml,
      'dovecot-uidlist': '3 V1733000000 N2\n1 W20 :1\n',
      maildirfolder: '',
      MIGRATED: 'From now on, fixtures are regenerated nightly at 02:00 UTC\n',
    });
    for (const path of [folder, maildir]) {
      const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [path] } } });
      try {
        expect((await fetchAll(pop3.port)).bodies).toEqual([eml]);
      } finally {
        await pop3.close();
      }
    }
  });
});

test('nodemailer fields read relative content paths (an attachment, html) from baseDir, as fixture paths, not from the working folder', async () => {
  mkdirSync(join(dir, 'att'));
  writeFileSync(join(dir, 'att', 'a.txt'), 'attachment from baseDir\r\n');
  writeFileSync(join(dir, 'page.html'), '<p>html from baseDir</p>');
  const fields = {
    from: 'a@example.com',
    subject: 'with files',
    html: { path: 'page.html' },
    attachments: [{ path: 'att/a.txt' }],
  };
  // The working folder (the project) has neither file: nodemailer alone would fail with ENOENT.
  const pop3 = await startPop3Mock({
    baseDir: dir,
    users: { alice: { password: 'pw', messages: [fields] } },
  });
  try {
    const [body] = (await fetchAll(pop3.port)).bodies;
    expect(body).toContain(Buffer.from('attachment from baseDir\r\n').toString('base64'));
    expect(body).toContain('<p>html from baseDir</p>');
    // The stamp is made of the fields as given: the same fields under another baseDir build the same Message-ID.
    const again = mkdtempSync(join(tmpdir(), 'pop3-fixtures-'));
    mkdirSync(join(again, 'att'));
    writeFileSync(join(again, 'att', 'a.txt'), 'attachment from baseDir\r\n');
    writeFileSync(join(again, 'page.html'), '<p>html from baseDir</p>');
    const other = await startPop3Mock({
      baseDir: again,
      users: { alice: { password: 'pw', messages: [fields] } },
    });
    try {
      expect((await fetchAll(other.port)).bodies).toEqual([body]);
    } finally {
      await other.close();
      rmSync(again, { recursive: true, force: true });
    }
  } finally {
    await pop3.close();
  }
});

describe('nodemailer fields whose Message-ID or Date nodemailer would take from chance or the clock', () => {
  const base = { from: 'a@example.com', to: 'b@example.org', subject: 'stamped', text: 'hello' };
  /** What Python's poplib fetches of alice's one message: its UIDL line and its RETR lines. */
  async function fetchWithPoplib(port: number): Promise<{ uidl: string; lines: string[] }> {
    const [, , uidl, retr] = await runPythonPoplib(port, [
      ['user', 'alice'],
      ['pass_', 'pw'],
      ['uidl', 1],
      ['retr', 1],
      ['quit'],
    ]);
    const line = okValue(uidl);
    return {
      uidl: Buffer.isBuffer(line) ? line.toString('latin1') : String(line),
      lines: longResponse(retr).lines.map((l) => l.toString('latin1')),
    };
  }
  /** The message built from `fields` by a server started with the system's Date at `at` (only Date faked). */
  async function builtAt(at: string, fields: MessageSource): Promise<{ uidl: string; lines: string[] }> {
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'performance',
        'hrtime',
      ],
      now: new Date(at),
    });
    try {
      const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [fields] } } });
      try {
        return await fetchWithPoplib(pop3.port);
      } finally {
        await pop3.close();
      }
    } finally {
      jest.useRealTimers();
    }
  }

  // nodemailer skips a falsy field and a falsy header value: left so, it wrote the clock's Date or a random Message-ID.
  test.each([
    ['date: null (as a JSON config may give it)', { ...base, date: null }],
    ["date: ''", { ...base, date: '' }],
    ["messageId: ''", { ...base, messageId: '' }],
    ["headers: { Date: '' }", { ...base, headers: { Date: '' } }],
    ["headers: [{ key: 'Message-ID', value: '' }]", { ...base, headers: [{ key: 'Message-ID', value: '' }] }],
  ])('%s: the same bytes and uid whenever the server starts', async (_what, fields) => {
    const first = await builtAt('2001-02-03T04:05:06Z', fields as MessageSource);
    const second = await builtAt('2011-12-13T14:15:16Z', fields as MessageSource);
    expect(second).toEqual(first);
    expect(first.lines.join('\n')).toMatch(/^Message-ID: <[0-9a-f]{32}@pop3-mock\.invalid>$/m);
  });

  test('a Message-ID given as one header { key, value } is kept, as nodemailer reads that form', async () => {
    const fields = { ...base, headers: { key: 'Message-ID', value: '<mine@example.com>' } };
    const { lines } = await builtAt('2001-02-03T04:05:06Z', fields);
    expect(lines).toContain('Message-ID: <mine@example.com>');
  });
});
