// Fuzz the doors: random option objects into startPopMock(), random rules
// into use(), random JSON bodies into every POST and PUT of the control API.
// Generators mix anything with objects built from the schemas' real field
// names (read from the schemas, so new fields are fuzzed too), so the runs
// reach deep paths: wrong values under right keys, misspelt and unknown keys,
// wrong kinds, nested junk. Invariants:
// - startPop3Mock resolves (and is closed) or rejects with an InputError or
//   a FixtureError, nothing else;
// - use() resolves or rejects with an InputError, and a refusal leaves
//   rules() as it was;
// - the control API never answers 5xx; a 4xx body has a string `error`; a
//   refused POST /api/faults leaves GET /api/faults as it was;
// - after each property a normal session (USER/PASS/STAT/QUIT) still works
//   on the same server, and nothing escapes into the host process.
import fc from 'fast-check';
import type { z } from 'zod';
import {
  type FaultRuleInput,
  FixtureError,
  InputError,
  type Pop3Mock,
  type Pop3MockOptions,
  startPop3Mock,
} from '../../src';
import { endpoints } from '../../src/control/contract/endpoints';
import { faultAction, faultRuleFields, faultTrigger } from '../../src/schema/fault-rule';
import { pop3MockOptions } from '../../src/schema/options';
import { RawClient } from '../helpers/raw-client';
import { check, fuzzParams, jestTimeout, watchHost } from './harness';

const USER = 'alice';
const PASSWORD = 'secret';
const watch = watchHost();
let pop3: Pop3Mock;

beforeAll(async () => {
  pop3 = await startPop3Mock({
    users: { [USER]: { password: PASSWORD, messages: ['Subject: x\r\n\r\nbody\r\n'] } },
    control: true,
  });
});
afterAll(async () => {
  await pop3?.close();
  watch.stop();
});

/** USER/PASS/STAT/QUIT on the shared server, as after every property. */
async function normalSession(): Promise<void> {
  await pop3.reset();
  const client = await RawClient.login(pop3.port, USER, PASSWORD);
  expect(await client.command('STAT')).toMatch(/^\+OK \d+ \d+$/);
  expect(await client.command('QUIT')).toMatch(/^\+OK/);
  await client.closed();
  await watch.assertClean();
}

// ---------------------------------------------------------------------------
// Field names, read from the schemas

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  /** A lazy schema's maker (the schemas are made on first use). */
  getter?: () => z.ZodType;
};
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object schema (behind optional, readonly, lazy, pipes, unions, records and arrays) knows. */
function keysOf(schema: z.ZodType): string[] {
  const def = defOf(schema);
  if (def.shape) return Object.keys(def.shape);
  const inner = def.innerType ?? def.valueType ?? def.in ?? def.element ?? def.getter?.();
  if (inner) return keysOf(inner);
  return [...new Set((def.options ?? []).flatMap(keysOf))];
}
const shapeOf = (schema: z.ZodType) => defOf(schema).shape ?? {};

const OPTION_KEYS = Object.keys(pop3MockOptions.shape);
const OPTIONS = pop3MockOptions.shape;
const RULE_KEYS = Object.keys(faultRuleFields.unwrap().shape);
const TRIGGER_KEYS = keysOf(faultTrigger);
const ACTION_KEYS = keysOf(faultAction);
const ACTION_TYPES = faultAction
  .unwrap()
  .options.map((o) => (shapeOf(o).type as unknown as { value: string }).value);
const TYPOS = [
  'bogus',
  'ms',
  'forUser',
  'atleast',
  'message',
  'pasword',
  'tlsport',
  'user',
  '__proto__',
  'constructor',
];

/** Values that come close to right: numbers around the bounds, verbs, words, small lists and objects. */
const scalar = fc.oneof(
  fc.integer({ min: -5, max: 70_000 }),
  fc.constantFrom(0, 1, -1, 0.5, 30, 65_536, 3_600_001, Number.MAX_SAFE_INTEGER, Number.NaN),
  fc.constantFrom(
    '',
    '0',
    '2110',
    '21a',
    'RETR',
    'retr',
    '*',
    'RETR 1',
    'close',
    'reply',
    'session',
    'x y',
    '-ERR no',
    '+OK',
  ),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
);
const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
);

