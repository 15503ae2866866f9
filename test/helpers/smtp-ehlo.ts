import { RawClient } from './raw-client';

/** The lines of an SMTP server's EHLO reply, read over a raw socket, then QUIT. */
export async function ehloLines(port: number): Promise<string[]> {
  const client = await RawClient.connect(port);
  const lines = [await client.command('EHLO client.test')];
  while (/^\d{3}-/.test(lines.at(-1)!)) lines.push(await client.readLine());
  await client.command('QUIT');
  return lines;
}
