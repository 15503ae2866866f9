// A server start checks its options, and the CLI its config file, with the
// schema cut to the keys given (src/schema/given-keys.ts). The cut must give the whole schema's
// verdict, output and messages for every input: the checks across keys
// included, unknown keys and inputs of the wrong kind left to the whole.
import { z } from 'zod';
import { checkInput } from '../../src/schema/check';
import { strictObjectOfGivenKeys } from '../../src/schema/given-keys';
import { configFile, configFileFor, pop3MockOptions, pop3MockOptionsFor } from '../../src/schema/options';

const DOOR = { source: 'pop3-mock options', noun: 'option' };

/** What checking `input` with `schema` gives: the output and its keys in order, or the error's message and first path. */
function outcome(
  schema: z.ZodType,
  input: unknown,
): { output: unknown; keys: string[] } | { error: string; path: unknown } {
  try {
    const output = checkInput(schema, input, DOOR);
    return { output, keys: Object.keys(output as object) };
  } catch (error) {
    return { error: (error as Error).message, path: (error as { path?: unknown }).path };
  }
}

/** Options as a class with getters: none of its keys is enumerable, all are `in` it. */
class GetterOptions {
  get port(): unknown {
    return 'not a port';
  }
  get tls(): unknown {
    return false;
  }
  get tlsPort(): unknown {
    return 995;
  }
}
const nonEnumerable = Object.defineProperty({ lock: 'none' }, 'port', { value: 70000, enumerable: false });
const proxied = new Proxy({ port: 1, lock: 'none' }, {});

const clock = { now: () => 0, setTimeout: () => ({ cancel() {} }) };
const INPUTS: [string, unknown][] = [
  ['nothing', {}],
  ['users with files', { users: { alice: { password: 'pw', messages: ['/a.eml', '/b.eml'] } } }],
  ['a Buffer message', { users: { bob: { password: 'pw', messages: Buffer.from('Subject: x\r\n\r\n') } } }],
  ['a port as digits', { port: '2110', host: '127.0.0.1' }],
  ['a port given as undefined', { port: undefined }],
  ['a clock and a logger', { clock, logger: () => {} }],
  ['tls false with a tlsPort (a check across keys)', { tls: false, tlsPort: 0 }],
  ['tls false with smtp.tlsPort', { tls: false, smtp: { tlsPort: 0 } }],
  ['tls with a key and no cert', { tls: { key: 'k' } }],
  ['a bad port', { port: 70000 }],
  ['a bad message among good options', { lock: 'none', users: { alice: { password: 'pw', messages: [5] } } }],
  ['an unknown option', { prot: 1 }],
  ['an unknown option next to a known one', { port: 0, user: { alice: 'pw' } }],
  ['an inherited key', Object.create({ port: 0 })],
  ['__proto__ as a key', JSON.parse('{"__proto__": {"port": 1}}')],
  ['null', null],
  ['a list', [{ port: 0 }]],
  ['a string', 'port'],
  ['several problems, given in another order than the options list', { port: 70000, host: '' }],
  ['options given in another order than the options list', { lock: 'none', port: '2110', host: '::1' }],
  ['options as getters of a class (not enumerable)', new GetterOptions()],
  ['a non-enumerable option', nonEnumerable],
  ['a proxy', proxied],
  [
    'a non-enumerable unknown key on a plain object',
    Object.defineProperty({ port: 1 }, 'prot', { value: 2 }),
  ],
  ['an object without a prototype', Object.assign(Object.create(null), { port: 70000 })],
  ['a tlsPort alone (a key the checks across keys read)', { tlsPort: 0 }],
  ['tls false alone', { tls: false }],
  [
    'a proxy of a plain object whose traps give options it does not own',
    new Proxy(
      {},
      {
        has: (_target, key) => ['port', 'tls', 'tlsPort'].includes(String(key)),
        get: (_target, key) => ({ port: 70000, tls: false, tlsPort: 995 })[String(key)],
      },
    ),
  ],
];

test.each(INPUTS)('%s: the cut schema gives what the whole one gives', (_name, input) => {
  expect(outcome(pop3MockOptionsFor(input), input)).toEqual(outcome(pop3MockOptions, input));
});

