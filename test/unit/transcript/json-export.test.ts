import { inspect } from 'node:util';
import { exportSessions } from '../../../src/transcript/json-export';
import { aliceSession } from './synthetic';

const SECRET = 'hunter2 with spaces';

test('toJSON is plain data, redacted by default, and survives JSON.stringify (which passes a key)', () => {
  const { record } = aliceSession(3, Date.UTC(2026, 0, 2), 40_003);
  const json = record.toJSON();
  expect(json).toMatchObject({
    id: 3,
    user: 'alice',
    remoteAddress: '127.0.0.1',
    remotePort: 40_003,
    tls: 'none',
    state: 'UPDATE',
    startedAt: '2026-01-02T00:00:00.000Z',
    endReason: 'quit-update',
    commands: ['USER alice', 'PASS ******', 'RETR 1', 'DELE 1', 'QUIT'],
    retrieved: [{ number: 1, uid: 'uid-1' }],
    deleted: [{ number: 1, uid: 'uid-1' }],
  });
  expect(json.events).toHaveLength(record.events.length);
  expect(json.transcript).toEqual(record.render().split('\n'));
  const text = JSON.stringify(record);
  expect(JSON.parse(text)).toEqual(json);
  expect(text).not.toContain('hunter2');
});

test('{ secrets: true } keeps the password in commands, events and transcript', () => {
  const json = aliceSession().record.toJSON({ secrets: true });
  expect(json.commands[1]).toBe(`PASS ${SECRET}`);
  expect(JSON.stringify(json.events)).toContain(SECRET);
  expect(json.transcript).toContain(`C: PASS ${SECRET}`);
});

test('an export of every session names its format and version', () => {
  const out = exportSessions([aliceSession(1).record, aliceSession(2).record]);
  expect(out.format).toBe('pop3-mock-transcripts');
  expect(out.version).toBe(1);
  expect(out.sessions.map((s) => s.id)).toEqual([1, 2]);
  expect(JSON.stringify(out)).not.toContain('hunter2');
});

test('console.log / util.inspect of a record print the redacted form', () => {
  const printed = inspect(aliceSession().record, { depth: 5 });
  expect(printed).toMatch(/^SessionRecord \{/);
  expect(printed).toContain("'PASS ******'");
  expect(printed).not.toContain('hunter2');
});
