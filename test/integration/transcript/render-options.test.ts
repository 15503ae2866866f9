import { InputError, type RenderOptions, type SessionRecord } from '../../../src';
import { type Side, sides } from '../../helpers/api-sides';
import { RawClient } from '../../helpers/raw-client';

// `record.render(options)` took its options unchecked: a JavaScript caller's
// `{ secret: true }` printed the password masked, `{ stable: 'yes' }` printed
// times and ports, with no word. Checked now as `transcript()`'s are, from the
// one definition, on the records of both sides (the remote client's are made
// from the server's JSON).

const PASSWORD = 'r3nder-pw';
const STABLE_WITH_TIMES =
  'expected no timestamps with stable: stable output has no times (it is for snapshots)';

/** What `render()` threw, or undefined. */
function refusal(record: SessionRecord, options: unknown): unknown {
  try {
    record.render(options as RenderOptions);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe.each(sides)('%s', (_, start) => {
  let side: Side;
  let record: SessionRecord;
  beforeAll(async () => {
    side = await start({ users: { alice: PASSWORD } });
    const client = await RawClient.connect(side.server.port);
    await client.command('USER alice');
    expect(await client.command(`PASS ${PASSWORD}`)).toMatch(/^\+OK/);
    await client.command('QUIT');
    await client.closed();
    record = await side.api.sessionEnd(undefined, { timeoutMs: 5000 });
  });
  afterAll(() => side.close());

  // As transcript() names one (and every door): at the object that holds it, here the options themselves.
  test('a misspelt key is an InputError naming it and the key meant', () => {
    const error = refusal(record, { secret: true });
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({
      path: '',
      message: 'render(): unknown key "secret"; did you mean "secrets"?',
    });
  });

  test('a value not true or false is an InputError naming the key and the value', () => {
    expect(refusal(record, { stable: 'yes' })).toMatchObject({
      name: 'InputError',
      path: 'stable',
      message: 'render(): stable: expected true or false, got "yes"',
    });
    expect(refusal(record, 'stable')).toMatchObject({
      name: 'InputError',
      message: 'render(): expected an object, got "stable"',
    });
  });

  test('stable with timestamps is refused, as transcript() refuses it', () => {
    expect(refusal(record, { stable: true, timestamps: true })).toMatchObject({
      name: 'InputError',
      path: 'timestamps',
      message: `render(): timestamps: ${STABLE_WITH_TIMES}`,
    });
  });

  test('the records listSessions() gives are checked too', async () => {
    const [listed] = await side.api.listSessions({ user: 'alice' });
    expect(refusal(listed!, { secret: true })).toMatchObject({
      name: 'InputError',
      message: 'render(): unknown key "secret"; did you mean "secrets"?',
    });
    expect(refusal(listed!, { stable: 'yes' })).toMatchObject({ name: 'InputError', path: 'stable' });
  });

  test('good options print as asked; toString() and render() mask', () => {
    expect(record.render({ secrets: true })).toContain(`C: PASS ${PASSWORD}`);
    expect(record.render()).toContain('C: PASS ******');
    expect(record.render(undefined)).toBe(record.render());
    expect(String(record)).toBe(record.render());
    expect(record.render({ stable: true, header: false, notes: false })).toMatch(/^S: \+OK /);
    expect(record.render({ timestamps: true, header: false })).toMatch(/^\[\+\d+ms\] S: /);
  });
});
