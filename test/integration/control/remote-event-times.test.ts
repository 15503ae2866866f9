import { type Pop3Event, RemotePop3Mock } from '../../../src';
import { type Side, sides } from '../../helpers/api-sides';
import { FakeClock } from '../../helpers/fake-clock';
import { RawClient } from '../../helpers/raw-client';

// waitFor() and on() hear events from their call on, on both sides of the
// one interface. Remotely the events come over the control API's stream,
// replayed from the call's time when the stream opens after it, and live
// when it is open already; within the call's own millisecond only the
// server's arrival time, to a fraction of a millisecond, can tell an event
// just before the call from one just after it.

function isCommand(raw: string): (event: Pop3Event) => boolean {
  return (event) => event.type === 'command' && event.raw === raw;
}

/** Runs `scenario` against a logged-in client, with the API's event stream open before it or not. */
async function withClient(
  start: (typeof sides)[number][1],
  openBefore: boolean,
  scenario: (api: Side['api'], client: RawClient) => Promise<void>,
): Promise<void> {
  const side = await start({ users: { alice: { password: 'pw', messages: [] } } });
  const stopListening = openBefore ? side.api.on('*', () => {}) : () => {};
  try {
    if (openBefore && side.api instanceof RemotePop3Mock) await side.api.listening();
    const client = await RawClient.login(side.server.port, 'alice', 'pw');
    await scenario(side.api, client);
    client.destroy();
  } finally {
    stopListening();
    await side.close();
  }
}

const streams: [string, boolean][] = [
  ['the event stream opened by the call', false],
  ['the event stream open already', true],
];

describe.each(sides)('%s, within one millisecond', (_name, start) => {
  test.each(streams)(
    'waitFor() takes every event right after the call, none just before it; %s',
    (_stream, openBefore) =>
      withClient(start, openBefore, async (api, client) => {
        // No wait for the clock to move: most fall in the call's own millisecond.
        for (let i = 0; i < 30; i++) {
          const waiting = api.waitFor(isCommand(`NOOP ${i}`), { timeoutMs: 2000 });
          client.socket.write(`NOOP ${i}\r\n`);
          expect(await waiting).toMatchObject({ type: 'command', raw: `NOOP ${i}` });
          await client.readLine();
        }
        const late: Promise<unknown>[] = [];
        for (let i = 0; i < 30; i++) {
          await client.command(`NOOP before ${i}`);
          late.push(
            api.waitFor(isCommand(`NOOP before ${i}`), { timeoutMs: 150 }).then(
              (event) => event,
              (error: unknown) => (error as Error).name,
            ),
          );
        }
        expect(new Set(await Promise.all(late))).toEqual(new Set(['WaitTimeoutError']));
      }),
  );

  test.each(streams)(
    'on() hears the command sent right after the call, not the one answered just before it; %s',
    (_stream, openBefore) =>
      withClient(start, openBefore, async (api, client) => {
        const heardPerRound: string[][] = [];
        for (let i = 0; i < 30; i++) {
          await client.command(`NOOP old ${i}`);
          const heard: string[] = [];
          heardPerRound.push(heard);
          const newOne = new Promise<void>((resolve) => {
            const off = api.on('command', (event) => {
              if (event.type !== 'command') return;
              heard.push(event.raw);
              if (event.raw === `NOOP new ${i}`) {
                off();
                resolve();
              }
            });
          });
          client.socket.write(`NOOP new ${i}\r\n`);
          await newOne;
          await client.readLine();
        }
        expect(heardPerRound).toEqual(Array.from({ length: 30 }, (_, i) => [`NOOP new ${i}`]));
      }),
  );
});

// The server's clock may be a test's fake one, far from the real time a remote call is made at:
// the events' real times decide, kept to a fraction of a millisecond, not the clock's readings.
const clocks: [string, number][] = [
  ['behind', Date.UTC(2026, 0, 1)],
  ['ahead', Date.UTC(2036, 0, 1)],
];

describe.each(sides)('%s, a server with a fake clock', (_name, start) => {
  const waits: [string, (api: Side['api']) => Promise<string>][] = [
    ['waitFor()', async (api) => ((await api.waitFor(isNoop)) as { raw: string }).raw],
    ['waitForCommand()', async (api) => (await api.waitForCommand('NOOP *')).raw],
    [
      'on()',
      (api) =>
        new Promise<string>((resolve) => {
          const off = api.on('command', (event) => {
            if (!isNoop(event)) return;
            off();
            resolve((event as { raw: string }).raw);
          });
        }),
    ],
  ];
  describe.each(clocks)('%s real time', (_clock, startAt) => {
    test.each(waits)(
      '%s takes the command sent right after the call, not the one answered before it nor a later one',
      async (_wait, wait) => {
        const side = await start({ clock: new FakeClock(startAt), users: { alice: 'pw' } });
        const client = await RawClient.login(side.server.port, 'alice', 'pw');
        try {
          const taken: string[] = [];
          for (let i = 0; i < 10; i++) {
            await client.command(`NOOP before-${i}`);
            const waiting = wait(side.api);
            await client.command(`NOOP after-${i}`);
            // A wait that missed the command after its call takes this one (a fake clock never times it out).
            await client.command(`NOOP later-${i}`);
            taken.push(await waiting);
          }
          expect(taken).toEqual(Array.from({ length: 10 }, (_, i) => `NOOP after-${i}`));
        } finally {
          client.destroy();
          await side.close();
        }
      },
    );
  });
});

function isNoop(event: Pop3Event): boolean {
  return event.type === 'command' && event.verb === 'NOOP';
}
