import { EventHub } from '../../../src/transcript/event-hub';
import { WaitCancelledError, WaitSet, WaitTimeoutError, waitForEvent } from '../../../src/transcript/waiting';
import { FakeClock } from '../../helpers/fake-clock';
import { aliceSession } from './synthetic';

test('a wait resolves with the first matching event and cancels its timer', async () => {
  const hub = new EventHub();
  const clock = new FakeClock(0);
  const events = aliceSession(2).record.events;
  const wait = waitForEvent(hub, clock, 'QUIT', (e) => e.type === 'command' && e.verb === 'QUIT', 100);
  for (const e of events) hub.emit(e);
  const found = await wait;
  expect(found.type === 'command' && found.raw).toBe('QUIT');
  expect(clock.pending()).toBe(0);
});

test('a timeout says what was waited for and lists what was seen meanwhile, secrets masked', async () => {
  const hub = new EventHub();
  const clock = new FakeClock(0);
  const wait = waitForEvent(hub, clock, 'the command "RETR 9"', () => false, 250, {
    context: () => 'Session 2 is still open.',
  });
  const events = aliceSession(2).record.events;
  for (const e of events.slice(0, 6)) hub.emit(e);
  clock.advance(250);
  const error = (await wait.catch((e: unknown) => e)) as WaitTimeoutError;
  expect(error).toBeInstanceOf(WaitTimeoutError);
  expect(error.message).toBe(
    [
      'pop3-mock: timed out after 250 ms waiting for the command "RETR 9"; saw meanwhile:',
      '  #2 -- connected from 127.0.0.1:50002',
      '  #2 S: +OK pop3-mock ready',
      '  #2 C: USER alice',
      '  #2 S: +OK send PASS for alice',
      '  #2 C: PASS ******',
      '  #2 -- login ok: alice via USER',
      'Session 2 is still open.',
    ].join('\n'),
  );
  expect(error.seen).toHaveLength(6);
  expect(error.message).not.toContain('hunter2');
});

test('a timeout with nothing seen says so; the listener is removed afterwards', async () => {
  const hub = new EventHub();
  const clock = new FakeClock(0);
  let calls = 0;
  const wait = waitForEvent(
    hub,
    clock,
    'a new session',
    () => {
      calls++;
      return false;
    },
    10,
  );
  clock.advance(10);
  await expect(wait).rejects.toThrow(/waiting for a new session; saw meanwhile:\n {2}nothing$/);
  hub.emit(aliceSession().record.events[0]!);
  expect(calls).toBe(0);
});

test('cancelAll rejects pending waits with a WaitCancelledError naming the reason', async () => {
  const hub = new EventHub();
  const clock = new FakeClock(0);
  const waits = new WaitSet();
  const a = waitForEvent(hub, clock, 'the end of session 1', () => false, 1000, { waits });
  const b = waitForEvent(hub, clock, 'a new session', () => false, 1000, { waits });
  expect(waits.size).toBe(2);
  waits.cancelAll('the server was closed');
  await expect(a).rejects.toThrow(
    new WaitCancelledError(
      'pop3-mock: the server was closed while waiting for the end of session 1; saw meanwhile:\n  nothing',
    ),
  );
  await expect(b).rejects.toBeInstanceOf(WaitTimeoutError);
  expect(waits.size).toBe(0);
  expect(clock.pending()).toBe(0);
});
