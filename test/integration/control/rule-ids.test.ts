import * as pop3Mock from '../../../src';
import { RawClient } from '../../helpers/raw-client';

/*
 * Rules built by two copies of the module (two jest workers sharing one
 * server over its control API) each counted from rule-1: the second worker's
 * first use() was refused, "a stored rule has rule-1". Each copy now tags its
 * ids; a stable transcript prints them without the tag.
 */

const { connectPop3Mock, on, startPop3Mock } = pop3Mock;

test('rules built by two copies of the module both go to one server, and fire', async () => {
  // A second copy, as another jest worker loads it: its own id sequence.
  let other: typeof pop3Mock | undefined;
  jest.isolateModules(() => {
    other = require('../../../src') as typeof pop3Mock;
  });
  expect(other?.on).not.toBe(on);
  const server = await startPop3Mock({ control: true, users: { alice: 'pw' } });
  const first = await connectPop3Mock({ url: server.controlUrl!, token: server.controlToken! });
  const second = await other!.connectPop3Mock({ url: server.controlUrl!, token: server.controlToken! });
  try {
    const mine = on('LIST').reply('-ERR from the first');
    const theirs = other!.on('STAT').reply('-ERR from the second');
    expect(mine.id).not.toBe(theirs.id);
    await first.use(mine);
    await second.use(theirs);
    expect((await first.rules()).map((r) => r.rule.id).sort()).toEqual([mine.id, theirs.id].sort());

    const client = await RawClient.login(server.port, 'alice', 'pw');
    expect(await client.command('LIST')).toBe('-ERR from the first');
    expect(await client.command('STAT')).toBe('-ERR from the second');
    await client.command('QUIT');
    await server.sessionEnd();
    // Snapshot-friendly: the tag of the process that built the rule is left out.
    const stable = server.transcript({ stable: true });
    const number = (id: string) => /-(\d+)$/.exec(id)![1];
    expect(stable).toContain(`-- fault rule-${number(mine.id)}: on every LIST: reply "-ERR from the first"`);
    expect(stable).toContain(
      `-- fault rule-${number(theirs.id)}: on every STAT: reply "-ERR from the second"`,
    );
    expect(server.transcript()).toContain(`-- fault ${mine.id}: `);
  } finally {
    await second.close();
    await first.close();
    await server.close();
  }
});
