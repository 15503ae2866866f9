import { InputError } from '../../../src';
import { type Side, sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';

/*
 * `sessionEnd()`'s `since` picks the session to wait for when none is given
 * (the first after that id). Beside a session it was taken and ignored at
 * every door: `sessionEnd(1, { since: 1 })` resolved with session 1, not a
 * session after it, in process, remotely and over HTTP (`{ sessionId, since }`),
 * so a test waiting for "the session after 1" got session 1 back. Refused now.
 */

const WORDS =
  'expected no since with a session: since picks the session to wait for (the first after it) when none is given';

/** Two sessions that connect and QUIT; resolves when both have ended. */
async function twoSessions(side: Side): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const client = await RawClient.connect(side.server.port);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
  }
  await side.api.sessionEnd(undefined, { since: 1, timeoutMs: 5000 });
}

describe.each(sides)('%s', (_, start) => {
  let side: Side;
  beforeAll(async () => {
    side = await start();
    await twoSessions(side);
  });
  afterAll(() => side.close());

  test('sessionEnd(id, { since }) and sessionEnd(record, { since }) are an InputError at since', async () => {
    const [first] = await side.api.listSessions();
    for (const session of [1, first!]) {
      const refused = await side.api
        .sessionEnd(session, { since: 1, timeoutMs: 50 })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InputError);
      expect(refused).toMatchObject({ path: 'since', message: `sessionEnd(): since: ${WORDS}` });
    }
  });

  test('since alone still picks the first session after it, and a session alone is that session', async () => {
    expect((await side.api.sessionEnd(undefined, { since: 1, timeoutMs: 50 })).id).toBe(2);
    expect((await side.api.sessionEnd(1, { timeoutMs: 50 })).id).toBe(1);
  });

  test('POST /api/wait/session-end with sessionId and since is a 400 at since', async () => {
    const answer = await fetch(`${side.server.controlUrl}/api/wait/session-end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${side.server.controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: 1, since: 1, timeoutMs: 50 }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ path: 'since', issues: [{ path: 'since', message: WORDS }] });
  });
});
