import type { Server } from 'node:net';

/**
 * Listens on `port` (0: an ephemeral port, race-free). A preferred port goes
 * through get-port, which falls back to a free one when it is taken; since
 * another process can take the port between the check and listen(), an
 * EADDRINUSE then falls back to port 0.
 */
export async function listen(server: Server, host: string, port: number, fallback: boolean): Promise<number> {
  if (port === 0 || !fallback) return listenOnce(server, host, port);
  const { default: getPort } = await import('get-port');
  const candidate = await getPort({ port, host });
  try {
    return await listenOnce(server, host, candidate);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return listenOnce(server, host, 0);
  }
}

function listenOnce(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
