import { decides, noReply, type ProbeRun, T, verbOf } from './findings';
import type { Answer } from './line-client';
import { probeArgumentReader } from './probe-arguments';
import { noteLoginDelay } from './probe-before-login';
import { CaptureStopped, isOk, lineOf } from './probe-session';
import type { KnownValues } from './template-of';

/**
 * After login (docs/DIALECTS.md, "The probe script", steps 6, 7, 9 and 10). Every
 * DELE is undone by RSET, and the session that touched messages is dropped
 * without QUIT; QUIT is sent in a new session that changed nothing.
 */
export async function probeAfterLogin(run: ProbeRun): Promise<void> {
  const { sessions, f, learn } = run;
  const login = await sessions.fresh(T);
  const stat = await sessions.exchange(login, T, 'STAT');
  const match = /^\+OK (\d+) (\d+)/.exec(lineOf(stat) ?? '');
  if (!match)
    throw new CaptureStopped(`STAT did not answer "+OK count octets": ${lineOf(stat) ?? stat.kind}`);
  const count = Number(match[1]);
  const octets = Number(match[2]);
  const passLine = sessions.transcript.filter((e) => e.sent === 'PASS ********').at(-1)?.reply[0] ?? '';
  const counts: KnownValues = [
    ['count', count],
    ['octets', octets],
  ];
  learn('loggedIn', { kind: 'line', line: passLine }, counts, 'PASS');
  const list = await sessions.probe(T, 'LIST', true);
  learn('listHeader', list, counts);
  const sizes = list.kind === 'multi' ? list.body.map((l) => Number(l.split(' ')[1])) : [];
  const after = await sessions.probe(T, 'CAPA', true);
  if (after.kind === 'multi') {
    f.capa.afterLogin = [...after.body];
    noteLoginDelay(sessions, after.body);
  } else if (f.capa.beforeLogin !== undefined) {
    f.notLearned.push(
      `CAPA after login: the server answered ${lineOf(after) ?? `<${after.kind}>`}; the mock answers the list from before login`,
    );
  }
  learn('noop', await sessions.probe(T, 'NOOP'));
  const noopX = await sessions.probe(T, 'NOOP extra');
  if (decides(f, noopX, 'NOOP extra', 'ignoreExtraArguments')) {
    f.ignoreExtraArguments = isOk(noopX);
    if (!f.ignoreExtraArguments)
      learn('tooManyArguments', noopX, [...verbOf('NOOP'), ['extra', 'extra']], 'NOOP');
  }
  const uidl = await sessions.probe(T, 'UIDL', true);
  if (uidl.kind === 'multi') learn('uidlHeader', uidl);
  for (const verb of ['Xyzzy', 'Frobnicate'])
    learn('unknownCommand', await sessions.probe(T, verb), [...verbOf(verb), ['state', T]], undefined, T);
  learn('emptyCommand', await sessions.probe(T, ''), [['state', T]], undefined, T);
  for (const verb of ['User', 'Pass']) {
    const answer = await sessions.probe(T, `${verb} x`);
    learn('wrongState', answer, [...verbOf(verb), ['state', T]], verb.toUpperCase(), T);
  }
  // A number past the count, with leading zeros: {number} (its value) is told from {argument} (as typed).
  const past = count + 37;
  for (const typed of [String(past), `00${past}`, '0']) {
    const n = String(Number(typed));
    learn('noSuchMessage', await sessions.probe(T, `LIST ${typed}`), [
      ['number', n],
      ['argument', typed],
      ['count', count],
    ]);
  }
  // `TOP abc 1`: {argument} (abc) is told from {rest} (abc 1).
  for (const [line, typed, rest] of [
    ['RETR abc', 'abc', 'abc'],
    ['RETR -1', '-1', '-1'],
    ['TOP abc 1', 'abc', 'abc 1'],
  ] as const) {
    learn('invalidNumber', await sessions.probe(T, line), [
      ['argument', typed],
      ['rest', rest],
    ]);
  }
  f.argumentReader = await probeArgumentReader(run, count);
  const scan = f.argumentReader?.kind === 'scan';
  for (const verb of ['RETR', 'DELE', 'TOP']) {
    const answer = await sessions.probe(T, verb === 'TOP' ? 'TOP 1' : verb);
    learn('missingArgument', answer, verbOf(verb), verb);
    // Scanned, a missing number is an empty one, and a missing size what follows the number.
    if (!scan) continue;
    if (verb === 'TOP') learn('junkAfterNumber', answer, [['junk', '']]);
    else
      learn('invalidNumber', answer, [
        ['argument', ''],
        ['rest', ''],
      ]);
  }
  if (count === 0) {
    f.notLearned.push(
      'with an empty mailbox: RETR, TOP, DELE, RSET texts, extra arguments, LIST n after DELE',
    );
  } else {
    // Surplus arguments only where ignoring them changes nothing (never DELE).
    for (const verb of ['LIST', 'UIDL']) {
      const answer = await sessions.probe(T, `${verb} 1 junk`);
      if (scan) learn('junkAfterNumber', answer, [['junk', ' junk']]);
      else if (!isOk(answer)) learn('tooManyArguments', answer, [...verbOf(verb), ['extra', 'junk']], verb);
    }
    learn('invalidLineCount', await sessions.probe(T, 'TOP 1 lots'), [
      ['argument', 'lots'],
      ['rest', 'lots'],
    ]);
    const retr = await sessions.probe(T, 'RETR 1', true);
    // Without the size, the text is learned as fixed ("48 octets" for every message).
    if (sizes[0] !== undefined) learn('retrieved', retr, [['size', sizes[0]]]);
    else
      f.notLearned.push(
        'retrieved: LIST gave no size for message 1 to tell {size} from the text; not learned',
      );
    // Only a +OK with its lines is TOP's text: a file with a `top` text turns TOP on in the replay.
    const top = await sessions.probe(T, 'TOP 1 0', true);
    if (top.kind === 'multi') learn('top', top);
    const dele = await sessions.probe(T, 'DELE 1');
    if (!isOk(dele)) throw new CaptureStopped(`DELE 1 failed: ${lineOf(dele) ?? dele.kind}`);
    learn('deleted', dele, [['number', 1]]);
    // What follows means something only in the session that deleted: one that closed is not reopened for it.
    const deleting = sessions.current;
    const afterDele = async (line: string, what: string): Promise<Answer | undefined> => {
      if (sessions.current === deleting) return sessions.probe(T, line);
      f.notLearned.push(`${what}: the session that sent DELE 1 closed before ${line}`);
      return undefined;
    };
    const again = await afterDele('DELE 1', 'alreadyDeleted');
    if (again) learn('alreadyDeleted', again, [['number', 1]]);
    const listed = await afterDele('LIST 1', 'messageDeleted');
    if (listed) learn('messageDeleted', listed, [['number', 1]]);
    if (count >= 2) {
      const second = await afterDele('LIST 2', 'message numbers after DELE');
      const rfc = `+OK 2 ${sizes[1]}`;
      // Without message 2's size, or without a reply, nothing tells RFC numbering from renumbering.
      if (second && sizes[1] === undefined)
        f.notLearned.push(
          'message numbers after DELE: LIST gave no size for message 2 to compare LIST 2 with; not learned',
        );
      else if (second && lineOf(second) === undefined)
        f.notLearned.push(`message numbers after DELE: LIST 2 after DELE 1: ${noReply(second)}; not learned`);
      else if (second) {
        f.rfcNumberingAfterDele = lineOf(second) === rfc;
        // observed changes nothing in a replay: the reader must hear of it here.
        if (!f.rfcNumberingAfterDele)
          f.notLearned.push(
            `message numbers after DELE: LIST 2 after DELE 1 was answered ${lineOf(second)}, not ${rfc} (RFC 1939 keeps numbers); the replay numbers as RFC 1939 does (a renumberAfterDele() fault rule renumbers the LIST and UIDL listings, docs/FAULTS.md)`,
          );
      }
    }
    const rset = await afterDele('RSET', 'reset');
    if (rset)
      learn('reset', rset, [
        ['count', count],
        ['octets', octets],
        ['unmarked', 1],
      ]);
    const check = await sessions.probe(T, 'STAT');
    if (lineOf(check) === undefined)
      throw new CaptureStopped(
        `after RSET, STAT got ${noReply(check)}: the mailbox was not checked, stopping`,
      );
    if (lineOf(check) !== lineOf(stat)) {
      sessions.drop();
      throw new CaptureStopped(`after RSET, STAT says ${lineOf(check)} instead of ${lineOf(stat)}: stopping`);
    }
  }
  // No QUIT here: RETR may set flags at UPDATE; the dropped session commits nothing.
  sessions.drop();
  await sessions.session(T);
  learn('quitUpdate', await sessions.quit(T), [['left', count]]);
}
