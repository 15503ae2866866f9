// The use() door: every rule the issue reported is refused with the path and
// the exact message, nothing of a batch is stored, and nothing reaches the
// host process. A lower-case verb is no mistake: it is accepted and fires.
import { type FaultRuleInput, InputError } from '../../../src';
import {
  BAD_RULES,
  expectLowerCaseRuleFires,
  expectNormalSession,
  GOOD_RULE,
  issuesAt,
  LOWER_CASE_RULE,
  messageOf,
  sharedMock,
} from './support';

const side = sharedMock();

const asRule = (rule: unknown) => rule as FaultRuleInput;

test('a lower-case verb is accepted, stored upper-case, and fires', async () => {
  await side.pop3.use(asRule(LOWER_CASE_RULE));
  expect(side.pop3.rules().map((s) => s.rule.trigger)).toEqual([{ point: 'command', verbs: ['RETR'] }]);
  await expectLowerCaseRuleFires(side.pop3.port);
  expect(side.pop3.rules()[0]!.hits).toBe(1);
});

test.each(BAD_RULES)('%s is refused with the path and the message', async (_, rule, relative) => {
  const issues = issuesAt('rules', 0, relative);
  const refused = side.pop3.use(asRule(rule));
  await expect(refused).rejects.toBeInstanceOf(InputError);
  await expect(refused).rejects.toMatchObject({
    message: messageOf('use()', issues),
    path: issues[0]!.path,
    issues,
  });
  expect(side.pop3.rules()).toEqual([]);
  await expectNormalSession(side.pop3.port);
});

test('the exact message of one refusal, written out', async () => {
  await expect(
    side.pop3.use(asRule({ ...GOOD_RULE, action: { type: 'close-after-bytes', bytes: -3 } })),
  ).rejects.toThrow(
    new InputError([{ path: 'rules[0].action.bytes', message: 'expected an integer >= 0, got -3' }], 'use()'),
  );
  await expect(side.pop3.use(asRule({ ...GOOD_RULE, forUser: 'bob' }))).rejects.toThrow(
    /^use\(\): rules\[0\]: unknown key "forUser"$/,
  );
});

test.each(BAD_RULES)('a batch with one bad rule (%s) stores none of it', async (_, rule, relative) => {
  await side.pop3.use(asRule({ ...GOOD_RULE, id: 'kept' }));
  const before = side.pop3.rules();
  const refused = side.pop3.use(asRule(GOOD_RULE), asRule(LOWER_CASE_RULE), asRule(rule));
  await expect(refused).rejects.toMatchObject({ name: 'InputError', issues: issuesAt('rules', 2, relative) });
  expect(side.pop3.rules()).toEqual(before);
});

test('two rules with one id are refused together', async () => {
  await expect(
    side.pop3.use(asRule({ ...GOOD_RULE, id: 'x' }), asRule({ ...GOOD_RULE, id: 'x' })),
  ).rejects.toMatchObject({
    issues: [{ path: 'rules[1].id', message: 'expected a unique id; [0] has "x" too' }],
  });
  expect(side.pop3.rules()).toEqual([]);
});
