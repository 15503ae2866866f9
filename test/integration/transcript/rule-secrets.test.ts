import { on, type Pop3Event } from '../../../src';
import { sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';

// A password a test writes into a rule (`on('PASS', 'sekret-pw')`) went out in the rule's
// sentence: in the fault line of every printed transcript, the event stream's `fault` events
// and `explain()`, where a client's PASS is masked everywhere (found by a helper's probe of
// GET /api/events). The sentence masks it now, as the transcript masks the client's; the rule
// itself keeps it, so it still matches.

const SECRET = 'sekret-pw';

describe.each(sides)('%s', (_, start) => {
  test.each([
    ['PASS', () => on('PASS', SECRET).delay(1), `PASS ******`],
    ['APOP', () => on('APOP', 'alice', SECRET).reply('-ERR no'), `APOP alice ******`],
    ['AUTH', () => on('AUTH', 'PLAIN', SECRET).reply('-ERR no'), `AUTH PLAIN ******`],
  ])(
    'a %s argument in a rule is masked in its sentence, wherever it is printed',
    async (verb, rule, shown) => {
      const side = await start({ users: { alice: SECRET }, apop: true });
      try {
        const heard: Pop3Event[] = [];
        const off = side.api.on('fault', (e) => heard.push(e));
        await side.api.use(rule());
        const client = await RawClient.connect(side.server.port);
        const line =
          verb === 'PASS'
            ? `PASS ${SECRET}`
            : verb === 'APOP'
              ? `APOP alice ${SECRET}`
              : `AUTH PLAIN ${SECRET}`;
        if (verb === 'PASS') await client.command('USER alice');
        // The rule matches the real value: it fires.
        const fired = side.api.waitFor((e) => e.type === 'fault', { timeoutMs: 5000 });
        await client.command(line);
        const event = await fired;
        expect(event).toMatchObject({ type: 'fault', description: expect.stringContaining(shown) });
        client.destroy();
        const record = await side.api.sessionEnd();
        expect(record.render()).toContain(shown);
        expect(await side.api.transcript()).not.toContain(SECRET);
        expect(JSON.stringify(await side.api.exportTranscripts())).not.toContain(SECRET);
        expect(heard.map((e) => JSON.stringify(e)).join('')).not.toContain(SECRET);
        const [status] = await side.api.rules();
        expect(status!.rule.explain()).toContain(shown);
        expect(status!.rule.explain()).not.toContain(SECRET);
        off();
      } finally {
        await side.close();
      }
    },
  );
});

test("a rule that takes any argument there ('*') says so", () => {
  expect(on('PASS', '*').delay(1).explain()).toBe('on every PASS *: delay 1 ms');
  expect(on('APOP', 'alice', '*').reply('-ERR no').explain()).toMatch(/^on every APOP alice \*: /);
});
