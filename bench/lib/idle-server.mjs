// The server side of (d): a fresh process holding either the mock or the
// floor, so each measurement starts from a clean heap. Forked with
// --expose-gc; speaks { id, op } / { id, result } over IPC.
//   start   → { port }
//   measure → memory after a full GC, and how many sessions are open
import { serveRequests } from './child.mjs';
import { loadPackage, memoryAfterGc } from './common.mjs';
import { smallMessages } from './fixtures.mjs';
import { startFloor } from './floor.mjs';

export const USER = 'bench';
export const PASSWORD = 'secret';
const MESSAGES = smallMessages(10, 2048);

const role = process.argv[2];
const { startPop3Mock, rfcDialect } = await loadPackage();
let server;

const ops = {
  async start() {
    if (role === 'mock') {
      const pop3 = await startPop3Mock({
        lock: 'none',
        users: { [USER]: { password: PASSWORD, messages: MESSAGES } },
      });
      server = {
        port: pop3.port,
        open: () => pop3.sessions.filter((s) => !s.ended).length,
        close: () => pop3.close(),
      };
    } else {
      const t = rfcDialect.texts;
      const octets = MESSAGES.reduce((n, m) => n + Buffer.byteLength(m), 0);
      const floor = await startFloor({
        greeting: Buffer.from(`+OK ${t.greeting}\r\n`),
        replies: new Map([
          [`USER ${USER}`, Buffer.from(`+OK ${t.userAccepted(USER)}\r\n`)],
          [`PASS ${PASSWORD}`, Buffer.from(`+OK ${t.loggedIn(MESSAGES.length, octets)}\r\n`)],
        ]),
      });
      server = { port: floor.port, open: () => floor.sockets.size, close: () => floor.close() };
    }
    return { port: server.port };
  },
  async measure() {
    const memory = await memoryAfterGc();
    return { ...memory, open: server ? server.open() : 0 };
  },
};

serveRequests(ops, async () => {
  await server?.close();
});
