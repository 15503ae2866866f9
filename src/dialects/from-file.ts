import { mechanismNeeds, type SaslMechanismName } from '../capabilities/sasl-names';
import type { CapabilitySettings, CapabilityView } from '../capabilities/settings';
import type { SessionState } from '../vocabulary';
import type { Dialect, ReplyTexts } from './dialect';
import type { CapturedCapa, DialectFile, FileText, FileTexts, TextState } from './dialect-file';
import { type FileTextName, fillTemplate } from './file-placeholders';
import { dialects } from './index';

type Values = Readonly<Record<string, string | number>>;

/** Picks the template for a verb and state, as {@link TextChoice} says (the capture checks its samples with it). */
export function pick(text: FileText, verb: string | undefined, state: SessionState | undefined): string {
  if (typeof text === 'string') return text;
  const byVerb = verb === undefined ? undefined : text.byVerb?.[verb.toUpperCase()];
  if (byVerb !== undefined) return byVerb;
  const byState = state === undefined ? undefined : text.byState?.[state as TextState];
  return byState ?? text.otherwise;
}

const decimal = (argument: string) => (/^\d+$/.test(argument) ? argument.replace(/^0+(?=\d)/, '') : argument);
const verbValues = (verb: string) => ({ verb, VERB: verb.toUpperCase() });

/**
 * Turns a checked dialect file into a {@link Dialect}: its texts become
 * functions filling their templates, its CAPA lines the dialect's CAPA list,
 * and everything it leaves out comes from the preset it extends.
 */
