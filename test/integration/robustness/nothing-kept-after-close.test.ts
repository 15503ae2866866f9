// A closed mock leaves nothing set that holds its modules: jest gives each
// test file a module registry of its own, and a timer left set (the idle
// sweep once lingered on the system clock for the ten minutes of the
// autologout period) held a whole registry per test file, some 2.7 MB each.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RawClient } from '../../helpers/raw-client';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('after close() the modules of a mock that served a session can be collected', async () => {
  let kept: WeakRef<object> | undefined;
  await jest.isolateModulesAsync(async () => {
    const { startPop3Mock } = require('../../../src') as typeof import('../../../src');
    // An object of the registry that every session's timers reach: the system clock.
    kept = new WeakRef((require('../../../src/clock') as typeof import('../../../src/clock')).systemClock);
    const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages: [] } } });
    const client = await RawClient.login(pop3.port, 'alice', 'pw');
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    await pop3.close();
  });
  for (let round = 0; round < 10 && kept?.deref() !== undefined; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  expect(kept?.deref()).toBeUndefined();
});
