import { type CapabilitySettings, RESPONSE_CODES_ON } from '../capabilities/settings';
import type { DialectFile, FileText, TextState } from '../dialects/dialect-file';
import { type FileTextName, fillTemplate, placeholdersOf } from '../dialects/file-placeholders';
import { dialectOfCheckedFile, pick } from '../dialects/from-file';
import { type DialectName, dialects } from '../dialects/index';
import { escapeRegExp } from '../escape-regexp';
import { printableText, sentText } from '../protocol/reply-text';
import type { Findings, Sample } from './findings';
import { APOP_TIMESTAMP } from './probe-before-login';
import { templateOf } from './template-of';

/** How the file is written. */
export interface FileChoices {
  readonly name: string;
  /** The host name the server was reached at: replaced in every text unless kept. */
  readonly host: string;
  readonly keepHost: boolean;
  /** The user name logged in with: never kept outside a `{user}` placeholder. */
  readonly user: string;
}

const fits = (template: string, samples: readonly Sample[]) =>
  samples.every((s) => fillTemplate(template, s.values) === s.raw);

const placeholderCount = (template: string) => placeholdersOf(template).length;

/** A template every sample agrees with, preferring the one with the most placeholders. */
function commonTemplate(samples: readonly Sample[]): string | undefined {
  const candidates = [...new Set(samples.map((s) => s.template))].sort(
    (a, b) => placeholderCount(b) - placeholderCount(a),
  );
  return candidates.find((t) => fits(t, samples));
}

/** The samples of one text as a file text: one template, else one per state, else one per verb. */
export function combine(samples: readonly Sample[]): FileText {
  const one = commonTemplate(samples);
  if (one !== undefined) return one;
  const states = [...new Set(samples.map((s) => s.state))];
  if (states.every((st) => st !== undefined)) {
    const byState: Partial<Record<TextState, string>> = {};
    const solved = states.every((st) => {
      const t = commonTemplate(samples.filter((s) => s.state === st));
      if (t !== undefined) byState[st as TextState] = t;
      return t !== undefined;
    });
    if (solved) return { byState, otherwise: byState.TRANSACTION ?? Object.values(byState)[0] ?? '' };
  }
  // The template most verbs share is the rule (a verb probed twice counts once; on a tie
  // the one with placeholders: a fixed text is likelier one verb's own); the verbs it
  // misses get their own.
  const verbs = new Map<string, Set<string>>();
  for (const [i, s] of samples.entries())
    verbs.set(s.template, (verbs.get(s.template) ?? new Set()).add(s.verb ?? `#${i}`));
  const otherwise =
    [...verbs.entries()].sort(
      (a, b) => b[1].size - a[1].size || placeholderCount(b[0]) - placeholderCount(a[0]),
    )[0]?.[0] ?? '';
  const byVerb: Record<string, string> = {};
  for (const s of samples) {
    if (s.verb === undefined || fits(otherwise, [s])) continue;
    byVerb[s.verb] = commonTemplate(samples.filter((o) => o.verb === s.verb)) ?? s.template;
  }
  return Object.keys(byVerb).length === 0 ? otherwise : { byVerb, otherwise };
}

