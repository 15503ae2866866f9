import type { ReplyTexts } from './dialect';

/** A text a dialect file may give: every {@link ReplyTexts} entry, plus QUIT's text after deletions. */
export type FileTextName = keyof ReplyTexts | 'quitUpdateWithDeletions';

/**
 * The placeholders each text may use, named after the values the mock hands
 * the text. `{number}` is a message number as a decimal value (`007` gives 7),
 * `{argument}` the argument as the client typed it, `{verb}` the command as
 * typed and `{VERB}` upper-cased, `{extra}` the surplus arguments joined by
 * single spaces, `{rest}` the argument and the ones after it (joined the same
 * way, or as typed where the dialect's arguments are read the `scan` way),
 * `{junk}` what follows a number's digits, as typed. A text with no entry here
 * takes no placeholders. `loggedIn` may differ by the command that logged in
 * (`byVerb`: PASS, APOP, AUTH).
 */
export const TEXT_PLACEHOLDERS: Readonly<Record<FileTextName, readonly string[]>> = {
  greeting: ['remoteAddress', 'sessionId'],
  userAccepted: ['user'],
  missingArgument: ['verb', 'VERB'],
  passWithoutUser: [],
  authFailed: [],
  mailboxInUse: [],
  loggedIn: ['count', 'octets'],
  quitAuthorization: [],
  quitUpdate: ['left'],
  quitUpdateWithDeletions: ['deleted', 'left'],
  listHeader: ['count', 'octets'],
  noSuchMessage: ['number', 'argument', 'count'],
  messageDeleted: ['number'],
  messageExpunged: ['number'],
  invalidNumber: ['argument', 'rest'],
  tooManyArguments: ['verb', 'VERB', 'extra'],
  invalidLineCount: ['argument', 'rest'],
  junkAfterNumber: ['junk'],
  junkAfterLineCount: ['junk'],
  numberTooLarge: ['rest'],
  lineCountTooLarge: ['rest'],
  retrieved: ['size'],
  top: [],
  deleted: ['number'],
  alreadyDeleted: ['number'],
  noop: [],
  reset: ['count', 'octets', 'unmarked'],
  uidlHeader: [],
  capaHeader: [],
  unknownCommand: ['verb', 'VERB', 'state'],
  emptyCommand: ['state'],
  wrongState: ['verb', 'VERB', 'state'],
  lineTooLong: ['state'],
  badCharacters: [],
  tooManyBadCommands: ['state'],
  autologout: [],
  internalError: [],
  tooManySessions: [],
  apopNotEnabled: [],
  unknownMechanism: ['name'],
  authCancelled: [],
  authMalformed: [],
  authBadInitialBase64: [],
  authBadBase64: [],
  authBadBase64Padding: [],
  apopBadDigest: [],
  apopBadDigestLength: [],
  plaintextDisallowed: [],
  loginDelay: [],
  stlsBegin: [],
  tlsAlreadyActive: [],
  utf8Enabled: [],
  utf8Required: [],
  langChosen: ['tag', 'description'],
  langUnknown: ['range'],
  langHeader: [],
  authMechanismList: [],
};

export const FILE_TEXT_NAMES = Object.keys(TEXT_PLACEHOLDERS) as FileTextName[];

/** How the mock picks among a text's templates: by the command (`byVerb`: any, or these), by the session's state (`byState`). */
export interface TextChoices {
  readonly byVerb?: 'any' | readonly string[];
  readonly byState?: true;
}

/**
 * The texts the mock hands a command or a state when it sends them
 * (src/dialects/from-file.ts); every other text goes out as its `otherwise`,
 * so a `byVerb` or `byState` there would never be read, and is refused.
 */
export const TEXT_CHOICES: Readonly<Partial<Record<FileTextName, TextChoices>>> = {
  missingArgument: { byVerb: 'any' },
  loggedIn: { byVerb: ['PASS', 'APOP', 'AUTH'] },
  tooManyArguments: { byVerb: 'any' },
  unknownCommand: { byVerb: 'any', byState: true },
  wrongState: { byVerb: 'any', byState: true },
  emptyCommand: { byState: true },
  lineTooLong: { byState: true },
  tooManyBadCommands: { byState: true },
};

/** The status line each text goes out with: a text learned from a reply of the other status is not that text. */
export const TEXT_STATUS: Readonly<Record<FileTextName, '+OK' | '-ERR'>> = {
  greeting: '+OK',
  userAccepted: '+OK',
  missingArgument: '-ERR',
  passWithoutUser: '-ERR',
  authFailed: '-ERR',
  mailboxInUse: '-ERR',
  loggedIn: '+OK',
  quitAuthorization: '+OK',
  quitUpdate: '+OK',
  quitUpdateWithDeletions: '+OK',
  listHeader: '+OK',
  noSuchMessage: '-ERR',
  messageDeleted: '-ERR',
  messageExpunged: '-ERR',
  invalidNumber: '-ERR',
  tooManyArguments: '-ERR',
  invalidLineCount: '-ERR',
  junkAfterNumber: '-ERR',
  junkAfterLineCount: '-ERR',
  numberTooLarge: '-ERR',
  lineCountTooLarge: '-ERR',
  retrieved: '+OK',
  top: '+OK',
  deleted: '+OK',
  alreadyDeleted: '-ERR',
  noop: '+OK',
  reset: '+OK',
  uidlHeader: '+OK',
  capaHeader: '+OK',
  unknownCommand: '-ERR',
  emptyCommand: '-ERR',
  wrongState: '-ERR',
  lineTooLong: '-ERR',
  badCharacters: '-ERR',
  tooManyBadCommands: '-ERR',
  autologout: '-ERR',
  internalError: '-ERR',
  tooManySessions: '-ERR',
  apopNotEnabled: '-ERR',
  unknownMechanism: '-ERR',
  authCancelled: '-ERR',
  authMalformed: '-ERR',
  authBadInitialBase64: '-ERR',
  authBadBase64: '-ERR',
  authBadBase64Padding: '-ERR',
  apopBadDigest: '-ERR',
  apopBadDigestLength: '-ERR',
  plaintextDisallowed: '-ERR',
  loginDelay: '-ERR',
  stlsBegin: '+OK',
  tlsAlreadyActive: '-ERR',
  utf8Enabled: '+OK',
  utf8Required: '-ERR',
  langChosen: '+OK',
  langUnknown: '-ERR',
  langHeader: '+OK',
  authMechanismList: '+OK',
};

/** `{name}` placeholders and `{{` / `}}` escapes, in one pass. */
const TOKEN = /\{\{|\}\}|\{([A-Za-z]+)\}/g;

/** The placeholder names a template uses. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(TOKEN)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));
}

/** Fills a template: `{name}` from `values` (left as written when absent), `{{` and `}}` as braces. */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(TOKEN, (token, name: string | undefined) => {
    if (name === undefined) return token[0] ?? '';
    const value = values[name];
    return value === undefined ? token : String(value);
  });
}

/** Writes literal text so {@link fillTemplate} gives it back unchanged. */
export function escapeTemplate(text: string): string {
  return text.replace(/[{}]/g, (brace) => brace + brace);
}
