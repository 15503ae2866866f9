// Internal errors: something inside the mock throws (here a dialect text, the
// easiest real bug to provoke through the wire). The client gets the dialect's
// -ERR and a close; the cause is recorded, rendered, exported and logged, and
// nothing reaches the host process.

import { type Dialect, type Pop3Mock, rfcDialect } from '../../../src';
import { run } from '../../../src/cli/run';
import { PASSWORD, USER, withMailbox } from '../../helpers/fixtures';
import { RawClient } from '../../helpers/raw-client';
import { watchHost } from './support';

const watch = watchHost();
afterAll(() => watch.stop());
afterEach(() => watch.assertClean());

const INTERNAL_ERROR = `-ERR ${rfcDialect.texts.internalError}`;
const BROKE = 'unknownCommand text broke';

/** The RFC dialect with one text that throws: any unknown command provokes an internal error. */
const brokenDialect: Dialect = {
  ...rfcDialect,
  name: 'broken',
  texts: {
    ...rfcDialect.texts,
    unknownCommand: () => {
      throw new Error(BROKE);
    },
  },
};

let stderr: jest.SpyInstance;
let debugEnv: string | undefined;
beforeEach(() => {
  // No DEBUG logger from the environment: each test decides whether a logger exists.
  debugEnv = process.env.DEBUG;
  delete process.env.DEBUG;
  stderr = jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  stderr.mockRestore();
  if (debugEnv !== undefined) process.env.DEBUG = debugEnv;
});

async function endOf(pop3: Pop3Mock) {
  const record = pop3.sessions[0] ?? (await pop3.sessionEnd());
  return record.ended ? record : pop3.sessionEnd(record);
}

describe('a command whose handler throws', () => {
  test('gets the dialect internal-error -ERR and a close; record, transcript, JSON export and logger hold the cause', async () => {
    const logged: string[] = [];
    await withMailbox(
      [],
      async (pop3) => {
        const client = await RawClient.connect(pop3.port);
        expect(await client.command('XYZZY')).toBe(INTERNAL_ERROR);
        await client.closed();

        const record = await endOf(pop3);
        expect(record.endReason).toBe('server-closed');
        expect(record.errors).toEqual([
          { message: BROKE, stack: expect.stringContaining(BROKE), at: expect.any(Number) },
        ]);
        // Recorded before the -ERR went out.
        const lines = record.render().split('\n');
        const noted = lines.indexOf(`!: internal error: ${BROKE}`);
        expect(noted).toBeGreaterThan(lines.indexOf('C: XYZZY'));
        expect(lines[noted + 1]).toBe(`S: ${INTERNAL_ERROR}`);
        expect(record.render({ notes: false })).toContain(`!: internal error: ${BROKE}`);

        const json = JSON.parse(JSON.stringify(record));
        expect(json.errors).toEqual([
          { message: BROKE, stack: expect.stringContaining(BROKE), at: expect.any(Number) },
        ]);
        expect(json.transcript).toContain(`!: internal error: ${BROKE}`);
        expect(json.events).toContainEqual(
          expect.objectContaining({ type: 'internal-error', message: BROKE }),
        );

        expect(logged).toContain(`pop3-mock #${record.id} !: internal error: ${BROKE}`);
        // The logger showed it: stderr stays quiet.
        expect(stderr).not.toHaveBeenCalled();
      },
      { dialect: brokenDialect, logger: (line) => logged.push(line) },
    );
  });

  test('without a logger the cause reaches stderr, once per error', async () => {
    await withMailbox(
      [],
      async (pop3) => {
        for (let i = 0; i < 2; i++) {
          const client = await RawClient.connect(pop3.port);
          expect(await client.command('XYZZY')).toBe(INTERNAL_ERROR);
          await client.closed();
        }
        expect(stderr).toHaveBeenCalledTimes(2);
        const [first] = stderr.mock.calls[0] as [string];
        expect(first).toMatch(
          /^\[pop3-mock\] session \d+: internal error: Error: unknownCommand text broke\n/,
        );
      },
      { dialect: brokenDialect },
    );
  });

  test('a listener for internal-error events hears it, and stderr stays quiet', async () => {
    await withMailbox(
      [],
      async (pop3) => {
        const heard: string[] = [];
        pop3.on('internal-error', (event) => heard.push(event.message));
        const client = await RawClient.connect(pop3.port);
        expect(await client.command('XYZZY')).toBe(INTERNAL_ERROR);
        await client.closed();
        expect(heard).toEqual([BROKE]);
        expect(stderr).not.toHaveBeenCalled();
      },
      { dialect: brokenDialect },
    );
  });

  test('pipelined commands before it keep their replies; the -ERR follows them, then FIN', async () => {
    await withMailbox(
      [],
      async (pop3) => {
        const client = await RawClient.connect(pop3.port);
        client.write(`USER ${USER}\r\nPASS ${PASSWORD}\r\nXYZZY\r\nNOOP\r\n`);
        expect(await client.readLine()).toMatch(/^\+OK /);
        expect(await client.readLine()).toMatch(/^\+OK /);
        expect(await client.readLine()).toBe(INTERNAL_ERROR);
        expect((await client.readToEnd()).length).toBe(0);
        const record = await endOf(pop3);
        // NOOP, after the failing line, never ran.
        expect(record.commands()).toEqual(['USER alice', 'PASS ******', 'XYZZY']);
        expect(record.errors.map((e) => e.message)).toEqual([BROKE]);
      },
      { dialect: brokenDialect },
    );
  });
});

