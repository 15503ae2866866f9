import { captureAt } from './capture-helpers';
import { startFakeServer } from './fake-server';

test("a server that answers TOP 1 lots with +OK and the headers (atoi's 0): the lines are read as TOP's, not as the next commands' replies", async () => {
  const fake = await startFakeServer({ topAtoi: true });
  try {
    const { file, transcript } = await captureAt(fake.port, { timeoutMs: 2000 });
    const replyTo = (sent: string) => transcript.find((e) => e.sent === sent)?.reply[0];
    expect(replyTo('TOP 1 lots')).toBe('+OK 48 octets');
    expect(replyTo('RETR 1')).toBe('+OK 48 octets');
    expect(replyTo('DELE 1')).toBe('+OK deleted');
    expect(file.texts?.retrieved).toBe('{size} octets');
    expect(file.texts?.deleted).toBe('deleted');
    expect(file.notLearned).toContain(
      'invalidLineCount: the server answered "+OK 48 octets" where -ERR was expected',
    );
  } finally {
    await fake.close();
  }
}, 60_000);
