import { b64, connectStls, hmacMd5hex, md5hex, RawClient, unb64, utf8Lines, withMock } from './helpers';

// What the transcript records of extension sessions: TLS mode, login
// attempts by mechanism, and every secret (PASS, APOP digest, SASL data)
// masked in everything printed.

const USER = 'carol';
const PASSWORD = 'Pa55-w0rd-XYZ';
const TOKEN = 'tok-3141592653';

test('transcripts record the TLS mode and every login attempt, and mask PASS, APOP and SASL secrets', async () => {
  const logged: string[] = [];
  await withMock(
    {
      users: { [USER]: { password: PASSWORD, oauthToken: TOKEN } },
      apop: true,
      tlsPort: 0,
      logger: (line) => logged.push(line),
    },
    async (pop3) => {
      const secrets: string[] = [PASSWORD, TOKEN];
      const remember = (s: string) => {
        secrets.push(s);
        return s;
      };
      // 1: cleartext USER/PASS (wrong, then right).
      const a = await RawClient.connect(pop3.port, utf8Lines);
      await a.command(`USER ${USER}`);
      await a.command('PASS wrong-one');
      await a.command(`USER ${USER}`);
      await a.command(`PASS ${PASSWORD}`);
      await a.command('QUIT');
      // 2: STLS, then APOP and AUTH PLAIN (the first fails as a wrong digest, the second logs in).
      const b = await connectStls(pop3);
      const stamp = b.greeting.match(/<[^>]*>/)![0];
      await b.command(`APOP ${USER} ${remember(md5hex(`${stamp}nope`))}`);
      await b.command(`AUTH PLAIN ${remember(b64(`\0${USER}\0${PASSWORD}`))}`);
      await b.command('QUIT');
      // 3: implicit TLS, AUTH LOGIN and CRAM-MD5 (cancelled) and OAUTHBEARER.
      const c = await RawClient.connectTls(pop3.tlsPort!, pop3.tls.ca, utf8Lines);
      const challenge = unb64((await c.command('AUTH CRAM-MD5')).slice(2));
      await c.command(remember(b64(`${USER} ${hmacMd5hex('bad', challenge)}`)));
      await c.command(`AUTH LOGIN ${remember(b64(USER))}`);
      await c.command(remember(b64(PASSWORD)));
      await c.command('QUIT');
      // 4: cleartext XOAUTH2.
      const d = await RawClient.connect(pop3.port, utf8Lines);
      await d.command(`AUTH XOAUTH2 ${remember(b64(`user=${USER}\x01auth=Bearer ${TOKEN}\x01\x01`))}`);
      await d.command('QUIT');
      for (const s of pop3.sessions) await pop3.sessionEnd(s);

      const [s1, s2, s3, s4] = pop3.sessions;
      expect(pop3.sessions.map((s) => s.tls)).toEqual(['none', 'stls', 'implicit', 'none']);
      const attempts = pop3.sessions.map((s) => s.authAttempts().map((x) => `${x.mechanism}:${x.result}`));
      expect(attempts).toEqual([
        ['USER:failed', 'USER:ok'],
        ['APOP:failed', 'PLAIN:ok'],
        ['CRAM-MD5:failed', 'LOGIN:ok'],
        ['XOAUTH2:ok'],
      ]);
      expect(pop3.sessions.map((s) => s.user)).toEqual([USER, USER, USER, USER]);
      expect(s1!.commands()).toEqual([`USER ${USER}`, 'PASS ******', `USER ${USER}`, 'PASS ******', 'QUIT']);
      expect(s2!.commands()).toEqual(['STLS', `APOP ${USER} ******`, 'AUTH PLAIN ******', 'QUIT']);
      expect(s3!.commands()).toEqual(['AUTH CRAM-MD5', 'AUTH LOGIN ******', 'QUIT']);
      expect(s4!.commands()).toEqual(['AUTH XOAUTH2 ******', 'QUIT']);

      const printed = [
        pop3.transcript(),
        JSON.stringify(pop3.exportTranscripts()),
        JSON.stringify(pop3.sessions),
        pop3.commands().join('\n'),
        logged.join('\n'),
        String(s3),
      ];
      for (const text of printed) {
        expect(text.length).toBeGreaterThan(0);
        for (const secret of [...secrets, 'wrong-one']) expect(text).not.toContain(secret);
      }
      const transcript = pop3.transcript();
      expect(transcript).toContain('-- TLS established (STLS)');
      expect(transcript).toContain('-- TLS established (implicit)');
      expect(transcript).toContain(`-- login ok: ${USER} via PLAIN`);
      expect(transcript).toContain(`-- login failed: ${USER} via APOP`);
      // SASL continuation lines are masked as a whole.
      expect(s3!.render()).toMatch(/C: \*{6}\n/);
      // With { secrets: true } they are all there.
      const open = pop3.transcript({ secrets: true });
      for (const secret of secrets.slice(2)) expect(open).toContain(secret);
      expect(open).toContain(`PASS ${PASSWORD}`);
    },
  );
});
