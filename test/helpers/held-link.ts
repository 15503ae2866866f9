import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay to a local port whose requests can be held back, as a slow
 * link would: while held, what clients send waits in the relay (their
 * sockets paused), and goes on when released.
 */
export interface HeldLink {
  readonly port: number;
  /** From now on, what clients send waits here. */
  hold(): void;
  /** What waited goes on, and what follows too. */
  release(): void;
  close(): Promise<void>;
}

export async function startHeldLink(targetPort: number): Promise<HeldLink> {
  const clients = new Set<Socket>();
  let held = false;
  const server = createServer((client) => {
    const target = connect(targetPort, '127.0.0.1');
    clients.add(client);
    client.pipe(target);
    target.pipe(client);
    // After pipe(), which starts the flow.
    if (held) client.pause();
    const end = () => {
      clients.delete(client);
      client.destroy();
      target.destroy();
    };
    client.on('error', end).on('close', end);
    target.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('held link: no port');
  return {
    port: address.port,
    hold() {
      held = true;
      for (const client of clients) client.pause();
    },
    release() {
      held = false;
      for (const client of clients) client.resume();
    },
    close() {
      for (const client of clients) client.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
