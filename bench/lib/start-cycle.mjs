// One start → close cycle of the mock, as a test's beforeEach/afterEach runs
// it: shared by profile.mjs (lifecycle) and promotion.mjs.
import { connect } from 'node:net';
import { smallMessages } from './fixtures.mjs';

/**
 * A function running one cycle: `startPop3Mock` with a user holding 10 small
 * messages, then (with `client`) a client that waits for the greeting before
 * the mock is closed, then `close()`.
 */
export function startCycle(startPop3Mock, { client = true } = {}) {
  const messages = smallMessages(10, 2048);
  return async () => {
    const pop3 = await startPop3Mock({ users: { alice: { password: 'pw', messages } } });
    if (!client) return pop3.close();
    await new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: pop3.port });
      socket.on('error', () => {});
      socket.once('data', () => {
        socket.once('close', resolve);
        void pop3.close();
      });
    });
  };
}
