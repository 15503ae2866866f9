import { RawClient } from './raw-client';

/** One message as a POP3 session shows it: LIST's size, UIDL's uid and RETR's octets. */
export interface FetchedMessage {
  listSize: number;
  uid: string;
  /** RETR's data, dot-stuffing removed. */
  bytes: Buffer;
}

/** Logs in over POP3, reads LIST, UIDL and RETR of one message, and quits. */
export async function fetchOverPop3(
  port: number,
  user: string,
  password: string,
  number = 1,
): Promise<FetchedMessage> {
  const client = await RawClient.login(port, user, password);
  try {
    const list = await client.command(`LIST ${number}`);
    const uidl = await client.command(`UIDL ${number}`);
    const retr = await client.multi(`RETR ${number}`);
    const listSize = Number(/^\+OK \d+ (\d+)/.exec(list)?.[1] ?? Number.NaN);
    const uid = /^\+OK \d+ (\S+)/.exec(uidl)?.[1] ?? '';
    if (!retr.status.startsWith('+OK')) throw new Error(`RETR ${number}: ${retr.status}`);
    return { listSize, uid, bytes: retr.data };
  } finally {
    await client.command('QUIT');
  }
}
