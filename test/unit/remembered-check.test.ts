// The options check remembers the last input it passed (src/schema/remembered-check.ts):
// an equal input gets the same verdict without the check running again, and
// anything the check's verdict or output could see differently runs it again.
import { rememberingCheck } from '../../src/schema/remembered-check';

/** A remembering check around a check that counts its runs and copies plain data, as zod does. */
function counted(passThrough = false) {
  const runs: unknown[] = [];
  const check = rememberingCheck((value) => {
    runs.push(value);
    if (passThrough) return { kept: value };
    return structuredCopy(value);
  });
  return { check, runs };
}

function structuredCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(structuredCopy);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structuredCopy(v)]));
}

const fn = () => 0;

test('an input equal to a remembered one is answered without running the check, with a copy of its value', () => {
  const { check, runs } = counted();
  const bytes = Buffer.from('x');
  const make = () => ({
    users: { alice: { password: 'pw', messages: ['a.eml', bytes], hook: fn } },
    port: 0,
  });
  const first = check(make()) as ReturnType<typeof make>;
  const second = check(make()) as ReturnType<typeof make>;
  const third = check(make()) as ReturnType<typeof make>;
  expect(runs).toHaveLength(1);
  expect(second).toEqual(first);
  // Objects of its own for each caller, as a fresh check gives: a change to one reaches no other.
  expect(second).not.toBe(first);
  expect(second.users.alice.messages).not.toBe(third.users.alice.messages);
  second.users.alice.password = 'changed';
  expect(third.users.alice.password).toBe('pw');
  expect(check(make())).toEqual(first);
  // Functions and Buffers are the ones given.
  expect(second.users.alice.messages[1]).toBe(bytes);
  expect(second.users.alice.hook).toBe(fn);
});

test('an input whose checked value is not made of the input alone is checked every time', () => {
  const runs: unknown[] = [];
  const check = rememberingCheck(
    (value) => {
      runs.push(value);
      const { dialect } = value as { dialect: unknown };
      // As the options schema makes a dialect file's object a new Dialect.
      return { dialect: typeof dialect === 'object' ? { made: true } : dialect };
    },
    (checked) => typeof checked.dialect !== 'object',
  );
  check({ dialect: { format: 'x' } });
  check({ dialect: { format: 'x' } });
  check({ dialect: 'rfc' });
  check({ dialect: 'rfc' });
  expect(runs).toHaveLength(3);
});

test('what the check froze is frozen in every copy, and nothing else is', () => {
  const check = rememberingCheck(() => ({ verbs: Object.freeze(['RETR']), lines: ['-ERR no'] }));
  const first = check({ a: 1 });
  const second = check({ a: 1 });
  expect(second).not.toBe(first);
  expect(Object.isFrozen(second.verbs)).toBe(true);
  expect(Object.isFrozen(second.lines)).toBe(false);
  expect(Object.isFrozen(second)).toBe(false);
});

test('no getter of an input runs, on an object or a list, whether it is answered from memory or checked', () => {
  let reads = 0;
  const counting = () => {
    reads++;
    return 1;
  };
  const inputs = [
    { a: Object.defineProperty({}, 'b', { get: counting, enumerable: true }), list: [1] },
    { a: { b: 1 }, list: Object.defineProperty([0], 0, { get: counting, enumerable: true }) },
  ];
  for (const input of inputs) {
    const runs: unknown[] = [];
    // A check that reads nothing: a read counted is the remembering's.
    const check = rememberingCheck((value) => {
      runs.push(value);
      return { ok: true };
    });
    check({ a: { b: 1 }, list: [1] });
    check(input);
    check(input);
    expect(reads).toBe(0);
    expect(runs).toHaveLength(3);
  }
});

test('a list with a getter is never read through it, nor remembered with what a first read gave', () => {
  // A getter that gives 1 at its first read and 2 after it: the check must be the only reader.
  let reads = 0;
  const list = Object.defineProperty([0], 0, { get: () => (++reads === 1 ? 1 : 2), enumerable: true });
  const runs: unknown[] = [];
  const check = rememberingCheck((value) => {
    runs.push(value);
    return { first: (value as { list: number[] }).list[0] };
  });
  expect(check({ list })).toEqual({ first: 1 });
  expect(reads).toBe(1);
  // A plain list equal to what the getter gave first is checked, not answered with that result.
  expect(check({ list: [1] })).toEqual({ first: 1 });
  expect(check({ list: [2] })).toEqual({ first: 2 });
  expect(runs).toHaveLength(3);
});

test.each([
  ['a value changed', { a: { b: 2 }, z: 0, list: [1, 2] }],
  ['a key added', { a: { b: 1, c: undefined }, z: 0, list: [1, 2] }],
  ['a key missing', { a: {}, z: 0, list: [1, 2] }],
  ['the keys in another order', { z: 0, a: { b: 1 }, list: [1, 2] }],
  ['a list one item longer', { a: { b: 1 }, z: 0, list: [1, 2, 3] }],
  ['-0 for 0', { a: { b: 1 }, z: -0, list: [1, 2] }],
  ['a string for a number', { a: { b: '1' }, z: 0, list: [1, 2] }],
  ['a list for an object', { a: [1], z: 0, list: [1, 2] }],
  [
    'a non-enumerable key more',
    Object.defineProperty({ a: { b: 1 }, z: 0, list: [1, 2] }, 'port', { value: 7, enumerable: false }),
  ],
  ['an inherited key more', Object.assign(Object.create({ port: 7 }), { a: { b: 1 }, z: 0, list: [1, 2] })],
  ['a proxy of equal data', new Proxy({ a: { b: 1 }, z: 0, list: [1, 2] }, {})],
  ['a Symbol key more', { a: { b: 1, [Symbol('c')]: 1 }, z: 0, list: [1, 2] }],
])('the check runs again for %s', (_what, next) => {
  const { check, runs } = counted();
  const last = { a: { b: 1 }, z: 0, list: [1, 2] };
  check(last);
  check({ a: { b: 1 }, z: 0, list: [1, 2] });
  expect(runs).toHaveLength(1);
  check(next);
  expect(runs).toEqual([last, next]);
});

