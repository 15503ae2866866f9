import { type Pop3Mock, VerificationError } from '../../../src';
import { installPop3Matchers } from '../../../src/testing/jest';
import { sides } from '../../helpers/api-sides';
import { failureOf } from '../../helpers/matcher-failure';
import { RawClient } from '../../helpers/raw-client';

/*
 * 'DELE' matches only a DELE with no argument, while a fault rule's
 * on('DELE') fires for any DELE: a reader may take the pattern for any DELE.
 * Where the two readings judge differently, no judgement is given (both
 * forms fail, saying how to write either). Before,
 * expect(pop3).not.toHaveReceivedCommand('DELE') and verify('DELE', { times: 0 })
 * passed against a client that had sent DELE 1 and emptied the mailbox.
 */

installPop3Matchers();

const MESSAGE = 'Subject: one\r\n\r\nbody\r\n';
const HINT = `"DELE" matches only a DELE with no argument: write 'DELE *' for a DELE with one, /^DELE\\b/i for any DELE, or /^DELE$/i for none`;

async function aliceSession(pop3: Pop3Mock, commands: readonly string[]): Promise<void> {
  const client = await RawClient.login(pop3.port, 'alice', 'secret');
  for (const command of commands) await client.command(command);
  await client.command('QUIT');
  await client.closed();
}

describe.each(sides)('%s: verify() with a bare verb', (_name, start) => {
  test('verify("DELE", { times: 0 }) after a DELE 1 is no verdict, naming it and the patterns to write', async () => {
    const side = await start({ users: { alice: { password: 'secret', messages: [MESSAGE] } } });
    try {
      await aliceSession(side.server, ['DELE 1']);
      for (const times of [0, { atMost: 0 }, undefined]) {
        const refused = await (async () => side.api.verify('DELE', { times }))().catch(
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(VerificationError);
        const message = (refused as Error).message;
        expect(message.split('\n')[0]).toMatch(
          /^pop3-mock: cannot tell whether the command "DELE" was received .*: it was received 0 times, and 1 more with arguments, which would judge otherwise\. /,
        );
        expect(message).toContain(HINT);
        expect(message).toMatch(/session 1 #3 in TRANSACTION: DELE 1/);
      }
      // Written either way, it is judged.
      expect(await side.api.verify('DELE *', { times: 1 })).toBe(1);
      expect(await side.api.verify(/^DELE$/i, { times: 0 })).toBe(0);
      // A bare verb that no command of its verb contradicts is judged as before.
      expect(await side.api.verify('STAT', { times: 0 })).toBe(0);
      expect(await side.api.verify('QUIT')).toBe(1);
    } finally {
      await side.close();
    }
  });
});

describe.each(sides)('%s: the matchers with a bare verb', (_name, start) => {
  test('toHaveReceivedCommand("DELE") after a DELE 1 fails in both forms; toHaveReceivedCommands too', async () => {
    const side = await start({ users: { alice: { password: 'secret', messages: [MESSAGE] } } });
    try {
      await aliceSession(side.server, ['LIST', 'DELE 1']);
      const sessions = await side.api.listSessions();
      for (const message of [
        failureOf(() => expect(sessions).not.toHaveReceivedCommand('DELE')),
        failureOf(() => expect(sessions).toHaveReceivedCommand('DELE')),
        failureOf(() => expect(sessions).toHaveReceivedCommand('DELE', { times: 0 })),
      ]) {
        expect(message).toContain('cannot tell whether the command "DELE"');
        expect(message).toContain(HINT);
      }
      for (const message of [
        failureOf(() => expect(sessions).toHaveReceivedCommands(['LIST', 'DELE', 'QUIT'])),
        failureOf(() => expect(sessions).not.toHaveReceivedCommands(['LIST', 'DELE', 'QUIT'])),
      ]) {
        expect(message).toContain('cannot tell whether the commands "LIST", "DELE", "QUIT" were received');
        expect(message).toContain(HINT);
      }
      // The bare LIST is judged: no LIST with arguments came.
      expect(sessions).toHaveReceivedCommands(['LIST', 'DELE *', 'QUIT']);
      expect(sessions).not.toHaveReceivedCommand('DELE', { sessionId: 2 });
      // Judged where both readings agree: no NOOP came after any DELE, so not in this order either way.
      expect(sessions).not.toHaveReceivedCommands(['DELE', 'NOOP']);
      const notInOrder = failureOf(() => expect(sessions).toHaveReceivedCommands(['DELE', 'NOOP']));
      expect(notInOrder).toContain('expected the commands "DELE", "NOOP" to be received in this order');
      expect(notInOrder).not.toContain('cannot tell');
    } finally {
      await side.close();
    }
  });

  test('toHaveReceivedCommands(["DELE", "NOOP"]) after DELE 1, NOOP, DELE fails in both forms: a DELE before the NOOP has an argument', async () => {
    const side = await start({ users: { alice: { password: 'secret', messages: [MESSAGE] } } });
    try {
      await aliceSession(side.server, ['DELE 1', 'NOOP', 'DELE']);
      const sessions = await side.api.listSessions();
      for (const message of [
        failureOf(() => expect(sessions).toHaveReceivedCommands(['DELE', 'NOOP'])),
        failureOf(() => expect(sessions).not.toHaveReceivedCommands(['DELE', 'NOOP'])),
      ]) {
        expect(message).toContain('cannot tell whether the commands "DELE", "NOOP" were received');
        expect(message).toContain(HINT);
      }
    } finally {
      await side.close();
    }
  });
});