const CONFIG_INPUTS: [string, unknown][] = [
  [
    'the example config',
    {
      demo: true,
      users: { alice: { password: 'a', messages: ['fixtures/alice'] }, bob: 'b' },
      controlPort: 0,
    },
  ],
  ['nothing', {}],
  ['a preset dialect and a port as digits', { dialect: 'dovecot', port: '2110' }],
  ['an unknown dialect name', { dialect: 'nosuch' }],
  ["a dialect file's object that is wrong", { dialect: { format: 'pop3-mock-dialect/1', texts: 5 } }],
  [
    'fault rules',
    { faults: [{ trigger: { point: 'command', verbs: ['RETR'] }, action: { type: 'close' } }] },
  ],
  ['a bad fault rule', { faults: [{ trigger: { point: 'nowhere' } }] }],
  ['capabilities, null leaving one out', { capabilities: { implementation: null, top: false } }],
  ['TLS versions in the wrong order', { tls: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' } }],
  ['the SMTP keys', { smtpPort: '2525', smtpAuth: 'required', smtpMaxSize: 0 }],
  ['a bad user among good keys', { lock: 'none', users: { alice: { password: '' } } }],
  ['an unknown key', { controlport: 0 }],
  ['null', null],
  ['a list', [{ port: 0 }]],
];

test.each(CONFIG_INPUTS)('config file, %s: the cut schema gives what the whole one gives', (_name, input) => {
  expect(outcome(configFileFor(input), input)).toEqual(outcome(configFile, input));
});

test('options on Object.prototype count as given, as the whole schema counts them', () => {
  const proto = Object.prototype as Record<string, unknown>;
  proto.tls = false;
  Object.defineProperty(Object.prototype, 'logger', { get: () => 5, configurable: true });
  try {
    for (const input of [{ port: 1 }, { tlsPort: 995 }, {}]) {
      expect(outcome(pop3MockOptionsFor(input), input)).toEqual(outcome(pop3MockOptions, input));
    }
    expect(outcome(pop3MockOptionsFor({ port: 1 }), { port: 1 })).toMatchObject({ path: 'logger' });
  } finally {
    delete proto.tls;
    delete proto.logger;
  }
});

test('the checks across keys run on a cut: tls false with a tlsPort is refused', () => {
  const input = { tls: false, tlsPort: 995 };
  expect(pop3MockOptionsFor(input)).not.toBe(pop3MockOptions);
  expect(outcome(pop3MockOptionsFor(input), input)).toEqual({
    error:
      'pop3-mock options: tlsPort: expected no tlsPort with tls: false (implicit TLS needs a certificate)',
    path: 'tlsPort',
  });
});

test('a key set is cut once, whatever its order, and inputs with an unknown key are checked whole', () => {
  expect(pop3MockOptionsFor({ port: 1, lock: 'none' })).toBe(
    pop3MockOptionsFor({ lock: 'exclusive', port: 2 }),
  );
  expect(pop3MockOptionsFor({ port: 1, prot: 2 })).toBe(pop3MockOptions);
});

test('options given as getters are checked: a bad port is refused, and so is tls false with a tlsPort', () => {
  expect(outcome(pop3MockOptionsFor(new GetterOptions()), new GetterOptions())).toEqual({
    error:
      'pop3-mock options: port: expected a port: an integer from 0 to 65535, or a string of its digits, got "not a port"',
    path: 'port',
  });
  class PairOptions {
    get tls(): unknown {
      return false;
    }
    get tlsPort(): unknown {
      return 995;
    }
  }
  expect(outcome(pop3MockOptionsFor(new PairOptions()), new PairOptions())).toMatchObject({
    path: 'tlsPort',
  });
});

test('every option is optional without a default, so leaving it out of a cut changes nothing', () => {
  // Reading optin makes the lazy schemas; fine in a test.
  const optional = Object.entries(pop3MockOptions.shape).filter(
    ([, schema]) => schema._zod.optin !== 'optional' || schema._zod.optout !== 'optional',
  );
  expect(optional.map(([key]) => key)).toEqual([]);
  expect(Object.keys(pop3MockOptions.shape).length).toBeGreaterThan(15);
});

test('every config file key is optional without a default, so leaving it out of a cut changes nothing', () => {
  const { shape } = configFile.unwrap();
  const optional = Object.entries(shape).filter(
    ([, schema]) => schema._zod.optin !== 'optional' || schema._zod.optout !== 'optional',
  );
  expect(optional.map(([key]) => key)).toEqual([]);
  expect(Object.keys(shape).length).toBeGreaterThan(20);
});

test('past its bound on key sets, inputs are checked by the whole schema, with the same verdict', () => {
  const shape = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, z.number().optional()]));
  const schema = strictObjectOfGivenKeys(
    shape,
    (value, ctx) => {
      if (value.k0 !== undefined && value.k1 !== undefined)
        ctx.addIssue({ code: 'custom', message: 'k0 and k1' });
    },
    ['k0', 'k1'],
  );
  // 2^8 key sets: more than the bound.
  for (let mask = 0; mask < 256; mask++) {
    const input = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => i)
        .filter((i) => mask & (1 << i))
        .map((i) => [`k${i}`, i]),
    );
    expect(outcome(schema.for(input), input)).toEqual(outcome(schema.whole, input));
  }
  const late = { k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7 };
  expect(schema.for(late)).toBe(schema.whole);
});

test('a shape with a required key, or a default, is refused when the schema is made', () => {
  expect(() => strictObjectOfGivenKeys({ port: z.number() }, () => {}, [])).toThrow(
    'strictObjectOfGivenKeys: key "port" is not optional without a default',
  );
  expect(() => strictObjectOfGivenKeys({ port: z.number().default(110).optional() }, () => {}, [])).toThrow(
    'strictObjectOfGivenKeys: key "port" is not optional without a default',
  );
});

test('a shape of more keys than a cut mask has bits is refused when the schema is made', () => {
  const shape = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, z.number().optional()]));
  expect(() => strictObjectOfGivenKeys(shape, () => {}, [])).toThrow(
    'strictObjectOfGivenKeys: at most 31 keys (a cut is named by a bit mask)',
  );
});

test('a cut without a key the checks across keys read leaves them out, and one with such a key runs them', () => {
  let runs = 0;
  const schema = strictObjectOfGivenKeys({ a: z.number().optional(), b: z.number().optional() }, () => {
    runs++;
  }, ['b']);
  schema.for({ a: 1 }).parse({ a: 1 });
  expect(runs).toBe(0);
  schema.for({ a: 1, b: 2 }).parse({ a: 1, b: 2 });
  schema.whole.parse({ a: 1 });
  expect(runs).toBe(2);
});
