import type { ArgumentReader } from '../dialects/dialect';
import type { TextState } from '../dialects/dialect-file';
import { type FileTextName, TEXT_STATUS } from '../dialects/file-placeholders';
import type { Answer } from './line-client';
import { lineOf, type ProbeSessions, textOf } from './probe-session';
import { type KnownValues, templateOf } from './template-of';

/** One observed text, made a template. */
export interface Sample {
  readonly text: FileTextName;
  readonly template: string;
  /** The reply text it came from, and the values the script knew, to check a template against. */
  readonly raw: string;
  readonly values: Readonly<Record<string, string | number>>;
  readonly verb?: string;
  readonly state?: TextState;
}

/** What the script learned, before it becomes a dialect file. */
export interface Findings {
  greeting: string;
  /** The address the server saw this side as: the greeting's `{remoteAddress}`. */
  localAddress: string;
  samples: Sample[];
  capa: { beforeLogin?: string[]; afterLogin?: string[]; afterStls?: string[] };
  maxLineLength: Partial<Record<TextState, number>>;
  /** Whether the server closed after an over-long line, by state. */
  closeOnLongLine: Partial<Record<TextState, boolean>>;
  maxBadCommands: Partial<Record<TextState, number | null>>;
  ignoreExtraArguments?: boolean;
  authListsMechanisms?: boolean;
  userTakesRestOfLine?: boolean;
  rfcNumberingAfterDele?: boolean;
  argumentReader?: ArgumentReader;
  barePassTriesEmptyPassword?: boolean;
  /** With --starttls: USER before STLS was refused (the server takes no login before TLS). */
  requireTls?: boolean;
  notLearned: string[];
}

/** Records an answer's status line as a sample of `text`, made a template of the values the script knows. */
export type Learn = (
  text: FileTextName,
  answer: Answer,
  values?: KnownValues,
  verb?: string,
  state?: TextState,
) => void;

/** How the capture's sessions run: cleartext, POP3S, or STLS first. */
export type ProbeTls = 'none' | 'implicit' | 'stls';

export const A: TextState = 'AUTHORIZATION';
export const T: TextState = 'TRANSACTION';

/** Whether CAPA (after STLS when there was one) lists SASL mechanism `name`. */
export function offersSasl(f: Findings, name: string): boolean {
  const line = (f.capa.afterStls ?? f.capa.beforeLogin ?? []).find((l) => /^SASL\b/i.test(l)) ?? '';
  return line.toUpperCase().split(' ').slice(1).includes(name);
}

/** `{verb}` as typed and `{VERB}` upper-cased. */
export const verbOf = (verb: string): KnownValues => [
  ['verb', verb],
  ['VERB', verb.toUpperCase()],
];

/** Empty findings and the {@link Learn} that adds to them. */
export function newFindings(): { f: Findings; learn: Learn } {
  const f: Findings = {
    greeting: '',
    localAddress: '',
    samples: [],
    capa: {},
    maxLineLength: {},
    closeOnLongLine: {},
    maxBadCommands: {},
    notLearned: [],
  };
  const learn: Learn = (text, answer, values = [], verb, state) => {
    const line = lineOf(answer);
    if (line === undefined) {
      // No reply shows nothing of the text; the replay still answers, with the file's other samples or the preset's.
      const where = state === undefined ? '' : ` (in ${state})`;
      f.notLearned.push(
        `${text}${where}: ${noReply(answer)} where a reply was expected; not learned from it`,
      );
      return;
    }
    const status = TEXT_STATUS[text];
    if (!line.startsWith(status)) {
      // Not that text: a server that answered +OK where it should refuse (or a probe run where it meant nothing).
      f.notLearned.push(`${text}: the server answered ${JSON.stringify(line)} where ${status} was expected`);
      return;
    }
    f.samples.push({
      text,
      template: templateOf(textOf(line), values),
      raw: textOf(line),
      values: Object.fromEntries(values),
      verb,
      state,
    });
  };
  return { f, learn };
}

/**
 * Whether `answer` is a reply a behaviour can be told from. A close, or no reply
 * within the timeout, shows nothing of it: the behaviour is left to the preset,
 * and notLearned says so (never `false` for a server that did not answer).
 */
export function decides(f: Findings, answer: Answer, sent: string, behaviour: string): boolean {
  if (answer.kind === 'line' || answer.kind === 'multi') return true;
  f.notLearned.push(`${sent}: ${noReply(answer)}; behaviour.${behaviour} is the preset's`);
  return false;
}

/** What came instead of a reply. */
export function noReply(answer: Answer): string {
  const cut = 'cut' in answer && answer.cut !== undefined;
  if (answer.kind === 'closed')
    return cut
      ? 'the server closed the connection before the end of its multi-line reply'
      : 'the server closed the connection';
  return cut
    ? 'a multi-line reply that did not end within the timeout (--timeout-ms)'
    : 'no reply within the timeout (--timeout-ms)';
}

/** What each part of the probe script works with. */
export interface ProbeRun {
  readonly sessions: ProbeSessions;
  readonly f: Findings;
  readonly learn: Learn;
  /** The user name the script logs in with. */
  readonly user: string;
  /** Its password: for the logins by AUTH PLAIN and APOP (never recorded). */
  readonly password: string;
}
