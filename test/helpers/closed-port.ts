import { type AddressInfo, createServer } from 'node:net';

/** A loopback port nothing listens on now (one a server held and let go): to see that nothing listens there after a refused start. */
export async function closedPort(): Promise<number> {
  const held = createServer();
  await new Promise<void>((done) => held.listen(0, '127.0.0.1', done));
  const { port } = held.address() as AddressInfo;
  await new Promise<void>((done) => held.close(() => done()));
  return port;
}
