// The recorder's isolated replay, shared by (f) overhead.mjs and recorder-ab.mjs.
// Both reach into private members of the built Pop3Mock (`publish`,
// `publishCommand`, `publishReply`, `recorder`): a benchmark-only hack.
import { captureReplies } from './fixtures.mjs';
import { SCRIPT } from './session-load.mjs';

/** The recorder's entry points a build has: `apply` (every build), `command` and `reply` (lazy events). */
const ENTRY_POINTS = ['apply', 'command', 'reply'];

/**
 * Turns `mock`'s recorder off and on again: `set(false)` makes each of its
 * entry points a no-op. Undefined when the build's recorder cannot be reached.
 */
export function recorderSwitch(mock) {
  const recorder = mock.recorder;
  if (typeof recorder?.apply !== 'function') return undefined;
  const attached = ENTRY_POINTS.filter((name) => typeof recorder[name] === 'function').map((name) => [
    name,
    recorder[name],
  ]);
  return {
    set(on) {
      for (const [name, method] of attached) recorder[name] = on ? method : () => {};
    },
  };
}

/**
 * A function replaying `events` (one session's) into `mock`'s event path for
 * a new session id, as its sessions deliver them: commands (as the session parsed them) and
 * replies (field by field) where the build has that path (no event object made unless a
 * listener hears them), every other event as an object through `publish` (or,
 * in builds before `publish`, the hub). Each replay makes new copies of the
 * strings a session makes per command and reply (decoded from bytes), so the
 * recorder keeps what it keeps of a real session, not strings the benchmark
 * holds anyway.
 */
export function sessionReplayer(mock, events) {
  const publish = typeof mock.publish === 'function' ? (e) => mock.publish(e) : (e) => mock.hub.emit(e);
  const lazy = typeof mock.publishCommand === 'function' && typeof mock.publishReply === 'function';
  const steps = events.map((event) => replayStep(mock, event, publish, lazy));
  return (sessionId) => {
    for (let i = 0; i < steps.length; i++) steps[i](sessionId);
  };
}

/** The last command line a replay parsed: see replayStep. */
export let parsedLine;

function replayStep(mock, event, publish, lazy) {
  const decode = (text) => {
    const bytes = Buffer.from(text, 'utf8');
    return () => bytes.toString('utf8');
  };
  if (event.type === 'command') {
    const { at, verb, state } = event;
    const raw = decode(event.raw);
    const args = event.args.map(decode);
    const fresh = () => (args.length ? args.map((a) => a()) : []);
    // As the session parses it (parseCommandLine), with new strings; `rest` and `keyword` are what the
    // session makes too, though the recorder does not keep them.
    if (lazy)
      return (sessionId) => {
        const line = raw();
        const space = line.indexOf(' ');
        const keyword = space === -1 ? line : line.slice(0, space);
        const rest = space === -1 ? '' : line.slice(space + 1);
        const parsed = { raw: line, keyword, verb, args: fresh(), rest, malformedUtf8: false };
        mock.publishCommand(sessionId, at, parsed, state);
        // A session goes on to run the line it parsed, recorded or not: made here in both modes (with
        // the recorder detached, a line nothing else held could be optimised away, and flatter it).
        parsedLine = parsed;
      };
    return (sessionId) => publish({ ...event, sessionId, raw: raw(), args: fresh() });
  }
  if (event.type === 'reply') {
    const { at, status, bytes } = event;
    const line = decode(event.line);
    if (lazy) return (sessionId) => mock.publishReply(sessionId, at, status, line(), bytes);
    return (sessionId) => publish({ ...event, sessionId, line: line() });
  }
  return (sessionId) => publish({ ...event, sessionId });
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