export function dialectOfCheckedFile(file: DialectFile): Dialect {
  const base = dialects[file.extends];
  const given = file.texts ?? {};
  /** The file's text for `name` filled with `values`, or `undefined` when the file has none. */
  const text = (name: FileTextName, values: Values = {}, verb?: string, state?: SessionState) => {
    const t: FileText | null | undefined = given[name];
    return t === undefined || t === null ? undefined : fillTemplate(pick(t, verb, state), values);
  };
  const plain = (name: FileTextName & keyof ReplyTexts, fallback: string) => text(name) ?? fallback;
  const b = base.texts;
  const texts: ReplyTexts = {
    ...b,
    greeting: (info) => text('greeting', { ...info }) ?? b.greeting(info),
    userAccepted: (user) => text('userAccepted', { user }) ?? b.userAccepted(user),
    missingArgument: (verb) => text('missingArgument', verbValues(verb), verb) ?? b.missingArgument(verb),
    passWithoutUser: plain('passWithoutUser', b.passWithoutUser),
    authFailed: plain('authFailed', b.authFailed),
    mailboxInUse: plain('mailboxInUse', b.mailboxInUse),
    loggedIn: (count, octets, via) =>
      text('loggedIn', { count, octets }, via) ?? b.loggedIn(count, octets, via),
    quitAuthorization: plain('quitAuthorization', b.quitAuthorization),
    // The capture never commits a deletion: QUIT after DELE is the preset's unless the file says.
    quitUpdate: (deleted, left) =>
      (deleted === 0 ? text('quitUpdate', { left }) : text('quitUpdateWithDeletions', { deleted, left })) ??
      b.quitUpdate(deleted, left),
    listHeader: (count, octets) => text('listHeader', { count, octets }) ?? b.listHeader(count, octets),
    noSuchMessage: (argument, count) =>
      text('noSuchMessage', { number: decimal(argument), argument, count }) ??
      b.noSuchMessage(argument, count),
    messageDeleted: (number) => text('messageDeleted', { number }) ?? b.messageDeleted(number),
    // Absent from file and preset: the snapshot is served (see ReplyTexts.messageExpunged).
    messageExpunged:
      given.messageExpunged === undefined
        ? b.messageExpunged
        : (number) => text('messageExpunged', { number }) ?? '',
    invalidNumber: (argument, rest) =>
      text('invalidNumber', { argument, rest }) ?? b.invalidNumber(argument, rest),
    tooManyArguments: (verb, extra) =>
      text('tooManyArguments', { ...verbValues(verb), extra: extra.join(' ') }, verb) ??
      b.tooManyArguments(verb, extra),
    invalidLineCount: (argument, rest) =>
      text('invalidLineCount', { argument, rest }) ?? b.invalidLineCount(argument, rest),
    junkAfterNumber: (junk) => text('junkAfterNumber', { junk }) ?? b.junkAfterNumber(junk),
    junkAfterLineCount: (junk) => text('junkAfterLineCount', { junk }) ?? b.junkAfterLineCount(junk),
    numberTooLarge: (rest) => text('numberTooLarge', { rest }) ?? b.numberTooLarge(rest),
    lineCountTooLarge: (rest) => text('lineCountTooLarge', { rest }) ?? b.lineCountTooLarge(rest),
    retrieved: (size) => text('retrieved', { size }) ?? b.retrieved(size),
    top: plain('top', b.top),
    deleted: (number) => text('deleted', { number }) ?? b.deleted(number),
    alreadyDeleted: (number) => text('alreadyDeleted', { number }) ?? b.alreadyDeleted(number),
    noop: plain('noop', b.noop),
    reset: (count, octets, unmarked) =>
      text('reset', { count, octets, unmarked }) ?? b.reset(count, octets, unmarked),
    uidlHeader: plain('uidlHeader', b.uidlHeader),
    capaHeader: plain('capaHeader', b.capaHeader),
    unknownCommand: (verb, state) =>
      text('unknownCommand', { ...verbValues(verb), state }, verb, state) ?? b.unknownCommand(verb, state),
    // Absent from file and preset: the session answers with unknownCommand (the file's) of an empty verb.
    emptyCommand:
      given.emptyCommand === undefined
        ? b.emptyCommand
        : (state) => text('emptyCommand', { state }, undefined, state) ?? '',
    wrongState: (verb, state) =>
      text('wrongState', { ...verbValues(verb), state }, verb, state) ?? b.wrongState(verb, state),
    lineTooLong: (state) => text('lineTooLong', { state }, undefined, state) ?? b.lineTooLong(state),
    badCharacters: plain('badCharacters', b.badCharacters),
    tooManyBadCommands: (state) =>
      text('tooManyBadCommands', { state }, undefined, state) ?? b.tooManyBadCommands(state),
    autologout: given.autologout === null ? undefined : (text('autologout') ?? b.autologout),
    internalError: plain('internalError', b.internalError),
    tooManySessions: plain('tooManySessions', b.tooManySessions),
    apopNotEnabled: plain('apopNotEnabled', b.apopNotEnabled),
    unknownMechanism: (name) => text('unknownMechanism', { name }) ?? b.unknownMechanism(name),
    authCancelled: plain('authCancelled', b.authCancelled),
    authMalformed: plain('authMalformed', b.authMalformed),
    authBadInitialBase64: plain('authBadInitialBase64', b.authBadInitialBase64),
    authBadBase64: plain('authBadBase64', b.authBadBase64),
    authBadBase64Padding: text('authBadBase64Padding') ?? b.authBadBase64Padding,
    apopBadDigest: plain('apopBadDigest', b.apopBadDigest),
    apopBadDigestLength: text('apopBadDigestLength') ?? b.apopBadDigestLength,
    plaintextDisallowed: plain('plaintextDisallowed', b.plaintextDisallowed),
    loginDelay: plain('loginDelay', b.loginDelay),
    stlsBegin: plain('stlsBegin', b.stlsBegin),
    tlsAlreadyActive: plain('tlsAlreadyActive', b.tlsAlreadyActive),
    utf8Enabled: plain('utf8Enabled', b.utf8Enabled),
    utf8Required: plain('utf8Required', b.utf8Required),
    langChosen: (tag, description) =>
      text('langChosen', { tag, description }) ?? b.langChosen(tag, description),
    langUnknown: (range) => text('langUnknown', { range }) ?? b.langUnknown(range),
    langHeader: plain('langHeader', b.langHeader),
    authMechanismList: plain('authMechanismList', b.authMechanismList),
  };
  const behaviour = file.behaviour ?? {};
  const maxBadCommands: Partial<Record<TextState, number>> = { ...base.maxBadCommands };
  for (const [state, limit] of Object.entries(behaviour.maxBadCommands ?? {}) as [
    TextState,
    number | null,
  ][]) {
    if (limit === null) delete maxBadCommands[state];
    else maxBadCommands[state] = limit;
  }
  const capa = file.capa;
  // Either list is enough: a half one (a server whose CAPA after login failed) answers in both states.
  const captured = capa?.beforeLogin !== undefined || capa?.afterLogin !== undefined;
  return {
    ...base,
    name: file.name,
    texts,
    maxLineLength: { ...base.maxLineLength, ...behaviour.maxLineLength },
    closeOnLongLine: behaviour.closeOnLongLine ?? base.closeOnLongLine,
    maxBadCommands,
    ignoreExtraArguments: behaviour.ignoreExtraArguments ?? base.ignoreExtraArguments,
    authListsMechanisms: behaviour.authListsMechanisms ?? base.authListsMechanisms,
    userTakesRestOfLine: behaviour.userTakesRestOfLine ?? base.userTakesRestOfLine,
    userKeptUntilPass: behaviour.userKeptUntilPass ?? base.userKeptUntilPass,
    failedPassKeepsUser: behaviour.failedPassKeepsUser ?? base.failedPassKeepsUser,
    authTakesRestOfLine: behaviour.authTakesRestOfLine ?? base.authTakesRestOfLine,
    apopTimestamp:
      behaviour.apopTimestamp === null ? undefined : (behaviour.apopTimestamp ?? base.apopTimestamp),
    argumentReader: behaviour.argumentReader ?? base.argumentReader,
    barePassTriesEmptyPassword: behaviour.barePassTriesEmptyPassword ?? base.barePassTriesEmptyPassword,
    lock: behaviour.lock ?? base.lock,
    requireTls: behaviour.requireTls ?? base.requireTls,
    ...(captured
      ? {
          implementation: settingsFromCapa(capa, given).implementation,
          capabilities: settingsFromCapa(capa, given),
          capabilityLines: (settings: CapabilitySettings, view: CapabilityView) =>
            capturedLines(capa, settings, view),
        }
      : {}),
  };
}

