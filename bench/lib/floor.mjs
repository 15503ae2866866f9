// The floor: a bare node:net server that answers with prebuilt reply bytes.
// No parsing beyond finding line ends, no state, no objects per command: the
// least a server in Node can do to speak the same bytes as the mock.
import { createServer } from 'node:net';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Starts a bare server. `greeting` is sent on connect; each received line is
 * answered with `replies.get(line)` (or `fallback`), and the socket is ended
 * after the reply to a line in `closeAfter` (QUIT).
 */
export function startFloor({ greeting, replies, fallback = Buffer.from('-ERR\r\n'), closeAfter = ['QUIT'] }) {
  const sockets = new Set();
  const closing = new Set(closeAfter);
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let partial = '';
    socket.on('data', (chunk) => {
      let start = 0;
      for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, start)) {
        const end = lf > start && chunk[lf - 1] === CR ? lf - 1 : lf;
        const line = partial + chunk.latin1Slice(start, end);
        partial = '';
        start = lf + 1;
        socket.write(replies.get(line) ?? fallback);
        if (closing.has(line)) {
          socket.end();
          return;
        }
      }
      if (start < chunk.length) partial += chunk.latin1Slice(start, chunk.length);
    });
    socket.write(greeting);
  });
  server.on('error', () => {});
  return new Promise((resolve) => {
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      resolve({
        port: server.address().port,
        server,
        sockets,
        /** Destroys every socket and resolves when the port is free. */
        close() {
          const done = new Promise((r) => server.close(() => r()));
          for (const s of sockets) s.destroy();
          return done;
        },
      });
    });
  });
}