test('the check runs again after the last input was changed in place', () => {
  const { check, runs } = counted();
  const options = { users: { alice: { password: 'one' } } };
  check(options);
  options.users.alice.password = 'two';
  check(options);
  expect(runs).toHaveLength(2);
});

test('Buffers and functions count by identity, not content', () => {
  const { check, runs } = counted();
  check({ raw: Buffer.from('x'), hook: fn });
  check({ raw: Buffer.from('x'), hook: fn });
  check({ raw: Buffer.from('x'), hook: () => 0 });
  expect(runs).toHaveLength(3);
});

test('an input that is not plain data is never remembered', () => {
  class Options {
    port = 0;
  }
  const hidden = () => Object.defineProperty({ a: 1 }, 'port', { value: 7, enumerable: false });
  const inherited = () => Object.create({ port: 7 }) as object;
  const deep = () => {
    let value: object = { end: true };
    for (let i = 0; i < 20; i++) value = { next: value };
    return value;
  };
  const getter = () => ({
    get port(): number {
      throw new Error('a getter the schema never reads must not run');
    },
  });
  const proxy = () => new Proxy({ port: 0 }, {});
  // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
  const holed = () => ({ list: [1, , 3] });
  const symbol = () => ({ users: { alice: 'pw', [Symbol('bob')]: 'pw' } });
  const makers = [
    symbol,
    () => new Options(),
    hidden,
    inherited,
    () => ({ at: new Date(0) }),
    deep,
    getter,
    proxy,
    holed,
  ];
  for (const make of makers) {
    const runs: unknown[] = [];
    // A check that reads nothing: only the remembering may have run a getter.
    const check = rememberingCheck((value) => {
      runs.push(value);
      return { ok: true };
    });
    check(make());
    check(make());
    expect(runs).toHaveLength(2);
  }
});

test('an output that holds an object of the input is not remembered (the next input would get the old object)', () => {
  const { check, runs } = counted(true);
  const first = { clock: { now: fn } };
  check(first);
  const second = { clock: { now: fn } };
  expect(check(second)).toEqual({ kept: second });
  expect((check(second) as { kept: unknown }).kept).toBe(second);
  expect(runs).toHaveLength(3);
});

test('an input the check refuses is not remembered, and the last one that passed still is', () => {
  const runs: unknown[] = [];
  const check = rememberingCheck((value) => {
    runs.push(value);
    if ((value as { bad?: boolean }).bad) throw new Error('refused');
    return { ok: true };
  });
  check({ bad: false });
  expect(() => check({ bad: true })).toThrow('refused');
  expect(() => check({ bad: true })).toThrow('refused');
  check({ bad: false });
  expect(runs).toHaveLength(3);
});

test('the same object twice in an input is plain data too', () => {
  const { check, runs } = counted();
  const messages = ['a.eml'];
  check({ users: { alice: { messages }, bob: { messages } } });
  check({ users: { alice: { messages }, bob: { messages } } });
  expect(runs).toHaveLength(1);
});

test('eight inputs taking turns are all remembered; a ninth makes the least recently used one checked again', () => {
  const { check, runs } = counted();
  const input = (n: number) => ({ users: { alice: { password: `pw${n}` } } });
  for (let n = 0; n < 8; n++) check(input(n));
  for (let n = 7; n >= 0; n--) check(input(n));
  expect(runs).toHaveLength(8);
  check(input(8)); // input(7) is now the least recently used
  check(input(0));
  expect(runs).toHaveLength(9);
  check(input(7));
  expect(runs).toHaveLength(10);
});

test('an input holding over 1 MiB of Buffers is not remembered (it would keep them alive)', () => {
  const { check, runs } = counted();
  const big = Buffer.alloc(1024 * 1024 + 1);
  check({ messages: [big] });
  check({ messages: [big] });
  const halves = [Buffer.alloc(600 * 1024), Buffer.alloc(600 * 1024)];
  check({ messages: halves });
  check({ messages: halves });
  expect(runs).toHaveLength(4);
  const small = Buffer.alloc(1024);
  check({ messages: [small] });
  check({ messages: [small] });
  expect(runs).toHaveLength(5);
});

test('a proxy, even of a function, is never remembered: no trap of it runs later, revoked or not', () => {
  const traps: string[] = [];
  const { proxy: logger, revoke } = Proxy.revocable(() => {}, {
    getPrototypeOf(target) {
      traps.push('getPrototypeOf');
      return Reflect.getPrototypeOf(target);
    },
  });
  const { check, runs } = counted();
  check({ logger, port: 0 });
  check({ logger, port: 0 });
  expect(runs).toHaveLength(2);
  revoke();
  expect(check({ logger: fn, port: 0 })).toEqual({ logger: fn, port: 0 });
  check({ logger: fn, port: 0 });
  expect(runs).toHaveLength(3);
  expect(traps).toEqual([]);
});

test('an input the remembering cannot read (a revoked proxy in a prototype chain) is left to the check', () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  const input = { clock: Object.create(proxy) as object };
  revoke();
  const check = rememberingCheck(() => {
    throw new Error('the check reports it');
  });
  expect(() => check(input)).toThrow('the check reports it');
});