/** An object with some of `keys` (and sometimes a typo), each value from `value(key)`. */
function keyed(keys: readonly string[], value: (key: string) => fc.Arbitrary<unknown>) {
  const names = fc.constantFrom(...keys, ...keys, ...TYPOS);
  return fc
    .uniqueArray(names, { maxLength: 6 })
    .chain((chosen) => fc.tuple(...chosen.map((key) => value(key).map((v) => [key, v] as const))))
    .map((entries) => {
      const object: Record<string, unknown> = {};
      for (const [key, v] of entries)
        Object.defineProperty(object, key, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return object;
    });
}

const trigger = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        point: fc.constantFrom('command', 'connect'),
        verbs: fc.array(fc.constantFrom('RETR', 'retr', '*', 'STAT', 'UIDL', '', 'RE TR'), { maxLength: 3 }),
      },
      { requiredKeys: ['point'] },
    ),
  },
  { weight: 2, arbitrary: keyed(TRIGGER_KEYS, () => junk) },
  { weight: 1, arbitrary: junk },
);
const action = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...ACTION_TYPES, 'explode'),
        keyed(ACTION_KEYS, (k) =>
          k === 'lines' ? fc.array(fc.constantFrom('-ERR x', '+OK y', 'a\r\nb'), { maxLength: 2 }) : junk,
        ),
      )
      .map(([type, rest]) => ({ ...rest, type })),
  },
  { weight: 1, arbitrary: junk },
);
const rule: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: keyed(RULE_KEYS, (k) => (k === 'trigger' ? trigger : k === 'action' ? action : junk)),
  },
  { weight: 1, arbitrary: fc.object({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);
const rules = fc.oneof(
  { weight: 4, arbitrary: fc.array(rule, { maxLength: 3 }) },
  { weight: 1, arbitrary: junk },
);

const user = fc.oneof(
  fc.string({ maxLength: 6 }),
  keyed(keysOf(OPTIONS.users), (k) =>
    k === 'messages' ? fc.oneof(junk, fc.constant(['Subject: y\r\n\r\nz\r\n'])) : junk,
  ),
);
const optionValue = (key: string): fc.Arbitrary<unknown> => {
  if (key === 'faults') return rules;
  if (key === 'users')
    return fc.oneof(fc.dictionary(fc.constantFrom('alice', 'bob', 'a b', ''), user, { maxKeys: 2 }), junk);
  if (key === 'capabilities' || key === 'control' || key === 'smtp' || key === 'tls')
    return fc.oneof(
      keyed(keysOf(OPTIONS[key]), () => junk),
      junk,
    );
  return junk;
};
const options = fc.oneof(
  { weight: 8, arbitrary: keyed(OPTION_KEYS, optionValue) },
  { weight: 1, arbitrary: fc.object({ maxDepth: 2 }) },
  { weight: 1, arbitrary: junk },
);

/**
 * Options the schema accepts that reach the outside world are pinned to safe
 * ones: a valid port to 0 (a low one would be refused by the system, not the
 * door), a valid host to loopback, SMTP off. Invalid values stay as drawn.
 */
function tame(drawn: unknown): unknown {
  if (typeof drawn !== 'object' || drawn === null || Array.isArray(drawn)) return drawn;
  const o = { ...(drawn as Record<string, unknown>) };
  for (const key of ['port', 'tlsPort'] as const)
    if (key in o && OPTIONS[key].safeParse(o[key]).success) o[key] = 0;
  if ('host' in o && OPTIONS.host.safeParse(o.host).success) o.host = '127.0.0.1';
  if ('smtp' in o && OPTIONS.smtp.safeParse(o.smtp).success) o.smtp = false;
  if ('control' in o && OPTIONS.control.safeParse(o.control).success) o.control = true;
  return o;
}

// ---------------------------------------------------------------------------
// The properties

const OPTION_RUNS = 20;
test(
  'startPop3Mock: resolves, or rejects with an InputError or a FixtureError',
  async () => {
    await check(
      fc.asyncProperty(options, async (drawn) => {
        let started: Pop3Mock | undefined;
        try {
          started = await startPop3Mock(tame(drawn) as Pop3MockOptions);
        } catch (error) {
          if (!(error instanceof InputError || error instanceof FixtureError)) throw error;
        } finally {
          await started?.close();
        }
      }),
      fuzzParams(0x0d001, OPTION_RUNS),
    );
    await normalSession();
  },
  jestTimeout(OPTION_RUNS),
);

const RULE_RUNS = 50;
test(
  'use(): resolves, or rejects with an InputError and rules() unchanged',
  async () => {
    await check(
      fc.asyncProperty(fc.array(rule, { minLength: 1, maxLength: 3 }), async (drawn) => {
        const before = pop3.rules();
        try {
          await pop3.use(...(drawn as FaultRuleInput[]));
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          expect(pop3.rules()).toEqual(before);
        }
        await pop3.reset();
      }),
      fuzzParams(0x0d002, RULE_RUNS),
    );
    await normalSession();
  },
  jestTimeout(RULE_RUNS),
);

const WRITES = Object.values(endpoints).filter((e) => e.method === 'POST' || e.method === 'PUT');
const WRITE_IDS = WRITES.map((e) => e.operationId);
const endpointOf = (id: string) => WRITES.find((e) => e.operationId === id)!;
const WAITS = new Set(['waitNextSession', 'waitSessionEnd', 'waitCommand']);

/** A body for an endpoint: anything, or an object of its body's field names with junk. */
function bodyFor(endpoint: (typeof WRITES)[number]): fc.Arbitrary<unknown> {
  const schema = 'body' in endpoint ? endpoint.body : undefined;
  const keys = schema ? keysOf(schema) : [];
  const value = (k: string): fc.Arbitrary<unknown> => (k === 'rules' ? rules : k === 'rule' ? rule : junk);
  return fc.oneof(
    { weight: 4, arbitrary: keys.length > 0 ? keyed(keys, value) : fc.object({ maxDepth: 1 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

async function request(method: string, path: string, body: unknown) {
  const response = await fetch(`${pop3.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${pop3.controlToken}`, 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body) ?? '' }),
  });
  const text = await response.text();
  return { status: response.status, text };
}

const HTTP_RUNS = 50;
test(
  'the control API: never a 5xx, a 4xx says why, a refused POST /api/faults stores nothing',
  async () => {
    const call = fc
      .constantFrom(...WRITE_IDS)
      .chain((id) =>
        fc.tuple(fc.constant(id), fc.constantFrom('bob', USER, 'nobody', 'a%20b'), bodyFor(endpointOf(id))),
      );
    await check(
      fc.asyncProperty(call, async ([id, name, drawn]) => {
        const endpoint = endpointOf(id);
        let body = drawn;
        // A wait that is allowed to wait would spend the budget: cap its time limit.
        if (
          WAITS.has(endpoint.operationId) &&
          typeof body === 'object' &&
          body !== null &&
          !Array.isArray(body)
        )
          body = {
            ...body,
            timeoutMs:
              typeof (body as { timeoutMs?: unknown }).timeoutMs === 'number'
                ? 10
                : ((body as { timeoutMs?: unknown }).timeoutMs ?? 10),
          };
        // PUT never replaces the user the sessions log in as.
        const who = endpoint.operationId === 'putUser' && name === USER ? 'bob' : name;
        const path = endpoint.path.replace('{user}', who);
        const before = (await request('GET', '/api/faults', undefined)).text;
        const { status, text } = await request(endpoint.method, path, body);
        if (status >= 500)
          throw new Error(`${endpoint.method} ${path} ${JSON.stringify(body)}: ${status} ${text}`);
        if (status >= 400) {
          const answer = JSON.parse(text) as { error?: unknown };
          expect(typeof answer.error).toBe('string');
          if (endpoint.operationId === 'addRules')
            expect((await request('GET', '/api/faults', undefined)).text).toBe(before);
        }
        await pop3.reset();
      }),
      fuzzParams(0x0d003, HTTP_RUNS),
    );
    await normalSession();
  },
  jestTimeout(HTTP_RUNS),
);
