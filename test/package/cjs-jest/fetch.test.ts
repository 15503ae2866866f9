import type Pop3CommandType from 'node-pop3' with { 'resolution-mode': 'import' };
import {
  InputError,
  on,
  type Pop3Mock,
  type Pop3MockOptions,
  startPop3Mock,
  usePop3Mock,
  WaitTimeoutError,
} from 'pop3-mock';
import { pop3Matchers } from 'pop3-mock/jest';

// node-pop3 ships ESM types only: CommonJS takes the types with resolution-mode and requires its CJS build.
const Pop3Command = require('node-pop3') as typeof Pop3CommandType;

const options: Pop3MockOptions = {
  users: { alice: { password: 'secret', messages: ['Subject: hi\r\n\r\nhello from a CJS consumer\r\n'] } },
};

test('startPop3Mock from the CommonJS build: a real session, a fault, the matchers', async () => {
  const pop3: Pop3Mock = await startPop3Mock(options);
  try {
    await pop3.use(on('RETR').once().reply('-ERR [SYS/TEMP] try later'));
    const client = new Pop3Command({ host: pop3.host, port: pop3.port, user: 'alice', password: 'secret' });
    await expect(client.RETR(1)).rejects.toThrow('[SYS/TEMP] try later');
    expect(await client.RETR(1)).toBe('Subject: hi\r\n\r\nhello from a CJS consumer');
    await client.QUIT();
    expect(pop3).toHaveReceivedCommand('RETR 1', { times: 2 });
    expect(pop3).toHaveEndedWith('quit-update');
    expect(typeof pop3Matchers.toHaveReceivedCommand).toBe('function');
  } finally {
    await pop3.close();
  }
});

test('the CommonJS build keeps its class names: jest prints WaitTimeoutError, not _class3', async () => {
  const pop3 = await startPop3Mock(options);
  try {
    const timedOut = pop3.waitForCommand('NOOP', { timeoutMs: 10 });
    await expect(timedOut).rejects.toThrow(WaitTimeoutError);
    expect(WaitTimeoutError.name).toBe('WaitTimeoutError');
    expect(InputError.name).toBe('InputError');
  } finally {
    await pop3.close();
  }
});

describe('usePop3Mock with the global hooks', () => {
  const pop3 = usePop3Mock(options);

  test('deletes a message', async () => {
    const client = new Pop3Command({
      host: '127.0.0.1',
      port: pop3.current.port,
      user: 'alice',
      password: 'secret',
    });
    await client.DELE(1);
    await client.QUIT();
    expect(pop3.current.mailbox('alice').messages()).toHaveLength(0);
  });

  test('the next test has the message back', () => {
    expect(pop3.current.mailbox('alice').messages()).toHaveLength(1);
  });
});
