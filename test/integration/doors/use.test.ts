// The use() door: every rule the issue reported is refused with the path and
// the exact message, nothing of a batch is stored, and nothing reaches the
// host process. A lower-case verb is no mistake: it is accepted and fires.
import { type FaultRuleInput, InputError, type Pop3Mock, startPop3Mock } from '../../../src';
import { watchHost } from '../../helpers/host-errors';
import {
  BAD_RULES,
  expectLowerCaseRuleFires,
  expectNormalSession,
  GOOD_RULE,
  issuesAt,
  LOWER_CASE_RULE,
  MESSAGE,
  messageOf,
  PASSWORD,
  USER,
} from './support';

const host = watchHost();
let pop3: Pop3Mock;

beforeAll(async () => {
  pop3 = await startPop3Mock({ users: { [USER]: { password: PASSWORD, messages: [MESSAGE] } } });
});
afterAll(async () => {
  await pop3.close();
  host.stop();
});
afterEach(async () => {
  await pop3.reset();
  await host.assertClean();
});

const asRule = (rule: unknown) => rule as FaultRuleInput;

test('a lower-case verb is accepted, stored upper-case, and fires', async () => {
  await pop3.use(asRule(LOWER_CASE_RULE));
  expect(pop3.rules().map((s) => s.rule.trigger)).toEqual([{ point: 'command', verbs: ['RETR'] }]);
  await expectLowerCaseRuleFires(pop3.port);
  expect(pop3.rules()[0]!.hits).toBe(1);
});

test.each(BAD_RULES)('%s is refused with the path and the message', async (_, rule, relative) => {
  const issues = issuesAt('rules', 0, relative);
  const refused = pop3.use(asRule(rule));
  await expect(refused).rejects.toBeInstanceOf(InputError);
  await expect(refused).rejects.toMatchObject({
    message: messageOf('use()', issues),
    path: issues[0]!.path,
    issues,
  });
  expect(pop3.rules()).toEqual([]);
  await expectNormalSession(pop3.port);
});

test('the exact message of one refusal, written out', async () => {
  await expect(
    pop3.use(asRule({ ...GOOD_RULE, action: { type: 'close-after-bytes', bytes: -3 } })),
  ).rejects.toThrow(
    new InputError([{ path: 'rules[0].action.bytes', message: 'expected an integer >= 0, got -3' }], 'use()'),
  );
  await expect(pop3.use(asRule({ ...GOOD_RULE, forUser: 'bob' }))).rejects.toThrow(
    /^use\(\): rules\[0\]: unknown key "forUser"$/,
  );
});

test.each(BAD_RULES)('a batch with one bad rule (%s) stores none of it', async (_, rule, relative) => {
  await pop3.use(asRule({ ...GOOD_RULE, id: 'kept' }));
  const before = pop3.rules();
  const refused = pop3.use(asRule(GOOD_RULE), asRule(LOWER_CASE_RULE), asRule(rule));
  await expect(refused).rejects.toMatchObject({ name: 'InputError', issues: issuesAt('rules', 2, relative) });
  expect(pop3.rules()).toEqual(before);
});

test('two rules with one id are refused together', async () => {
  await expect(
    pop3.use(asRule({ ...GOOD_RULE, id: 'x' }), asRule({ ...GOOD_RULE, id: 'x' })),
  ).rejects.toMatchObject({
    issues: [{ path: 'rules[1].id', message: 'expected a unique id; [0] has "x" too' }],
  });
  expect(pop3.rules()).toEqual([]);
});
