import { RawClient } from '../../helpers/raw-client';
import { PASSWORD, USER, withMock } from '../../helpers/with-mock';

// Live Dovecot 2.3 checks an APOP digest's length before its characters (review finding 10).
test('dovecot: an APOP digest of a wrong length is "Invalid parameters.", 32 non-hex characters "Invalid characters"', async () => {
  await withMock({ dialect: 'dovecot', apop: true, users: { [USER]: PASSWORD } }, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    for (const digest of ['abc', 'a'.repeat(31), 'a'.repeat(33), 'z'.repeat(31)])
      expect(await client.command(`APOP ${USER} ${digest}`)).toBe('-ERR Invalid parameters.');
    expect(await client.command(`APOP ${USER} ${'z'.repeat(32)}`)).toBe(
      '-ERR Invalid characters in MD5 response.',
    );
    client.destroy();
  });
});

test('rfc: one text for a digest that is not 32 hex digits, whatever its length', async () => {
  await withMock({ dialect: 'rfc', apop: true, users: { [USER]: PASSWORD } }, async (pop3) => {
    const client = await RawClient.connect(pop3.port);
    expect(await client.command(`APOP ${USER} abc`)).toBe('-ERR invalid authentication data');
    expect(await client.command(`APOP ${USER} ${'z'.repeat(32)}`)).toBe('-ERR invalid authentication data');
    client.destroy();
  });
});
