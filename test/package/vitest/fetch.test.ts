import Pop3Command from 'node-pop3';
import { on, usePop3Mock } from 'pop3-mock';

const body = 'Subject: hi\r\n\r\nhello from vitest\r\n';
const pop3 = usePop3Mock({ users: { alice: { password: 'secret', messages: [body] } } });
const client = () =>
  new Pop3Command({ host: pop3.current.host, port: pop3.current.port, user: 'alice', password: 'secret' });

test('a real session against the ESM build, with a fault', async () => {
  await pop3.current.use(on('LIST').once().reply('-ERR [SYS/TEMP] busy'));
  const pop = client();
  await expect(pop.LIST()).rejects.toThrow('[SYS/TEMP] busy');
  expect(await pop.RETR(1)).toBe(body.slice(0, -2));
  await pop.DELE(1);
  await pop.QUIT();
  expect(pop3.current).toHaveDeletedMessages([1]);
  expect(pop3.current).toHaveEndedWith('quit-update');
});

test('the next test starts from the seed again', async () => {
  const pop = client();
  expect(await pop.STAT()).toBe(`1 ${Buffer.byteLength(body)}`);
  await pop.QUIT();
  expect(pop3.current.rules()).toEqual([]);
});