/** A reply text as read (one octet per character), each octet outside printable ASCII as `\xNN`. */
function shownOctets(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The samples of one text that a replay with `capabilities` does not answer as
 * the server did: their text is sent as the mock sends every reply text
 * ({@link sentText}: printable ASCII, and a leading response code only with
 * RESP-CODES, or `[AUTH]` with AUTH-RESP-CODE).
 */
function mismatchesOf(
  name: FileTextName,
  group: readonly Sample[],
  text: FileText,
  capabilities: Pick<CapabilitySettings, 'respCodes' | 'authRespCode'>,
): string[] {
  return group.flatMap((s) => {
    const given = sentText(fillTemplate(pick(text, s.verb, s.state), s.values), capabilities);
    if (given === s.raw) return [];
    const where = [s.verb, s.state === undefined ? undefined : `in ${s.state}`].filter(Boolean).join(' ');
    const values = Object.keys(s.values).length === 0 ? '' : ` with ${JSON.stringify(s.values)}`;
    return [
      `texts.${name}${where === '' ? '' : ` (${where})`}: the server answered "${shownOctets(s.raw)}"${values}; the file gives "${given}"`,
    ];
  });
}

/** How many of the captured texts a preset writes the same: the file extends the closest. */
function nearestPreset(
  texts: Partial<Record<FileTextName, FileText>>,
  samples: readonly Sample[],
): DialectName {
  const plain: FileTextName[] = [
    'passWithoutUser',
    'authFailed',
    'quitAuthorization',
    'noop',
    'top',
    'uidlHeader',
    'capaHeader',
  ];
  let best: DialectName = 'rfc';
  let bestScore = -1;
  for (const [name, dialect] of Object.entries(dialects) as [DialectName, (typeof dialects)[DialectName]][]) {
    const t = dialect.texts as unknown as Record<string, unknown>;
    let score = 0;
    for (const key of plain) if (t[key] === texts[key]) score++;
    for (const s of samples) {
      const v = s.values;
      const rendered =
        s.text === 'listHeader'
          ? dialect.texts.listHeader(Number(v.count), Number(v.octets))
          : s.text === 'deleted'
            ? dialect.texts.deleted(1)
            : s.text === 'retrieved'
              ? dialect.texts.retrieved(Number(v.size))
              : s.text === 'greeting'
                ? dialect.texts.greeting({ remoteAddress: '', sessionId: 1 })
                : s.text === 'unknownCommand' && s.state !== undefined
                  ? dialect.texts.unknownCommand(String(v.verb), s.state)
                  : undefined;
      if (rendered === s.raw) score++;
    }
    if (score > bestScore) [best, bestScore] = [name, score];
  }
  return best;
}

/**
 * The shape of an APOP timestamp: each part between `.`, `-` or `_` made
 * `{digits}`, `{hex}` or `{base64}` (anything else too), the host made
 * `{host}`. Nothing of the server's values is kept.
 */
function apopShape(timestamp: string): string {
  const inner = timestamp.slice(1, -1);
  const at = inner.lastIndexOf('@');
  const local = inner.slice(0, at).split(/([._-])/);
  const shaped = local.map((part, i) => {
    if (i % 2 === 1 || part === '') return part;
    if (/^\d+$/.test(part)) return '{digits}';
    if (/^[0-9a-f]+$/.test(part) || /^[0-9A-F]+$/.test(part)) return '{hex}';
    // Anything else is random to a client: never kept as it was.
    return '{base64}';
  });
  return `<${shaped.join('')}@{host}>`;
}

/**
 * Replaces `value` where it stands as a whole word (as {@link templateOf}
 * matches values) in a template's literal parts, never inside a `{placeholder}`
 * or a `{{`/`}}` escape: a user named `ed` leaves "Logged in." alone, one named
 * `count` leaves `{count}` alone. `replaced` hears of each replacement.
 */
export function replaceWord(template: string, value: string, by: string, replaced?: () => void): string {
  if (value === '') return template;
  const word = new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(value)}(?![A-Za-z0-9])`, 'g');
  return template
    .split(/(\{\{|\}\}|\{[A-Za-z]+\})/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(word, () => {
            replaced?.();
            return by;
          }),
    )
    .join('');
}

/** Turns what the script learned into a dialect file, without credentials, content or (unless kept) host. */
export function buildDialectFile(f: Findings, choices: FileChoices): DialectFile {
  const clean = (text: string) =>
    choices.keepHost ? text : replaceWord(text, choices.host, 'pop3.example.invalid');
  /** Texts where the user name was replaced: the replay shows `user` there. */
  const userReplaced = new Set<string>();
  const stamp = APOP_TIMESTAMP.exec(f.greeting.replace(/^\+OK ?/, ''));
  const greetingText = f.greeting.replace(/^\+OK ?/, '').replace(APOP_TIMESTAMP, '');
  const samples: Sample[] = [
    // The client's address, as the server shows it, is the mock's {remoteAddress}: never kept.
    {
      text: 'greeting',
      template: templateOf(greetingText, [['remoteAddress', f.localAddress]]),
      raw: greetingText,
      values: f.localAddress === '' ? {} : { remoteAddress: f.localAddress },
    },
    ...f.samples,
  ];
  const byText = new Map<FileTextName, Sample[]>();
  for (const s of samples) byText.set(s.text, [...(byText.get(s.text) ?? []), s]);
  const texts: Partial<Record<FileTextName, FileText>> = {};
  /** Each text's samples and the text they made, before the user and host are scrubbed. */
  const combined: [FileTextName, readonly Sample[], FileText][] = [];
  for (const [name, group] of [...byText.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const text = combine(group);
    combined.push([name, group, text]);
    // The file holds what the replay sends: `?` where the server sent octets the mock does not.
    const scrub = (t: string) =>
      printableText(
        clean(
          name === 'userAccepted'
            ? replaceWord(t, choices.user, '{user}')
            : replaceWord(t, choices.user, 'user', () => userReplaced.add(name)),
        ),
      );
    texts[name] =
      typeof text === 'string'
        ? scrub(text)
        : {
            ...(text.byVerb && {
              byVerb: Object.fromEntries(Object.entries(text.byVerb).map(([k, v]) => [k, scrub(v)])),
            }),
            ...(text.byState && {
              byState: Object.fromEntries(Object.entries(text.byState).map(([k, v]) => [k, scrub(v)])),
            }),
            otherwise: scrub(text.otherwise),
          };
  }
  const codes = [...new Set(f.samples.flatMap((s) => /^\[([A-Z0-9/-]+)\]/.exec(s.raw)?.[1] ?? []))].sort();
  const sasl = [...(f.capa.beforeLogin ?? [])].find((l) => l.toUpperCase().startsWith('SASL'));
  const extendsPreset = nearestPreset(texts, samples);
  // One setting in the mock: written only when the states agree.
  const closes = [...new Set(Object.values(f.closeOnLongLine))];
  const closeOnLongLine = closes.length === 1 ? closes[0] : undefined;
  // What the server said may hold the user name: never written, in a note either.
  const scrubUser = (line: string) => replaceWord(line, choices.user, 'user');
  /** CAPA lines the file has otherwise than the server listed them: notLearned names each. */
  const capaChanged = new Map<string, string>();
  // As a text: `?` for an octet outside printable ASCII (a file with it would be refused, and nothing written).
  const capaLine = (line: string) => {
    const kept = printableText(clean(line));
    if (kept !== clean(line)) capaChanged.set(shownOctets(clean(line)), kept);
    return kept;
  };
  const file: DialectFile = {
    format: 'pop3-mock-dialect/1',
    name: choices.name,
    extends: extendsPreset,
    texts: texts as DialectFile['texts'],
    capa: {
      ...(f.capa.beforeLogin && { beforeLogin: f.capa.beforeLogin.map(capaLine) }),
      ...(f.capa.afterLogin && { afterLogin: f.capa.afterLogin.map(capaLine) }),
      ...(f.capa.afterStls && { afterStls: f.capa.afterStls.map(capaLine) }),
    },
    behaviour: {
      maxLineLength: f.maxLineLength,
      ...(closeOnLongLine !== undefined && { closeOnLongLine }),
      maxBadCommands: f.maxBadCommands,
      ...(f.ignoreExtraArguments !== undefined && { ignoreExtraArguments: f.ignoreExtraArguments }),
      ...(f.authListsMechanisms !== undefined && { authListsMechanisms: f.authListsMechanisms }),
      ...(f.userTakesRestOfLine !== undefined && { userTakesRestOfLine: f.userTakesRestOfLine }),
      ...(f.argumentReader !== undefined && { argumentReader: f.argumentReader }),
      ...(f.barePassTriesEmptyPassword !== undefined && {
        barePassTriesEmptyPassword: f.barePassTriesEmptyPassword,
      }),
      ...(f.requireTls && { requireTls: true }),
      apopTimestamp: stamp?.[1] === undefined ? null : apopShape(stamp[1]),
    },
    observed: {
      saslMechanisms: sasl === undefined ? [] : sasl.split(' ').slice(1),
      ...(f.rfcNumberingAfterDele !== undefined && { rfcNumberingAfterDele: f.rfcNumberingAfterDele }),
      responseCodes: codes,
    },
  };
  // Replies the file's text does not give back as its replay sends it: notLearned says so.
  const replay = { ...RESPONSE_CODES_ON, ...dialectOfCheckedFile(file).capabilities };
  const mismatches = combined.flatMap(([name, group, text]) => mismatchesOf(name, group, text, replay));
  const notLearned = [
    ...f.notLearned.map(scrubUser),
    ...(closes.length > 1
      ? [
          `closeOnLongLine: the server ${f.closeOnLongLine.AUTHORIZATION ? 'closes' : 'stays open'} after an over-long line before login, ${f.closeOnLongLine.TRANSACTION ? 'closes' : 'stays open'} after; the mock has one setting for both: the ${extendsPreset} preset's`,
        ]
      : []),
    ...new Set(mismatches.map((line) => clean(scrubUser(line)))),
    ...[...capaChanged].map(
      ([listed, kept]) => `capa: the server listed "${scrubUser(listed)}"; the file has "${scrubUser(kept)}"`,
    ),
    ...[...userReplaced].map(
      (name) => `texts.${name}: the server showed the user name; the file has "user" in its place`,
    ),
    `QUIT after deletions: the capture never commits one; the text is the ${extendsPreset} preset's`,
    'LOGIN-DELAY and [IN-USE] refusals (either stops the capture), SASL challenges and mechanisms other than PLAIN, autologout, UTF8, LANG: not probed; the preset answers',
    // The script opens one session at a time: whether a second login is refused is never seen.
    `locking (a login while another session holds the mailbox): not probed; the ${extendsPreset} preset's (${dialects[extendsPreset].lock === 'exclusive' ? 'refused with [IN-USE]' : 'allowed'}), or behaviour.lock / the lock option`,
    `messageExpunged (RETR or TOP of a message another session's QUIT removed): not probed, the capture commits no deletion; the ${extendsPreset} preset's (${dialects[extendsPreset].texts.messageExpunged ? 'an -ERR' : 'none: the message is sent from the snapshot'})`,
  ];
  return { ...file, notLearned };
}
