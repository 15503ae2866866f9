// @ts-check
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import Pop3Command from 'node-pop3';
import { connectPop3Mock, createIsolatedUser, on, startPop3Mock } from 'pop3-mock';
import { globalSetup, globalTeardown, pop3Matchers } from 'pop3-mock/jest';
import jestGlobalSetup from 'pop3-mock/jest/global-setup';
import jestGlobalTeardown from 'pop3-mock/jest/global-teardown';

const pop3 = await startPop3Mock({
  users: { alice: { password: 'secret', messages: ['Subject: hi\r\n\r\n.dot\r\nhello from ESM\r\n'] } },
  control: true,
});
try {
  await pop3.use(on('RETR').once().reply('-ERR [SYS/TEMP] try later'));
  const client = new Pop3Command({ host: pop3.host, port: pop3.port, user: 'alice', password: 'secret' });
  await assert.rejects(client.RETR(1), { message: '[SYS/TEMP] try later' });
  // node-pop3 hands back the data still dot-stuffed, without the final CRLF.
  assert.equal(await client.RETR(1), 'Subject: hi\r\n\r\n..dot\r\nhello from ESM');
  await client.QUIT();
  assert.deepEqual(pop3.commands(), ['USER alice', 'PASS ******', 'RETR 1', 'RETR 1', 'QUIT']);

  // The control channel from the ESM build, with an isolated user.
  const remote = await connectPop3Mock({ url: pop3.controlUrl, token: pop3.controlToken });
  const text = 'Subject: mine\r\n\r\nx\r\n';
  const mine = await createIsolatedUser(remote, { messages: [text] });
  const other = new Pop3Command({
    host: remote.host,
    port: remote.port,
    user: mine.user,
    password: mine.password,
  });
  assert.equal(await other.STAT(), `1 ${Buffer.byteLength(text)}`);
  await other.QUIT();
  await mine.verify('STAT', { times: 1 });
} finally {
  await pop3.close();
}

assert.equal(typeof pop3Matchers.toHaveReceivedCommand, 'function');
assert.equal(typeof jestGlobalSetup, 'function');
assert.equal(typeof jestGlobalTeardown, 'function');
const shared = await globalSetup({ config: false, users: { bob: 'pw' } });
assert.equal(process.env.POP3_MOCK_PORT, String(shared.port));
await globalTeardown();
assert.equal(process.env.POP3_MOCK_PORT, undefined);
// Every export and what a server hands out keeps its source name in the ES module build (names-kept.cjs).
const { misnamed, objectsOf } = createRequire(import.meta.url)('../names-kept.cjs');
const modules = {
  'pop3-mock': await import('pop3-mock'),
  'pop3-mock/jest': await import('pop3-mock/jest'),
  'pop3-mock/jest/global-setup': await import('pop3-mock/jest/global-setup'),
  'pop3-mock/jest/global-teardown': await import('pop3-mock/jest/global-teardown'),
};
assert.deepEqual(misnamed(modules, await objectsOf(modules['pop3-mock'])), []);
console.log('esm consumer: ok');
