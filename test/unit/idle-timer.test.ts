// The autologout timers of sessions share one clock timer (src/session/idle-timer.ts).
// What the wire cannot show: a session whose autologout throws (a bug) must not
// keep the others from theirs, and the error is reported.
import { IdleTimer } from '../../src/session/idle-timer';
import { FakeClock } from '../helpers/fake-clock';

test('a session whose autologout throws does not keep the others from theirs; the error is reported', () => {
  const clock = new FakeClock();
  const ended: string[] = [];
  const watcher = (name: string, fails = false) => ({
    idleExpired() {
      ended.push(name);
      if (fails) throw new Error(`${name} failed`);
    },
  });
  const timers = [
    new IdleTimer(clock, 100, watcher('a')),
    new IdleTimer(clock, 100, watcher('b', true)),
    new IdleTimer(clock, 100, watcher('c')),
  ];
  for (const timer of timers) timer.touch();
  const reported = jest.spyOn(console, 'error').mockImplementation(() => {});
  try {
    clock.advance(100);
    expect(ended).toEqual(['a', 'b', 'c']);
    expect(reported).toHaveBeenCalledWith('[pop3-mock] an autologout threw:', new Error('b failed'));
  } finally {
    reported.mockRestore();
  }
  expect(clock.pending()).toBe(0);
});

test('periods that end in one advance end in the order they ended; a touch postpones its own', () => {
  const clock = new FakeClock();
  const ended: string[] = [];
  const timer = (name: string, period: number) =>
    new IdleTimer(clock, period, { idleExpired: () => ended.push(name) });
  const late = timer('late', 300);
  const early = timer('early', 100);
  const touched = timer('touched', 100);
  for (const t of [late, early, touched]) t.touch();
  clock.advance(50);
  touched.touch();
  clock.advance(60); // 110: early is over, touched runs to 150
  expect(ended).toEqual(['early']);
  clock.advance(500);
  expect(ended).toEqual(['early', 'touched', 'late']);
  expect(clock.pending()).toBe(0);
});
