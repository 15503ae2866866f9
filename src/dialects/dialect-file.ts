import type { LockMode } from '../vocabulary';
import type { ArgumentReader } from './dialect';
import type { FileTextName } from './file-placeholders';
import type { DialectName } from './index';

/** The states a text can differ by. */
export type TextState = 'AUTHORIZATION' | 'TRANSACTION';

/**
 * A text that differs by command or by state. The first that applies wins:
 * `byVerb[VERB]`, then `byState[state]`, then `otherwise`.
 */
export interface TextChoice {
  readonly byVerb?: Readonly<Record<string, string>>;
  readonly byState?: Readonly<Partial<Record<TextState, string>>>;
  readonly otherwise: string;
}

/** One text of a dialect file: a template, or a choice of templates. */
export type FileText = string | TextChoice;

/** The texts of a dialect file; `autologout: null` closes an idle session silently. */
export type FileTexts = Readonly<Partial<Record<Exclude<FileTextName, 'autologout'>, FileText>>> & {
  readonly autologout?: FileText | null;
};

/** CAPA as the captured server listed it, line by line, in its order. */
export interface CapturedCapa {
  /** Before login, in cleartext. */
  readonly beforeLogin?: readonly string[];
  /** After login. */
  readonly afterLogin?: readonly string[];
  /** Before login, after STLS. */
  readonly afterStls?: readonly string[];
}

/** The behaviours a dialect file may set; each absent one comes from the preset it extends. */
export interface FileBehaviour {
  /** Longest command line accepted per state, CRLF included. */
  readonly maxLineLength?: Readonly<Partial<Record<TextState, number>>>;
  /** Close the connection after answering an over-long line. */
  readonly closeOnLongLine?: boolean;
  /** Consecutive bad commands that end a session, per state; `null`: never. */
  readonly maxBadCommands?: Readonly<Partial<Record<TextState, number | null>>>;
  /** Commands without arguments ignore extra ones. */
  readonly ignoreExtraArguments?: boolean;
  /** A bare `AUTH` lists the mechanisms. */
  readonly authListsMechanisms?: boolean;
  /** USER takes the rest of the line as the name, even none, and answers `+OK`. */
  readonly userTakesRestOfLine?: boolean;
  /** USER's name waits for PASS across other commands (otherwise PASS counts only right after USER). */
  readonly userKeptUntilPass?: boolean;
  /** A failed PASS keeps USER's name for the next PASS. */
  readonly failedPassKeepsUser?: boolean;
  /** AUTH's initial response is the rest of the line after the mechanism (more words: bad base64). */
  readonly authTakesRestOfLine?: boolean;
  /**
   * The greeting's APOP timestamp shape (`<{hex}.{digits}.{base64}@{host}>`):
   * the mock's greetings carry one of that shape and APOP is on; `null`: the
   * server's greeting had none.
   */
  readonly apopTimestamp?: string | null;
  /** How LIST n, UIDL n, RETR, DELE and TOP read their arguments (`ArgumentReader` in dialect.ts). */
  readonly argumentReader?: ArgumentReader;
  /** A bare PASS tries the empty password: it fails and uses up the USER. */
  readonly barePassTriesEmptyPassword?: boolean;
  /** Maildrop locking. */
  readonly lock?: LockMode;
  /** No login before TLS: USER, PASS and plaintext SASL are refused with `plaintextDisallowed` until STLS (the `requireTls` option overrides it). */
  readonly requireTls?: boolean;
}

/** What the capture saw but the dialect does not replay by itself. */
export interface FileObservations {
  /** The SASL mechanisms the server offered before login. */
  readonly saslMechanisms?: readonly string[];
  /** Whether `LIST n` and the numbering kept RFC 1939's numbers after a DELE. */
  readonly rfcNumberingAfterDele?: boolean;
  /** Response codes (`[AUTH]`, `[IN-USE]`, ...) seen in the replies. */
  readonly responseCodes?: readonly string[];
  /**
   * The APOP timestamp of the greeting the capture saw, as files written by
   * the first version of `pop3-mock capture` hold it. Kept for the reader and
   * not used, as it never was: what turns APOP on in a replay is
   * `behaviour.apopTimestamp`.
   */
  readonly apopTimestamp?: string | null;
}

/**
 * A dialect as a JSON file (`pop3-mock capture` writes one; `loadDialect()`
 * reads one): reply texts as templates, CAPA lines, behaviours. What the file
 * leaves out comes from the preset it `extends`.
 */
export interface DialectFile {
  /** The file format and its version. */
  readonly format: 'pop3-mock-dialect/1';
  /** A name for the dialect (transcripts and logs show it). */
  readonly name: string;
  /** The preset whose texts and behaviours fill what the file does not give. */
  readonly extends: DialectName;
  /** Reply texts after `+OK ` / `-ERR `, with `{placeholders}` (see docs/DIALECTS.md). */
  readonly texts?: FileTexts;
  readonly capa?: CapturedCapa;
  readonly behaviour?: FileBehaviour;
  readonly observed?: FileObservations;
  /** What the capture could not learn, in words: kept for the reader, not used. */
  readonly notLearned?: readonly string[];
}
