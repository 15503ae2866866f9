const assert = require('node:assert/strict');
const { after, afterEach, before, test } = require('node:test');
const Pop3Command = require('node-pop3');
const { on, usePop3Mock } = require('pop3-mock');

const body = 'Subject: hi\r\n\r\nhello from node:test\r\n';
const pop3 = usePop3Mock(
  { users: { alice: { password: 'secret', messages: [body] } } },
  { before, after, afterEach },
);

test('a real session against the CommonJS build, with a fault', async () => {
  await pop3.current.use(on('RETR').once().reply('-ERR [SYS/TEMP] try later'));
  const client = new Pop3Command({
    host: pop3.current.host,
    port: pop3.current.port,
    user: 'alice',
    password: 'secret',
  });
  await assert.rejects(client.RETR(1), { message: '[SYS/TEMP] try later' });
  assert.equal(await client.RETR(1), body.slice(0, -2));
  await client.QUIT();
  pop3.current.verify('RETR 1', { times: 2 });
  assert.equal((await pop3.current.sessionEnd()).endReason, 'quit-update');
});

test('faults and transcripts were reset after the last test', () => {
  assert.deepEqual(pop3.current.rules(), []);
  assert.deepEqual(pop3.current.sessions, []);
});

test("the jest hooks are their modules' default export and named exports, in CommonJS", () => {
  // The typings say `export default`: the CommonJS build must keep `exports.default`, not `module.exports =`.
  const setup = require('pop3-mock/jest/global-setup');
  const teardown = require('pop3-mock/jest/global-teardown');
  assert.equal(typeof setup.default, 'function');
  assert.equal(setup.pop3MockGlobalSetup, setup.default);
  assert.equal(typeof teardown.default, 'function');
  assert.equal(teardown.pop3MockGlobalTeardown, teardown.default);
});

test('every export and what a server hands out keeps its source name in the CommonJS build', async () => {
  const { misnamed, objectsOf } = require('../names-kept.cjs');
  const modules = {
    'pop3-mock': require('pop3-mock'),
    'pop3-mock/jest': require('pop3-mock/jest'),
    'pop3-mock/jest/global-setup': require('pop3-mock/jest/global-setup'),
    'pop3-mock/jest/global-teardown': require('pop3-mock/jest/global-teardown'),
  };
  assert.deepEqual(misnamed(modules, await objectsOf(modules['pop3-mock'])), []);
});
