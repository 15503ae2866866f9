import { InputError } from '../../../src';
import { type Side, sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';

/*
 * `stable` output has no times: it is for snapshots. `transcript({ stable:
 * true, timestamps: true })` printed no time and said nothing, in process,
 * remotely and over HTTP (`?stable=true&timestamps=true`), so a test asking
 * for both got one. Refused now, at `timestamps`.
 */

const WORDS = 'expected no timestamps with stable: stable output has no times (it is for snapshots)';

describe.each(sides)('%s', (_, start) => {
  let side: Side;
  beforeAll(async () => {
    side = await start();
    const client = await RawClient.connect(side.server.port);
    expect(await client.command('QUIT')).toMatch(/^\+OK/);
    await client.closed();
    await side.api.sessionEnd(undefined, { timeoutMs: 5000 });
  });
  afterAll(() => side.close());

  test('transcript({ stable: true, timestamps: true }) is an InputError at timestamps', async () => {
    const refused = await Promise.resolve()
      .then(() => side.api.transcript({ stable: true, timestamps: true }))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InputError);
    expect(refused).toMatchObject({ path: 'timestamps', message: `transcript(): timestamps: ${WORDS}` });
  });

  test('each alone still prints as asked: times with timestamps, none with stable', async () => {
    expect(await side.api.transcript({ timestamps: true })).toMatch(/\[\+\d+ms\]/);
    expect(await side.api.transcript({ stable: true, timestamps: false })).not.toMatch(/\[\+/);
  });

  test('GET /api/transcript?stable=true&timestamps=true is a 400 at query.timestamps', async () => {
    const answer = await fetch(`${side.server.controlUrl}/api/transcript?stable=true&timestamps=true`, {
      headers: { authorization: `Bearer ${side.server.controlToken}` },
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      path: 'query.timestamps',
      issues: [{ path: 'query.timestamps', message: WORDS }],
    });
  });
});