describe('internal errors outside a command', () => {
  test('a greeting text that throws: the internal-error -ERR is the greeting, and it is recorded', async () => {
    const dialect: Dialect = {
      ...rfcDialect,
      texts: {
        ...rfcDialect.texts,
        greeting: () => {
          throw new Error('greeting text broke');
        },
      },
    };
    await withMailbox(
      [],
      async (pop3) => {
        const client = await RawClient.connect(pop3.port);
        expect(client.greeting).toBe(INTERNAL_ERROR);
        await client.closed();
        const record = await endOf(pop3);
        expect(record.errors.map((e) => e.message)).toEqual(['greeting text broke']);
        expect(record.render()).toContain('!: internal error: greeting text broke');
      },
      { dialect },
    );
  });

  test('an autologout text that throws is recorded, and the session still ends by autologout', async () => {
    const texts = { ...rfcDialect.texts };
    Object.defineProperty(texts, 'autologout', {
      get() {
        throw new Error('autologout text broke');
      },
    });
    await withMailbox(
      [],
      async (pop3) => {
        const client = await RawClient.connect(pop3.port);
        await client.closed();
        const record = await endOf(pop3);
        expect(record.endReason).toBe('autologout');
        expect(record.errors.map((e) => e.message)).toEqual(['autologout text broke']);
      },
      { dialect: { ...rfcDialect, texts }, autologoutMs: 50 },
    );
  });
});

describe('a bug in the transcript recorder', () => {
  test('is logged on stderr for every event it fails on; sessions go on, listeners still hear, nothing reaches the host', async () => {
    // No wire input can make the recorder throw, so its three entry points
    // (events as objects, and commands and replies given field by field when
    // no listener hears them) are replaced on this one server: the only test
    // that reaches into the mock.
    await withMailbox(['From: a@example.com\r\n\r\nbody\r\n'], async (pop3) => {
      const recorder = (pop3 as unknown as { recorder: Record<'apply' | 'command' | 'reply', () => void> })
        .recorder;
      for (const name of ['apply', 'command', 'reply'] as const) {
        recorder[name] = () => {
          throw new Error(`recorder ${name} broke`);
        };
      }
      const session = async () => {
        const ended = new Promise((resolve) => pop3.on('session-end', resolve));
        const client = await RawClient.connect(pop3.port);
        expect(await client.command(`USER ${USER}`)).toMatch(/^\+OK/);
        expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
        const retr = await client.multi('RETR 1');
        expect(retr.status).toMatch(/^\+OK/);
        expect(retr.data.toString()).toContain('body');
        expect(await client.command('QUIT')).toMatch(/^\+OK/);
        await client.closed();
        await ended;
      };
      const logged = () => stderr.mock.calls.map((call) => `${call[0]} ${(call[1] as Error)?.message}`);
      const threw = (name: string) => `[pop3-mock] the transcript recorder threw: recorder ${name} broke`;

      // Nobody hears commands and replies: they go to the recorder field by field.
      await session();
      for (const name of ['apply', 'command', 'reply']) expect(logged()).toContain(threw(name));

      // A listener of every event: each is an object, given to the recorder, then to the listener.
      stderr.mockClear();
      const heard: string[] = [];
      pop3.on('*', (e) => heard.push(e.type));
      await session();
      expect(heard).toEqual(expect.arrayContaining(['command', 'reply', 'auth', 'retrieve', 'session-end']));
      expect(logged()).toContain(threw('apply'));
    });
  });
});

describe('the CLI', () => {
  test('writes an internal error and its stack to stderr', async () => {
    const out: string[] = [];
    const err: string[] = [];
    let ready: (line: string) => void = () => {};
    const readyLine = new Promise<string>((resolve) => {
      ready = resolve;
    });
    // A config file cannot hold a Dialect object, so run() is called in process;
    // the stop signal goes to its own listener only, never to this process.
    const on = jest.spyOn(process, 'on');
    const exit = run(
      {
        options: { users: { [USER]: PASSWORD }, dialect: brokenDialect, tls: false },
        dialectName: 'broken',
        users: [{ name: USER, passwordSource: 'the test' }],
        // In process: no watch on the test runner's parent or stdin.
        exitOnStdinClose: false,
        outliveParent: true,
      },
      {
        out: (line) => {
          out.push(line);
          ready(line);
        },
        err: (line) => err.push(line),
      },
    );
    const stop = on.mock.calls.find(([signal]) => signal === 'SIGINT')?.[1] as (signal: string) => void;
    on.mockRestore();

    const { port } = JSON.parse(await readyLine) as { port: number };
    const client = await RawClient.connect(port);
    expect(await client.command('XYZZY')).toBe(INTERNAL_ERROR);
    await client.closed();
    stop('SIGINT');
    expect(await exit).toBe(0);

    const at = err.indexOf(`pop3-mock: session 1: internal error: ${BROKE}`);
    expect(at).toBeGreaterThan(-1);
    expect(err[at + 1]).toMatch(/^Error: unknownCommand text broke\n\s+at /);
    expect(err).toContain('pop3-mock: session 1 ended (server-closed, 0 retrieved, 0 deleted)');
    expect(stderr).not.toHaveBeenCalled();
  });
});
