// The recorder's isolated replay, shared by (f) overhead.mjs and recorder-ab.mjs.
import { captureReplies } from './fixtures.mjs';
import { SCRIPT } from './session-load.mjs';

/**
 * A function making `event` again for a session id, with fresh copies of the
 * strings a session makes per command and reply (decoded from bytes), so the
 * recorder keeps what it keeps of a real session, not strings the benchmark
 * holds anyway.
 */
export function freshEvent(event) {
  const decode = (text) => {
    const bytes = Buffer.from(text, 'utf8');
    return () => bytes.toString('utf8');
  };
  if (event.type === 'command') {
    const raw = decode(event.raw);
    const args = event.args.map(decode);
    return (sessionId) => ({
      ...event,
      sessionId,
      raw: raw(),
      args: args.length ? args.map((a) => a()) : [],
    });
  }
  if (event.type === 'reply') {
    const line = decode(event.line);
    return (sessionId) => ({ ...event, sessionId, line: line() });
  }
  return (sessionId) => ({ ...event, sessionId });
}

/** The events of one real session of the (b) script on `mock`, which is then reset. */
export async function sessionEvents(mock) {
  const events = [];
  const stop = mock.on('*', (e) => events.push(e));
  await captureReplies(mock.port, SCRIPT);
  await mock.sessionEnd();
  stop();
  await mock.reset();
  return events;
}