const keyword = (line: string) => line.split(' ')[0]?.toUpperCase() ?? '';
const argumentsOf = (line: string) => line.split(' ').slice(1);

/**
 * The capability defaults the captured CAPA lists imply (the `capabilities`
 * option still overrides them). A command the server answered with `+OK`
 * although CAPA leaves it out (GreenMail's TOP and USER) stays on: the file
 * has its text; STLS too when the file has its texts (captured over implicit
 * TLS, CAPA never lists it). USER is always on: a capture logs in with USER/PASS.
 */
export function settingsFromCapa(capa: CapturedCapa, texts: FileTexts = {}): Partial<CapabilitySettings> {
  const all = [...(capa.beforeLogin ?? []), ...(capa.afterLogin ?? []), ...(capa.afterStls ?? [])];
  const find = (name: string) => all.find((line) => keyword(line) === name);
  const has = (name: string) => find(name) !== undefined;
  const sasl = [...new Set(all.filter((l) => keyword(l) === 'SASL').flatMap(argumentsOf))].filter(
    (m): m is SaslMechanismName => Object.hasOwn(mechanismNeeds, m),
  );
  const number = (name: string) => {
    const value = argumentsOf(find(name) ?? '')[0];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const expire = argumentsOf(find('EXPIRE') ?? '')[0];
  const implementation = find('IMPLEMENTATION')?.slice('IMPLEMENTATION '.length);
  return {
    capa: true,
    top: has('TOP') || texts.top !== undefined,
    uidl: has('UIDL') || texts.uidlHeader !== undefined,
    user: true,
    pipelining: has('PIPELINING'),
    respCodes: has('RESP-CODES'),
    authRespCode: has('AUTH-RESP-CODE'),
    implementation: implementation === '' ? undefined : implementation,
    sasl,
    stls: has('STLS') || texts.stlsBegin !== undefined || texts.tlsAlreadyActive !== undefined,
    loginDelay: number('LOGIN-DELAY'),
    expire: expire === 'NEVER' ? 'NEVER' : number('EXPIRE'),
    utf8: has('UTF8'),
    lang: has('LANG'),
  };
}

/** A boolean setting per CAPA keyword: a line whose setting is off (by the `capabilities` option) goes. */
const SWITCHES: Readonly<Record<string, (s: CapabilitySettings) => boolean>> = {
  TOP: (s) => s.top,
  UIDL: (s) => s.uidl,
  USER: (s) => s.user,
  PIPELINING: (s) => s.pipelining,
  'RESP-CODES': (s) => s.respCodes,
  'AUTH-RESP-CODE': (s) => s.authRespCode,
  STLS: (s) => s.stls,
  UTF8: (s) => s.utf8,
  LANG: (s) => s.lang,
  'LOGIN-DELAY': (s) => s.loginDelay !== undefined,
  EXPIRE: (s) => s.expire !== undefined,
  IMPLEMENTATION: (s) => s.implementation !== undefined,
};

/**
 * The captured lines for the moment, in the server's order, less what this
 * connection cannot offer. A list the file lacks is the other one: after login
 * the list from before, before login (and after STLS) the one from after.
 */
function capturedLines(capa: CapturedCapa, settings: CapabilitySettings, view: CapabilityView): string[] {
  const before = capa.beforeLogin ?? capa.afterLogin;
  const source =
    view.state !== 'AUTHORIZATION'
      ? (capa.afterLogin ?? capa.beforeLogin)
      : view.tlsActive
        ? (capa.afterStls ?? before)
        : before;
  return (source ?? []).flatMap((line) => {
    const name = keyword(line);
    if (name === 'SASL') {
      // As captured (a server may list a mechanism it only accepts later, as Gmail's OAUTHBEARER),
      // less what the settings turned off or what needs TLS first.
      const listed = argumentsOf(line).filter((m) => {
        const needs = mechanismNeeds[m as SaslMechanismName];
        if (needs === undefined) return true;
        return settings.sasl.includes(m as SaslMechanismName) && (!needs.plaintext || view.plaintextAllowed);
      });
      return [['SASL', ...listed].join(' ')];
    }
    if (name === 'STLS' && view.tlsActive) return [];
    if (name === 'USER' && !view.plaintextAllowed) return [];
    const on = SWITCHES[name];
    return on === undefined || on(settings) ? [line] : [];
  });
}
