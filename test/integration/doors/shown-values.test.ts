import { InputError, type Pop3Mock, type Pop3MockOptions, startPop3Mock } from '../../../src';

/*
 * What an error shows of a wrong value: never a secret, and what was given.
 * A password inside a value shown whole (`users: [{ password }]`: a list
 * where an object goes) was printed into the error, which goes to CI logs,
 * where a password at the path itself was masked; and an object of methods
 * showed as `{}`, as if empty, since JSON drops functions.
 */

const SECRET = 'sekret-pw-7f3a';

async function refusal(options: unknown): Promise<InputError> {
  const thrown = await startPop3Mock(options as Pop3MockOptions).then(
    async (server) => {
      await server.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(thrown).toBeInstanceOf(InputError);
  return thrown as InputError;
}

test('a password inside a value shown whole is masked in the error', async () => {
  const error = await refusal({ users: [{ password: SECRET }] });
  expect(error.message).toBe(
    'pop3-mock options: users: expected an object, got [{"password":"(a string, not shown)"}]',
  );
  expect(error.message).not.toContain(SECRET);
});

test('a token inside a value shown whole is masked in the error', async () => {
  const error = await refusal({ control: [{ token: SECRET }] });
  expect(error.message).not.toContain(SECRET);
  expect(error.message).toContain('"token":"(a string, not shown)"');
});

test('an object of methods shows its methods, not {}', async () => {
  const error = await refusal({ clock: { now: () => 1 } });
  expect(error.message).toBe(
    'pop3-mock options: clock: expected a Clock: { now(), setTimeout(callback, ms) }, got {"now":"(a function)"}',
  );
});

describe('over HTTP', () => {
  let pop3: Pop3Mock;
  beforeAll(async () => {
    pop3 = await startPop3Mock({ control: true });
  });
  afterAll(() => pop3.close());

  test("a 400's body masks a password inside a value shown whole", async () => {
    const answer = await fetch(`${pop3.controlUrl}/api/users/bob`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${pop3.controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ password: SECRET }]),
    });
    expect(answer.status).toBe(400);
    const text = await answer.text();
    expect(text).toContain('(a string, not shown)');
    expect(text).not.toContain(SECRET);
  });
});

test('a secret that is an object is named as one, not "a object"', async () => {
  const error = await refusal({ users: { alice: { password: { value: SECRET } } } });
  expect(error.message).toContain(
    'users.alice.password: expected a password (a non-empty string), got an object (not shown)',
  );
  expect(error.message).not.toContain(SECRET);
});
