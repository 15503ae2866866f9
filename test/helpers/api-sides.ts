import {
  connectPop3Mock,
  type Pop3Mock,
  type Pop3MockApi,
  type Pop3MockOptions,
  startPop3Mock,
  type Where,
} from '../../src';

/** One implementation of the test API, with the server behind it (in this process either way). */
export interface Side {
  api: Pop3MockApi<Where>;
  server: Pop3Mock;
  close(): Promise<void>;
}

/**
 * The two implementations of one interface: the in-process server, and the
 * remote client of a server in this process over its control API. A suite
 * runs each scenario on both (`describe.each(sides)`) and compares.
 */
export const sides: [string, (options?: Pop3MockOptions) => Promise<Side>][] = [
  [
    'in process',
    async (options = {}) => {
      const server = await startPop3Mock({ control: true, ...options });
      return { api: server, server, close: () => server.close() };
    },
  ],
  [
    'remote',
    async (options = {}) => {
      const server = await startPop3Mock({ control: true, ...options });
      const api = await connectPop3Mock({ url: server.controlUrl, token: server.controlToken });
      return {
        api,
        server,
        close: async () => {
          await api.close();
          await server.close();
        },
      };
    },
  ],
];

/**
 * Starts a side with `options` before each test of the enclosing block and
 * closes it after; the function returns the side of the test running.
 */
export function sideForEachTest(
  start: (options?: Pop3MockOptions) => Promise<Side>,
  options: Pop3MockOptions,
): () => Side {
  let side: Side | undefined;
  beforeEach(async () => {
    side = await start(options);
  });
  afterEach(() => side?.close());
  return () => side!;
}
