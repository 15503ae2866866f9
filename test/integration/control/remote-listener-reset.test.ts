import {
  connectPop3Mock,
  type Pop3Event,
  type Pop3Mock,
  type RemotePop3Mock,
  startPop3Mock,
} from '../../../src';
import { RawClient } from '../../helpers/raw-client';

// `on()` opens the event stream, and the server first replays what it recorded from the call
// until the stream connected, from its session records. A `reset()` sent right after `on()`
// could reach the server first and clear those records: the listener never heard the session
// that began in between (its session-start and greeting), and nothing said so (a helper's
// probe: 32 events heard remotely against 34 in process, in 4 runs of 4; here round 1, the
// stream's first opening, failed 5 runs of 5 without the change). The remote client's reset()
// now lets the stream connect first.

let pop3: Pop3Mock;
let remote: RemotePop3Mock;
beforeEach(async () => {
  pop3 = await startPop3Mock({ users: { alice: 'a-pw' }, lock: 'none', control: true });
  remote = await connectPop3Mock({ url: pop3.controlUrl!, token: pop3.controlToken! });
});
afterEach(async () => {
  await remote.close();
  await pop3.close();
});

const key = (e: Pop3Event) => `${e.sessionId} ${e.type}`;

test.each([1, 2, 3, 4])(
  'round %i: a listener added just before reset() hears every event the in-process one does',
  async () => {
    const local: Pop3Event[] = [];
    const heard: Pop3Event[] = [];
    const offLocal = pop3.on('*', (e) => local.push(e));
    const offRemote = remote.on('*', (e) => heard.push(e));
    try {
      const client = await RawClient.connect(pop3.port);
      await remote.reset();
      // The stream dispatches in order: when this wait hears the session's end, the listener has too.
      const endHeard = remote.waitFor((e) => e.type === 'session-end', { timeoutMs: 5000 });
      expect(await client.command('QUIT')).toMatch(/^\+OK/);
      await endHeard;
      expect(heard.map(key)).toEqual(local.map(key));
      expect(local.map((e) => e.type)).toEqual(
        expect.arrayContaining(['session-start', 'reply', 'reset', 'command', 'session-end']),
      );
    } finally {
      offLocal();
      offRemote();
    }
  },
);
